package browsertest_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/retention"
	"github.com/council/provider-portal/internal/webtest"
)

// TestRetentionAndRegisterPagesAreAccessible scans the data protection officer's retention,
// register and audit pages with axe-core, with and without form errors.
func TestRetentionAndRegisterPagesAreAccessible(t *testing.T) {
	b := browsertest.New(t)
	s := webtest.Start(t)
	if _, err := s.DB.Exec(`INSERT INTO organisations (name, legal_name, status, decided_at)
		VALUES ('Rowan Care Ltd', 'Rowan Care Ltd', 'rejected', now() - interval '13 months')`); err != nil {
		t.Fatal(err)
	}
	owner := s.CreateUser(t, "dpo.owner@council.example", []auth.Role{auth.RoleDPO}, "")
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: owner.ID, Email: owner.Email, Roles: []string{"dpo"}})
	if _, err := (&retention.Service{DB: s.DB}).Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	proposals, _, err := retention.Proposals(ctx, s.DB, 10, 0)
	if err != nil || len(proposals) == 0 {
		t.Fatalf("no proposal to look at: %v", err)
	}
	today := time.Now()
	disclosure, err := privacy.RecordDisclosure(ctx, s.DB, privacy.DisclosureInput{DisclosedOn: form.DateInputOf(&today),
		RecipientKind: "ofsted", RecipientName: "Ofsted", What: "Inspection evidence", LawfulBasis: "public_task",
		LawfulBasisDetail: "Care Standards Act 2000"}, today)
	if err != nil {
		t.Fatal(err)
	}
	discovered := today.Add(-2 * time.Hour)
	breach, err := privacy.RecordBreach(ctx, s.DB, privacy.BreachInput{Title: "Email to the wrong provider", Description: "Sent in error",
		DiscoveredOn: form.DateInputOf(&discovered), DiscoveredTime: privacy.InUK(discovered).Format("15:04")}, today)
	if err != nil {
		t.Fatal(err)
	}

	n := 0
	signIn := func(t *testing.T, tab context.Context) {
		t.Helper()
		n++
		browsertest.SignIn(t, tab, s.URL, s.CreateUser(t, "dpo"+strconv.Itoa(n)+"@council.example", []auth.Role{auth.RoleDPO}, ""))
	}
	open := func(t *testing.T, tab context.Context, path string) {
		t.Helper()
		if got := browsertest.Open(t, tab, s.URL+path); got != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, got)
		}
	}
	submitShowsErrors := func(t *testing.T, tab context.Context, css string) {
		t.Helper()
		if got := browsertest.Click(t, tab, css); got != http.StatusUnprocessableEntity {
			t.Fatalf("submitting with errors: status %d, want 422", got)
		}
		if browsertest.Count(t, tab, ".govuk-error-summary") != 1 {
			t.Fatal("no error summary")
		}
	}
	page := func(path string) func(t *testing.T, tab context.Context) {
		return func(t *testing.T, tab context.Context) {
			signIn(t, tab)
			open(t, tab, path)
		}
	}
	withErrors := func(path, button string, fill map[string]string) func(t *testing.T, tab context.Context) {
		return func(t *testing.T, tab context.Context) {
			signIn(t, tab)
			open(t, tab, path)
			if fill != nil {
				browsertest.Fill(t, tab, fill)
			}
			submitShowsErrors(t, tab, button)
		}
	}
	cases := []struct {
		name  string
		visit func(t *testing.T, tab context.Context)
	}{
		{"retention", page("/dpo/retention")},
		{"proposal", page("/dpo/retention/proposals/" + proposals[0].ID)},
		{"rule with errors", withErrors("/dpo/retention/rules/dbs_records", `form[action^="/dpo/retention/rules/"] button[type="submit"]`,
			map[string]string{"months": "six"})},
		{"legal holds with errors", withErrors("/dpo/retention/holds", `form[action="/dpo/retention/holds"] button[type="submit"]`, nil)},
		{"destruction log", page("/dpo/retention/destruction-log")},
		{"record of processing", page("/record-of-processing")},
		{"disclosure log", page("/disclosures")},
		{"disclosure", page("/disclosures/" + disclosure.ID)},
		{"new disclosure with errors", withErrors("/disclosures/new", `form[action="/disclosures"] button[type="submit"]`, nil)},
		{"breach register", page("/dpo/breaches")},
		{"new breach with errors", withErrors("/dpo/breaches/new", `form[action="/dpo/breaches"] button[type="submit"]`, nil)},
		{"breach with assessment errors", withErrors("/dpo/breaches/"+breach.ID, `form[action$="/assessment"] button[type="submit"]`, nil)},
		{"audit log", page("/dpo/audit-log?sensitive=true")},
		{"audit log with errors", withErrors("/dpo/audit-log", `form[data-filter] button[type="submit"]`, map[string]string{"action": "Not an action"})},
		{"audit verification", func(t *testing.T, tab context.Context) {
			signIn(t, tab)
			open(t, tab, "/dpo/audit-log")
			if got := browsertest.Click(t, tab, `form[action="/dpo/audit-log/verify"] button`); got != http.StatusOK {
				t.Fatalf("verify: status %d", got)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab := browsertest.NewTab(t, b)
			tc.visit(t, tab)
			browsertest.AssertAccessible(t, tab)
		})
	}
}
