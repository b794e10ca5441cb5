package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/webtest"
)

// A provider's page has everything in one place: the record's identifiers with a link to the
// full record, the compliance panel, its contracts with their status, their KPIs with the
// latest rating and overdue returns, its visits and the actions still to do, the status
// history and the audit trail of the organisation and its contracts. It shows no DBS
// details, and nothing of any other provider.
func TestProviderOverview(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	oc := dirOfficer(t, s)
	org := dirInsert(t, s, dirOrg{name: "Acorn (registered)", legal: "Acorn Care Ltd", trading: "Acorn Homes", postcode: "NN1 1ED",
		company: "09121572", urns: []string{"SC057941"}, categories: []string{"childrens_homes"}, rag: "amber"})
	other := dirInsert(t, s, dirOrg{name: "Birch Homes"})
	dashDBS(t, s, org, dashDays(20))
	dashInsurance(t, s, org, "public_liability", dashDays(200))

	current := dashContract(t, s, org, "C-ACORN", "Residential placements", "active", dashDays(300))
	ended := dashContract(t, s, org, "C-OLD", "Earlier placements", "ended", dashDays(-30))
	elsewhere := dashContract(t, s, other, "C-BIRCH", "Not Acorn's", "active", dashDays(300))
	kpi := dashKPI(t, s, current, "Placement stability")
	quiet := dashKPI(t, s, current, "Complaints resolved")
	monthEnd := time.Date(dashToday().Year(), dashToday().Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	dashReturn(t, s, kpi, monthEnd.AddDate(0, -2, 0), 95)
	dashReturn(t, s, kpi, monthEnd.AddDate(0, -1, 0), 75) // the latest accepted value: amber
	dashReturn(t, s, kpi, monthEnd.AddDate(0, 0, -40), -1)
	if _, err := s.DB.Exec(`UPDATE monitoring_returns SET status = 'accepted', accepted_at = submitted_at WHERE kpi_id = $1 AND value IS NOT NULL`, kpi); err != nil {
		t.Fatal(err)
	}
	dashReturn(t, s, kpi, monthEnd, 40) // later, but not reviewed yet: not the figure shown
	dashKPI(t, s, elsewhere, "Birch's KPI")

	visit, open := dashAction(t, s, org, "", "Update the missing-from-care log", "open", dashDays(-10))
	_, done := dashAction(t, s, org, visit, "Already done", "completed", dashDays(-20))
	dashAction(t, s, other, "", "Birch's action", "open", dashDays(-3))
	if _, err := s.DB.Exec(`INSERT INTO provider_status_history (organisation_id, from_status, to_status, reason, by_name)
		VALUES ($1, 'submitted', 'approved', '', 'Olive Officer'), ($2, 'submitted', 'rejected', 'Not for Acorn', 'Olive Officer')`, org, other); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`INSERT INTO audit_events (action, object_type, object_id, actor_email, summary) VALUES
		('quality.visit.recorded', 'organisation', $1, 'olive@council.example', '{"detail": "Visit on 1 May recorded"}'),
		('contract.created', 'contract', $2, 'olive@council.example', '{}'),
		('provider.section.saved', 'organisation', $1, 'pat@acorn.example', '{"section": "insurance", "changes": {"staff": "changed"}}'),
		('quality.visit.recorded', 'organisation', $3, 'olive@council.example', '{"detail": "Birch visit"}')`, org, current, other); err != nil {
		t.Fatal(err)
	}

	doc := dirGet(t, oc, "/providers/"+org)
	if h := strings.TrimSpace(doc.Find("h1").Text()); h != "Acorn Care Ltd" {
		t.Errorf("heading %q", h)
	}
	record := doc.Find("[data-overview-record]").Text()
	for _, want := range []string{"Acorn (registered)", "Trading as Acorn Homes", "NN1 1ED", "09121572", "SC057941", "Children's homes"} {
		if !strings.Contains(record, want) {
			t.Errorf("the record does not show %q", want)
		}
	}
	if doc.Find(`[data-overview-record] [data-record-status="approved"]`).Length() != 1 {
		t.Error("the record's status is not shown")
	}
	if href := doc.Find("[data-review-link]").AttrOr("href", ""); href != "/review/providers/"+org {
		t.Errorf("the link to the full record is %q", href)
	}
	if doc.Find("[data-compliance] tr[data-reason]").Length() == 0 || doc.Find("[data-quality-link]").AttrOr("href", "") != "/quality/providers/"+org {
		t.Error("the compliance panel, with its reasons and link, is missing")
	}
	if doc.Find(`[data-overview-contracts] tr[data-contract="`+current+`"] [data-contract-status="active"]`).Length() != 1 ||
		doc.Find(`[data-overview-contracts] tr[data-contract="`+ended+`"] [data-contract-status="ended"]`).Length() != 1 ||
		doc.Find(`[data-overview-contracts] tr[data-contract]`).Length() != 2 {
		t.Error("the contracts are not Acorn's two, each with its status")
	}
	row := doc.Find(`[data-overview-kpis] tr[data-kpi="` + kpi + `"]`)
	if row.Find(`[data-kpi-rag] [data-rag="amber"]`).Length() != 1 || !strings.Contains(row.Text(), "75%") ||
		strings.TrimSpace(row.Find("[data-kpi-overdue]").Text()) != "1" {
		t.Errorf("the KPI row does not show the latest value 75%%, amber, with one overdue return: %q", strings.Join(strings.Fields(row.Text()), " "))
	}
	if doc.Find(`[data-overview-kpis] tr[data-kpi="`+quiet+`"] [data-rag=""]`).Length() != 1 || doc.Find("[data-overview-kpis] tr[data-kpi]").Length() != 2 {
		t.Error("the KPIs are not the contract's two, the one without values shown so")
	}
	if doc.Find(`[data-overview-visits] tr[data-visit="`+visit+`"]`).Length() != 1 || doc.Find("[data-overview-visits] tr[data-visit]").Length() != 1 {
		t.Error("the visit is not listed alone")
	}
	if doc.Find(`[data-overview-actions] tr[data-action="`+open+`"] [data-overdue]`).Length() != 1 ||
		doc.Find(`[data-overview-actions] tr[data-action="`+done+`"]`).Length() != 0 || doc.Find("[data-overview-actions] tr[data-action]").Length() != 1 {
		t.Error("the actions to do are not the one open action, flagged overdue")
	}
	if history := doc.Find("[data-overview-status-history]").Text(); !strings.Contains(history, "Submitted to Approved") || strings.Contains(history, "Not for Acorn") {
		t.Errorf("status history: %q", strings.Join(strings.Fields(history), " "))
	}
	events := doc.Find("[data-overview-events]")
	if events.Find(`tr[data-event="quality.visit.recorded"]`).Length() != 1 || !strings.Contains(events.Text(), "Visit on 1 May recorded") ||
		events.Find(`tr[data-event="contract.created"]`).Length() != 1 || !strings.Contains(events.Text(), "Contract C-ACORN") ||
		!strings.Contains(events.Text(), "Insurance") || strings.Contains(events.Text(), "Birch visit") {
		t.Errorf("activity: %q", strings.Join(strings.Fields(events.Text()), " "))
	}
	page := doc.Find("main").Text()
	for _, hidden := range []string{"Sam Secret", "Birch", "changed"} {
		if strings.Contains(page, hidden) {
			t.Errorf("the page shows %q", hidden)
		}
	}
	for _, path := range []string{"/providers/" + "00000000-0000-4000-8000-000000000000", "/providers/not-an-id"} {
		if resp, _ := oc.Get(t, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
	// The directory links to the page.
	doc = dirGet(t, oc, "/providers?q=acorn")
	if href := doc.Find(`tr[data-provider="`+org+`"] a[data-provider-name]`).AttrOr("href", ""); href != "/providers/"+org {
		t.Errorf("the directory links to %q", href)
	}
}
