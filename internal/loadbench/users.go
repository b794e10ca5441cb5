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
