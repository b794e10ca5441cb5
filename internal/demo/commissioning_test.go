package demo

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/webtest"
)

// commissioningSnapshot fingerprints everything the demo loaders write, so a second load
// can be shown to change nothing: row counts, and a digest of the rows that carry state.
func commissioningSnapshot(t *testing.T, s *webtest.Server) map[string]string {
	t.Helper()
	queries := map[string]string{}
	for _, table := range []string{"organisations", "users", "memberships", "provider_sections", "documents", "provider_status_history",
		"contracts", "kpis", "monitoring_returns", "monitoring_return_notes", "qa_visits", "qa_visit_officers", "qa_actions",
		"qa_action_responses", "provider_compliance", "audit_events", "outbox"} {
		queries[table] = `SELECT count(*)::text FROM ` + table
	}
	queries["organisations digest"] = `SELECT md5(string_agg(id || status || version || updated_at::text, ',' ORDER BY id)) FROM organisations`
	queries["sections digest"] = `SELECT md5(string_agg(organisation_id || section || version || updated_at::text, ',' ORDER BY organisation_id, section)) FROM provider_sections`
	queries["returns digest"] = `SELECT md5(string_agg(id || status || coalesce(value::text, '') || version, ',' ORDER BY id)) FROM monitoring_returns`
	queries["compliance digest"] = `SELECT md5(string_agg(organisation_id || rag || computed_at::text, ',' ORDER BY organisation_id)) FROM provider_compliance`
	out := map[string]string{}
	for name, q := range queries {
		var v string
		if err := s.DB.Get(&v, q); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = v
	}
	return out
}

// Loading the demonstration twice leaves the second load with nothing to do, and the
// officers' dashboard, directory and provider pages render from it with something in every
// list, as a team would see on first start.
func TestLoadCommissioningTwiceAndTheDashboardRenders(t *testing.T) {
	s := webtest.Start(t)
	ctx := context.Background()
	load := func() {
		t.Helper()
		if err := Load(ctx, s.Auth); err != nil {
			t.Fatal(err)
		}
		if err := LoadSubmittedProvider(ctx, s.Auth, s.Providers); err != nil {
			t.Fatal(err)
		}
		if err := LoadCommissioning(ctx, s.Auth, s.Providers); err != nil {
			t.Fatal(err)
		}
		if err := LoadCreditorNumbers(ctx, s.Auth, s.Finance); err != nil {
			t.Fatal(err)
		}
	}
	load()
	first := commissioningSnapshot(t, s)
	load()
	if second := commissioningSnapshot(t, s); len(second) != len(first) {
		t.Fatal("the snapshots differ in shape")
	} else {
		for k, v := range first {
			if second[k] != v {
				t.Errorf("%s changed on the second load: %s, then %s", k, v, second[k])
			}
		}
	}
	var approved, contracts, overdue int
	if err := s.DB.Get(&approved, `SELECT count(*) FROM organisations WHERE status = 'approved'`); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.Get(&contracts, `SELECT count(*) FROM contracts`); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.Get(&overdue, `SELECT count(*) FROM monitoring_returns WHERE status = 'due' AND due_date < current_date AND period_end < current_date`); err != nil {
		t.Fatal(err)
	}
	if approved != len(demoProviders) || contracts != len(demoContracts) || overdue == 0 {
		t.Errorf("approved %d, contracts %d, overdue returns %d", approved, contracts, overdue)
	}
	// Each approved demo provider has a creditor number for the NFI export, set once.
	var numbered int
	if err := s.DB.Get(&numbered, `SELECT count(DISTINCT creditor_number) FROM finance_creditors`); err != nil {
		t.Fatal(err)
	}
	if numbered != len(demoProviders) {
		t.Errorf("%d demo providers have creditor numbers, want %d", numbered, len(demoProviders))
	}

	officer, err := auth.UserByEmail(ctx, s.DB, "officer@example.gov.uk")
	if err != nil {
		t.Fatal(err)
	}
	c := s.SignIn(t, &webtest.TestUser{User: officer, Password: Password, TOTPSecret: Accounts[2].TOTPSecret}, 0)
	get := func(path string) *goquery.Document {
		t.Helper()
		resp, doc := c.Get(t, path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		return doc
	}
	doc := get("/dashboard")
	if got := strings.TrimSpace(doc.Find(`[data-status-count="approved"] [data-count]`).Text()); got != "5" {
		t.Errorf("the dashboard counts %s approved providers, want 5", got)
	}
	for _, rag := range []string{"red", "amber", "green"} {
		if n := strings.TrimSpace(doc.Find(`[data-rag-count="` + rag + `"] [data-count]`).Text()); n == "0" || n == "" {
			t.Errorf("no %s providers on the dashboard", rag)
		}
	}
	for _, list := range []string{"[data-expiring-contracts] tr[data-contract]", "[data-expiring-insurance] tr[data-policy]",
		"[data-expiring-dbs] tr[data-dbs]", "[data-overdue-returns] tr[data-return]", "[data-overdue-actions] tr[data-action]"} {
		if doc.Find(list).Length() == 0 {
			t.Errorf("the dashboard's list %s is empty", list)
		}
	}
	doc = get("/providers")
	if n := doc.Find("[data-directory] tr[data-provider]").Length(); n != 7 {
		t.Errorf("the directory lists %d providers, want 7", n)
	}
	doc = get("/providers/" + demoProviders[0].ID)
	if doc.Find("[data-overview-contracts] tr[data-contract]").Length() != 1 || doc.Find("[data-overview-kpis] tr[data-kpi]").Length() != 2 ||
		doc.Find("[data-overview-visits] tr[data-visit]").Length() != 1 {
		t.Error("Meadowbank's page does not show its contract, two KPIs and visit")
	}

	// The demo writes its contracts directly, so check each meets the contract form's rules,
	// the Procurement Act details included: its own edit form saves unchanged.
	octx := audit.WithActor(ctx, audit.Actor{UserID: officer.ID, Email: officer.Email, Roles: []string{"officer"}})
	for _, dc := range demoContracts {
		var id string
		if err := s.DB.Get(&id, `SELECT id FROM contracts WHERE reference = $1`, dc.Reference); err != nil {
			t.Fatal(err)
		}
		ct, err := s.Services.Contracts.Contract(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Services.Contracts.UpdateContract(octx, id, ct.Version, contract.ContractFormOf(ct)); err != nil {
			t.Errorf("demo contract %s does not meet the form's rules: %v", dc.Reference, err)
		}
	}
}
