package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/auth"
	portalform "github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/webtest"
)

// regulatorProvider is a provider whose approved record says its children's home SC111111
// was judged good, with an active contract managed by manager.
func regulatorProvider(t *testing.T, s *webtest.Server, manager string) string {
	t.Helper()
	org := s.NewOrganisation(t, "Harbour Homes Limited")
	judged := time.Date(2025, time.May, 1, 0, 0, 0, 0, time.UTC)
	qaApprove(t, s, org, provider.SectionRegulation, &provider.RegulationAnswers{OfstedRegistered: "yes", CQCRegistered: "no",
		Ofsted: []provider.OfstedRegistration{{URN: "SC111111", Judgement: "good", JudgementDate: portalform.DateInputOf(&judged)}}})
	if _, err := s.DB.Exec(`INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, start_date, end_date,
		total_value_pence, annual_value_pence, manager_id, status) VALUES ('C-1', 'Residential placements', $1, 'childrens_homes', 'spot', '2025-01-01', '2030-01-01',
		100000000, 50000000, $2, 'active')`, org, manager); err != nil {
		t.Fatal(err)
	}
	if err := quality.RefreshProvider(context.Background(), s.DB, org, time.Now()); err != nil {
		t.Fatal(err)
	}
	return org
}

func TestRegulatorDataUploadDryRunThenApply(t *testing.T) {
	s := webtest.Start(t)
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	manager := s.CreateUser(t, "mina@council.example", []auth.Role{auth.RoleOfficer}, "")
	org := regulatorProvider(t, s, manager.ID)
	c, csrf := sessionAs(t, s, officer.ID, auth.StageFull)
	content, err := os.ReadFile("../regulator/testdata/ofsted_providers_inspections.csv")
	if err != nil {
		t.Fatal(err)
	}

	// No source and no file: both fields say what to do, 422.
	resp, doc := postMultipart(t, c, "/regulator-data", "/regulator-data", url.Values{"_csrf": {csrf}})
	if resp.StatusCode != http.StatusUnprocessableEntity || doc.Find("#source-error").Length() != 1 || doc.Find("#file-error").Length() != 1 {
		t.Fatalf("empty form: status %d", resp.StatusCode)
	}
	// The CQC's layout is not Ofsted's: the file comes back with a message.
	resp, doc = postMultipart(t, c, "/regulator-data", "/regulator-data", url.Values{"_csrf": {csrf}, "source": {"cqc"}},
		fileUpload{field: "file", filename: "ofsted.csv", content: content})
	if resp.StatusCode != http.StatusUnprocessableEntity || doc.Find("#file-error").Length() != 1 || doc.Find("#source-cqc[checked]").Length() != 1 {
		t.Fatalf("wrong source: status %d, %q", resp.StatusCode, doc.Find("#file-error").Text())
	}

	resp, doc = postMultipart(t, c, "/regulator-data", "/regulator-data", url.Values{"_csrf": {csrf}, "source": {"ofsted"}},
		fileUpload{field: "file", filename: "ofsted_providers_inspections.csv", content: content})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("check: status %d", resp.StatusCode)
	}
	page := resp.Header.Get("Location")
	_, doc = c.Get(t, page)
	if doc.Find("[data-fall='SC111111']").Length() != 1 || doc.Find("[data-disagreement='SC111111']").Length() != 1 ||
		doc.Find("[data-change='SC111111']").Length() != 1 || doc.Find("[data-unmatched]").Length() != 1 || doc.Find("form[data-regulator-apply]").Length() != 1 {
		t.Fatalf("the dry run page does not show the fall, the disagreement and the change: %s", doc.Find("main").Text())
	}
	if got := doc.Find("[data-matched]").Text(); got != "1" {
		t.Errorf("matched = %q", got)
	}
	var n int
	if err := s.DB.Get(&n, `SELECT (SELECT count(*) FROM regulator_judgements) + (SELECT count(*) FROM outbox WHERE kind = 'regulator_rating_fell')`); err != nil || n != 0 {
		t.Fatalf("the dry run changed something: %d, %v", n, err)
	}

	resp, _ = c.Submit(t, page, page+"/apply", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page {
		t.Fatalf("apply: status %d", resp.StatusCode)
	}
	if _, doc = c.Get(t, page); doc.Find("form[data-regulator-apply]").Length() != 0 || doc.Find("[data-fall='SC111111']").Length() != 1 {
		t.Errorf("the applied file's page still offers to apply it, or no longer shows its fall")
	}
	stored, err := quality.StoredCompliance(context.Background(), s.DB, org)
	if err != nil {
		t.Fatal(err)
	}
	if stored.RAG != quality.Red {
		t.Errorf("RAG after the fall = %s", stored.RAG)
	}
	if err := s.DB.Get(&n, `SELECT count(*) FROM outbox WHERE kind = 'regulator_rating_fell' AND to_address = 'mina@council.example'`); err != nil || n != 1 {
		t.Errorf("%d emails to the manager, %v", n, err)
	}
	// Applying again (a second tab) is a conflict, not a second email.
	resp, _ = c.Post(t, page+"/apply", url.Values{"_csrf": {csrf}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("second apply: status %d", resp.StatusCode)
	}
}

func TestRegulatorDataIsForOfficers(t *testing.T) {
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	c, _ := sessionAs(t, s, u.ID, auth.StageFull)
	if resp, _ := c.Get(t, "/regulator-data"); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		t.Errorf("a provider sees the regulator data page: %d", resp.StatusCode)
	}
}
