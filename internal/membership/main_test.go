package membership

import (
	"context"
	"net/url"
	"testing"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
)

// TestMain stops the private PostgreSQL server after the tests.
func TestMain(m *testing.M) { dbtest.Main(m) }

// testPassword satisfies the policy for every role.
const testPassword = "quiet meadow copper lantern"

// newService returns a Service, with the auth Service it makes accounts through, on a fresh
// database, hashing with the cheap parameters.
func newService(t *testing.T) *Service {
	t.Helper()
	t.Cleanup(auth.UseArgon2Params(auth.TestArgon2Params))
	v, err := vault.ParseKeys("test:" + vault.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	base, err := url.Parse("https://portal.example.gov.uk")
	if err != nil {
		t.Fatal(err)
	}
	d := dbtest.New(t)
	a := &auth.Service{DB: d, Vault: v, Throttle: auth.DefaultThrottle, BaseURL: base, Issuer: "Provider Portal (test)"}
	return &Service{DB: d, Auth: a, BaseURL: base}
}

// systemCtx is a context whose audit actor is the system, as for a command.
func systemCtx() context.Context { return audit.WithActor(context.Background(), audit.System) }

// actorCtx is a context acting as u, from an address, as the web layer makes one.
func actorCtx(u *auth.User) context.Context {
	return audit.WithActor(context.Background(), audit.Actor{UserID: u.ID, Email: u.Email, Roles: u.RoleNames, IP: "192.0.2.10", RequestID: "req-1"})
}

// mustCreate stores a user with testPassword or fails the test.
func mustCreate(t *testing.T, s *Service, email string, roles ...auth.Role) *auth.User {
	t.Helper()
	var u *auth.User
	err := db.Transact(systemCtx(), s.DB, func(tx *sqlx.Tx) error {
		var err error
		u, err = s.Auth.CreateUser(systemCtx(), tx, auth.NewUser{Email: email, Name: "Test Person", Roles: roles, Password: testPassword, EmailConfirmed: true})
		return err
	})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// countRows runs a SELECT count(*).
func countRows(t *testing.T, q sqlx.Queryer, query string, args ...any) int {
	t.Helper()
	var n int
	if err := sqlx.Get(q, &n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
