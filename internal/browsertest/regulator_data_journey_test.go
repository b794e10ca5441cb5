package browsertest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/webtest"
)

// TestRegulatorDataJourney: an officer uploads Ofsted's published file, reads the dry run
// (the provider's rating fell, its own rating disagrees), applies it, and the provider's
// compliance turns red and its contract manager is emailed. Pages are scanned with axe.
func TestRegulatorDataJourney(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	manager := s.CreateUser(t, "mina@council.example", []auth.Role{auth.RoleOfficer}, "")
	org := s.NewOrganisation(t, "Harbour Homes Limited")
	judged := time.Date(2025, time.May, 1, 0, 0, 0, 0, time.UTC)
	js, err := json.Marshal(&provider.RegulationAnswers{OfstedRegistered: "yes", CQCRegistered: "no",
		Ofsted: []provider.OfstedRegistration{{URN: "SC111111", Judgement: "good", JudgementDate: form.DateInputOf(&judged)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed) VALUES ($1, 'regulation', $2, $2, true)`, org, string(js)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, start_date, end_date,
		total_value_pence, annual_value_pence, manager_id, status) VALUES ('C-1', 'Residential placements', $1, 'childrens_homes', 'spot', '2025-01-01', '2030-01-01',
		100000000, 50000000, $2, 'active')`, org, manager.ID); err != nil {
		t.Fatal(err)
	}
	file, err := filepath.Abs("../regulator/testdata/ofsted_providers_inspections.csv")
	if err != nil {
		t.Fatal(err)
	}
	tab := browsertest.NewTab(t, browser)
	browsertest.SignIn(t, tab, s.URL, officer)

	press(t, tab, `nav a[href="/regulator-data"]`, http.StatusOK, "/regulator-data")
	browsertest.AssertAccessible(t, tab)

	// Without choosing who published it, the form says so.
	browsertest.Do(t, tab, chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}))
	if got := browsertest.Click(t, tab, "form[data-regulator-form] button[type=submit]"); got != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", got)
	}
	assertSummaryLinks(t, tab, "source")
	browsertest.AssertAccessible(t, tab)

	tick(t, tab, "source", "ofsted")
	browsertest.Do(t, tab, chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}))
	if got := browsertest.Click(t, tab, "form[data-regulator-form] button[type=submit]"); got != http.StatusOK {
		t.Fatalf("check: status %d%s", got, errorSummary(t, tab))
	}
	if browsertest.Count(t, tab, "[data-fall='SC111111']") != 1 || browsertest.Count(t, tab, "[data-disagreement='SC111111']") != 1 {
		t.Fatal("the dry run shows no fall or no disagreement for SC111111")
	}
	if got := browsertest.Text(t, tab, "[data-matched]"); got != "1" {
		t.Errorf("matched %q", got)
	}
	browsertest.AssertAccessible(t, tab)

	path := browsertest.Location(t, tab).Path
	press(t, tab, "form[data-regulator-apply] button[type=submit]", http.StatusOK, path)
	if browsertest.Count(t, tab, ".govuk-notification-banner") != 1 || browsertest.Count(t, tab, "form[data-regulator-apply]") != 0 {
		t.Error("no confirmation after applying, or the page still offers to apply")
	}
	browsertest.AssertAccessible(t, tab)

	stored, err := quality.StoredCompliance(context.Background(), s.DB, org)
	if err != nil || stored.RAG != quality.Red {
		t.Errorf("compliance after applying: %+v, %v", stored, err)
	}
	var n int
	if err := s.DB.Get(&n, `SELECT count(*) FROM outbox WHERE kind = 'regulator_rating_fell' AND to_address = $1`, manager.Email); err != nil || n != 1 {
		t.Errorf("%d emails to the manager, %v", n, err)
	}
}
