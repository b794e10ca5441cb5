package importer_test

import (
	"bytes"
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/importer/importtest"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
)

// fixture is a fresh database, the import service over it, and an officer running imports.
type fixture struct {
	db     *sqlx.DB
	vault  *vault.Vault
	svc    *importer.Service
	ctx    context.Context
	userID string
	today  time.Time
	checks provider.Checks
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	d := dbtest.New(t)
	v, err := vault.ParseKeys("test:" + vault.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://portal.example.gov.uk")
	today := time.Date(2026, 5, 14, 0, 0, 0, 0, time.UTC)
	checks := provider.Checks{Modulus: ukid.DefaultModulusTable(), Today: today, MinEmployersLiabilityPence: provider.MinEmployersLiabilityPence}
	svc := importer.NewService(d, v, checks, base)
	svc.Checks = func() provider.Checks { return checks }
	svc.Finance = &finance.Service{DB: d, Vault: v, Providers: svc.Providers, Modulus: checks.Modulus,
		Documents: document.PostgresStore{}, BaseURL: base, CouncilPhone: "01632 960 000",
		MatchKey: finance.MatchKeyFrom([]byte("importer tests audit key, 32 by"))}
	var userID string
	if err := d.Get(&userID, `INSERT INTO users (email, name, password_hash, roles)
		VALUES ('olive@council.example.gov.uk', 'Olive Officer', 'x', '{officer}') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: userID, Email: "olive@council.example.gov.uk", Roles: []string{"officer"}})
	return &fixture{db: d, vault: v, svc: svc, ctx: ctx, userID: userID, today: today, checks: checks}
}

// run imports a file and fails the test on an infrastructure error.
func (f *fixture) run(t *testing.T, file []byte, opts importer.Options) importer.Report {
	t.Helper()
	if opts.Format == "" {
		opts.Format = importer.CSV
	}
	rep, err := f.svc.Run(f.ctx, bytes.NewReader(file), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.Get(&n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (f *fixture) rows(n int) []importtest.Row { return importtest.ValidRows(n, f.today) }
