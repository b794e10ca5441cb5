// Package demo loads the demonstration data `portal dev` starts with: one user per role and
// a provider organisation. Loading is idempotent, so a second run keeps what was entered.
package demo

import (
	"context"
	"fmt"
	"io"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// Password is every demo user's password. It is printed at start; it passes the policy
// (long, not common) like any real one must.
const Password = "harbour lantern pebble violin"

// Account is one demo sign-in.
type Account struct {
	Email string
	Name  string
	Roles []auth.Role
	// TOTPSecret is fixed for staff so a developer can add it to an authenticator app once
	// (or use `portal totp SECRET`) and keep it across runs.
	TOTPSecret string
}

// Accounts are the demo users, one per role.
var Accounts = []Account{
	{Email: "provider@example.org", Name: "Priya Shah", Roles: []auth.Role{auth.RoleProvider}},
	{Email: "manager@oakfield.example.org", Name: "Morgan Hale", Roles: []auth.Role{auth.RoleProvider}},
	{Email: "officer@example.gov.uk", Name: "Oliver Bennett", Roles: []auth.Role{auth.RoleOfficer}, TOTPSecret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXO"},
	{Email: "finance@example.gov.uk", Name: "Fatima Okafor", Roles: []auth.Role{auth.RoleFinance}, TOTPSecret: "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLV"},
	{Email: "finance2@example.gov.uk", Name: "Frank Lewis", Roles: []auth.Role{auth.RoleFinance}, TOTPSecret: "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LL"},
	{Email: "dpo@example.gov.uk", Name: "Dana Price", Roles: []auth.Role{auth.RoleDPO}, TOTPSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJR"},
	{Email: "admin@example.gov.uk", Name: "Adam Clarke", Roles: []auth.Role{auth.RoleAdmin}, TOTPSecret: "ONSWG4TFORXW4ZLSONSWG4TFORXW4ZLT"},
}

// DemoOrganisationID is fixed so reloading finds it.
const DemoOrganisationID = "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a01"

// Load creates whatever demo data is missing. It never changes data that exists.
func Load(ctx context.Context, svc *auth.Service) error {
	ctx = audit.WithActor(ctx, audit.Actor{Email: "demo-loader", Roles: []string{"system"}})
	return db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, name) VALUES ($1, 'Sunrise Children''s Homes Ltd')
			ON CONFLICT (id) DO NOTHING`, DemoOrganisationID); err != nil {
			return fmt.Errorf("demo organisation: %w", err)
		}
		for _, a := range Accounts {
			if a.Email == "manager@oakfield.example.org" {
				continue // made with its organisation by LoadSubmittedProvider
			}
			if _, err := auth.UserByEmail(ctx, tx, a.Email); err == nil {
				continue
			}
			u, err := svc.CreateUser(ctx, tx, auth.NewUser{Email: a.Email, Name: a.Name, Roles: a.Roles, Password: Password, EmailConfirmed: true})
			if err != nil {
				return fmt.Errorf("demo user %s: %w", a.Email, err)
			}
			if a.TOTPSecret != "" {
				sealed, err := svc.Vault.Seal(a.TOTPSecret, "users:"+u.ID+":totp")
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $2 WHERE id = $1`, u.ID, sealed); err != nil {
					return err
				}
			}
			if u.Has(auth.RoleProvider) {
				if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, u.ID, DemoOrganisationID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// PrintSignIns tells a developer how to sign in as each role.
func PrintSignIns(w io.Writer, baseURL string) {
	fmt.Fprintf(w, "\nProvider Portal is running at %s\n\nDemo sign-ins (password for all: %q):\n", baseURL, Password)
	for _, a := range Accounts {
		role := a.Roles[0].Label()
		if a.TOTPSecret == "" {
			fmt.Fprintf(w, "  %-26s %-24s no second factor\n", a.Email, role)
			continue
		}
		fmt.Fprintf(w, "  %-26s %-24s TOTP secret %s\n", a.Email, role, a.TOTPSecret)
	}
	fmt.Fprintf(w, "\nStaff need a code: add the secret to an authenticator app, or run `go run ./cmd/portal totp SECRET`.\n"+
		"Mail (reset links, invitations, providers' sign-in codes) is readable at %s/admin/outbox when signed in as admin.\nPress Ctrl-C to stop.\n\n", baseURL)
}
