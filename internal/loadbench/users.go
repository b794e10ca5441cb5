package loadbench

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/vault"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// benchPassword is every benchmark account's password; it passes the staff password policy.
const benchPassword = "lantern orchard copper violin"

// createAccounts makes n staff accounts with the role, named prefix001@example.gov.uk and
// on, each with its own enrolled TOTP secret, sealed as the portal seals them. The first is
// made through auth.Service (which hashes the password with the portal's argon2id
// parameters); the rest reuse its hash, since hashing hundreds of passwords would only slow
// the set-up: signing in still verifies the hash in full each time.
func createAccounts(ctx context.Context, d *sqlx.DB, v *vault.Vault, role auth.Role, prefix string, n int) ([]*Account, error) {
	if n == 0 {
		return nil, nil
	}
	svc := &auth.Service{DB: d, Vault: v}
	ctx = audit.WithActor(ctx, audit.Actor{Email: "loadbench", Roles: []string{"system"}})
	email := func(i int) string { return fmt.Sprintf("%s%03d@example.gov.uk", prefix, i+1) }
	var hash string
	if err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		u, err := svc.CreateUser(ctx, tx, auth.NewUser{Email: email(0), Name: "Benchmark " + string(role), Roles: []auth.Role{role},
			Password: benchPassword, EmailConfirmed: true})
		if err != nil {
			return err
		}
		return tx.GetContext(ctx, &hash, `SELECT password_hash FROM users WHERE id = $1`, u.ID)
	}); err != nil {
		return nil, fmt.Errorf("create %s: %w", email(0), err)
	}
	ids, emails, secrets := make([]string, n), make([]string, n), make([]string, n)
	out := make([]*Account, n)
	for i := range n {
		emails[i] = email(i)
		secret, _, err := auth.NewTOTPSecret("loadbench", emails[i])
		if err != nil {
			return nil, err
		}
		out[i] = &Account{Email: emails[i], Password: benchPassword, TOTPSecret: secret}
		if i == 0 {
			if err := d.GetContext(ctx, &ids[0], `SELECT id FROM users WHERE email = $1`, emails[0]); err != nil {
				return nil, err
			}
		} else {
			ids[i] = uuid.NewString()
		}
		if secrets[i], err = v.Seal(secret, "users:"+ids[i]+":totp"); err != nil {
			return nil, err
		}
	}
	_, err := d.ExecContext(ctx, `
		INSERT INTO users (id, email, name, password_hash, roles, email_confirmed_at, totp_secret)
		SELECT a.id, a.email, 'Benchmark ' || $4, $3, ARRAY[$4], now(), a.secret
		FROM unnest($1::uuid[], $2::text[], $5::text[]) AS a(id, email, secret)
		ON CONFLICT (email) DO UPDATE SET totp_secret = EXCLUDED.totp_secret`,
		pq.StringArray(ids), pq.StringArray(emails), hash, string(role), pq.StringArray(secrets))
	if err != nil {
		return nil, fmt.Errorf("create %s accounts: %w", prefix, err)
	}
	return out, nil
}

// Writer is a provider user with an organisation of their own, who saves its sections in
// the write scenario: one each, so no two clients edit the same section and none is refused
// as a conflicting version.
type Writer struct {
	*Account
	OrgID string
}

// createWriters makes n provider users (prefix001@example.gov.uk on, with enrolled TOTP
// secrets, so they sign in as staff do) and an organisation in draft for each, of which
// they are the only member; each has acknowledged the privacy notice in force, as
// registration records, so the notice gate lets them through. Draft organisations stay out
// of the directory's approved lists and of the provider-page sample, which the read
// scenarios measure.
func createWriters(ctx context.Context, d *sqlx.DB, v *vault.Vault, prefix string, n int) ([]*Writer, error) {
	accounts, err := createAccounts(ctx, d, v, auth.RoleProvider, prefix, n)
	if err != nil {
		return nil, err
	}
	emails := make([]string, n)
	for i, a := range accounts {
		emails[i] = a.Email
	}
	var rows []struct {
		Email string `db:"email"`
		OrgID string `db:"organisation_id"`
	}
	err = db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &rows, `
			WITH u AS (SELECT id, email FROM users WHERE email = ANY($1::text[])),
			o AS (INSERT INTO organisations (name) SELECT 'Benchmark writer ' || u.email FROM u RETURNING id, name),
			m AS (INSERT INTO memberships (user_id, organisation_id)
				SELECT u.id, o.id FROM u JOIN o ON o.name = 'Benchmark writer ' || u.email RETURNING user_id, organisation_id),
			a AS (INSERT INTO notice_acknowledgements (user_id, notice_id)
				SELECT u.id, n.id FROM u, (SELECT id FROM privacy_notices WHERE audience = 'provider' AND status = 'published'
					ORDER BY version DESC LIMIT 1) n
				ON CONFLICT DO NOTHING)
			SELECT u.email, m.organisation_id FROM u JOIN m ON m.user_id = u.id`, pq.StringArray(emails))
	})
	if err != nil {
		return nil, fmt.Errorf("create %s organisations: %w", prefix, err)
	}
	orgOf := map[string]string{}
	for _, r := range rows {
		orgOf[r.Email] = r.OrgID
	}
	out := make([]*Writer, n)
	for i, a := range accounts {
		if out[i] = (&Writer{Account: a, OrgID: orgOf[a.Email]}); out[i].OrgID == "" {
			return nil, fmt.Errorf("no organisation made for %s", a.Email)
		}
	}
	return out, nil
}
