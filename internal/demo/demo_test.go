package demo

import (
	"context"
	"net/url"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// Loading twice keeps one of everything, and the submitted provider's record passes every
// section's checks and waits for review.
func TestLoadIsIdempotent(t *testing.T) {
	restore := auth.UseArgon2Params(auth.TestArgon2Params)
	defer restore()
	d := dbtest.New(t)
	v, err := vault.ParseKeys("t:" + vault.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://localhost:8080")
	svc := &auth.Service{DB: d, Vault: v, BaseURL: base}
	providers := &provider.Service{DB: d, Vault: v, Checks: provider.ChecksWith(ukid.DefaultModulusTable()), BaseURL: base}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := Load(ctx, svc); err != nil {
			t.Fatalf("load %d: %v", i, err)
		}
		if err := LoadSubmittedProvider(ctx, svc, providers); err != nil {
			t.Fatalf("load submitted provider %d: %v", i, err)
		}
	}
	var users, orgs int
	if err := d.Get(&users, `SELECT count(*) FROM users`); err != nil {
		t.Fatal(err)
	}
	if err := d.Get(&orgs, `SELECT count(*) FROM organisations`); err != nil {
		t.Fatal(err)
	}
	if users != len(Accounts) || orgs != 2 {
		t.Errorf("users %d (want %d), organisations %d (want 2)", users, len(Accounts), orgs)
	}
	org, err := provider.OrganisationByID(ctx, d, SubmittedOrganisationID)
	if err != nil {
		t.Fatal(err)
	}
	if org.Status != provider.StatusSubmitted {
		t.Errorf("demo provider status %s, want submitted", org.Status)
	}
	officer, err := auth.UserByEmail(ctx, d, "officer@example.gov.uk")
	if err != nil || officer.TOTPSecret == nil {
		t.Fatalf("officer has no TOTP secret: %v", err)
	}
}
