package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// ctAccept makes a return as the provider and accepts it as the officer, through the pages.
func ctAccept(t *testing.T, w *ctWorld, returnID, value string) {
	t.Helper()
	if resp, doc := ctSubmit(t, w.acorn.Client, returnID, url.Values{"value": {value}, "commentary": {"As reported to the panel"}}, "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	path := "/returns/" + returnID
	doc := ctPage(t, w.oc, path)
	csrf := doc.Find(`input[name="_csrf"]`).First().AttrOr("value", "")
	if resp, _ := w.oc.Post(t, path+"/accept", form(csrf, "version", ctVersion(doc, path+"/accept"))); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
}

// assessmentValues are the assessment form's fields as the page sends them.
func assessmentValues(doc *goquery.Document) url.Values {
	v := url.Values{}
	doc.Find(`form[data-assessment-form] input`).Each(func(_ int, s *goquery.Selection) {
		name := s.AttrOr("name", "")
		if s.AttrOr("type", "") == "radio" && !s.Is("[checked]") {
			return
		}
		v.Set(name, s.AttrOr("value", ""))
	})
	return v
}

// An officer assesses a contract's performance: each KPI's rating proposed from the accepted
// returns with the values shown, a changed rating refused without a reason (with the choices
// kept), then confirmed and audited; the provider sees the confirmed assessment on its
// contract page but cannot reach the form, and another provider sees nothing.
func TestOfficerAssessesPerformance(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	doc := ctPage(t, w.oc, "/contracts/"+w.contractID)
	if doc.Find("[data-assess]").Length() != 1 || doc.Find("[data-assessments-empty]").Length() != 1 {
		t.Fatal("the contract page offers no assessment")
	}
	if doc.Find("[data-assessment-due]").Length() != 0 {
		t.Error("an assessment is due though no KPI is marked most material")
	}
	// Marking the KPI most material (published) makes the assessment due 12 months from the start.
	kpiDoc := ctPage(t, w.oc, "/kpis/"+w.kpiID+"/edit")
	resp, _ := w.oc.Post(t, "/kpis/"+w.kpiID, form(kpiDoc.Find(`input[name="_csrf"]`).AttrOr("value", ""), "version", ctVersion(kpiDoc, "/kpis/"+w.kpiID),
		"name", "Placement stability", "unit", "%", "measure", "percentage", "target", "95", "direction", "higher", "amber_threshold", "90",
		"red_threshold", "80", "frequency", "monthly", "most_material", "yes"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("marking the KPI most material: %d", resp.StatusCode)
	}
	due := ctMonthsAgo(3).AddDate(1, 0, 0).Format("2 January 2006")
	if got := ctPage(t, w.oc, "/contracts/"+w.contractID).Find("[data-assessment-due]").Text(); !strings.Contains(got, due) || strings.Contains(got, "Overdue") {
		t.Errorf("the due line reads %q, want %s", got, due)
	}
	ctAccept(t, w, w.firstReturnID, "85")
	ctAccept(t, w, w.secondReturnID, "96")
	// The submitted-only value would not count; both here are accepted: mean 90.5, green short of 95.
	form := "/contracts/" + w.contractID + "/assessments/new"
	doc = ctPage(t, w.oc, form)
	evidence := doc.Find(`[data-assessment-kpi="` + w.kpiID + `"] [data-evidence]`).Text()
	if !strings.Contains(evidence, "85%") || !strings.Contains(evidence, "96%") || !strings.Contains(evidence, "90.5%") {
		t.Errorf("evidence = %q", evidence)
	}
	if got := doc.Find(`[data-proposed]`).AttrOr("data-proposed", ""); got != "approaching_target" {
		t.Errorf("proposed %q", got)
	}
	v := assessmentValues(doc)
	if v.Get("kpi-0-rating") != "approaching_target" || v.Get("overall") != "approaching_target" || v.Get("kind") != "periodic" {
		t.Fatalf("the form does not start from the proposal: %v", v)
	}
	v.Set("kpi-0-rating", "good")
	v.Set("overall", "good")
	resp, doc = w.oc.Post(t, "/contracts/"+w.contractID+"/assessments", v)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(summaryLinks(doc)["#reason"], "reason for changing") {
		t.Fatalf("changed without a reason: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if !doc.Find(`input[name="kpi-0-rating"][value="good"]`).Is("[checked]") || doc.Find("#reason-error").Length() != 1 {
		t.Error("the officer's choice was not kept, or the reason has no message of its own")
	}
	v = assessmentValues(doc)
	v.Set("reason", "The two missed months were during the planned move to the new home.")
	resp, doc = w.oc.Post(t, "/contracts/"+w.contractID+"/assessments", v)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	doc = ctPage(t, w.oc, "/contracts/"+w.contractID)
	if got := doc.Find("[data-assessments] [data-assessment-rating]").AttrOr("data-assessment-rating", ""); got != "good" {
		t.Errorf("the contract page shows the rating %q", got)
	}
	if n := count(t, w.s, `SELECT count(*) FROM audit_events WHERE object_id = $1 AND action = 'contract.assessment.confirmed'`, w.contractID); n != 1 {
		t.Errorf("%d audit events for the confirmation", n)
	}
	// The same form sent again is refused: the period has been assessed.
	if resp, _ := w.oc.Post(t, "/contracts/"+w.contractID+"/assessments", v); resp.StatusCode != http.StatusConflict {
		t.Errorf("a replayed confirmation: %d, want 409", resp.StatusCode)
	}

	doc = ctPage(t, w.acorn.Client, "/provider/contracts/"+w.contractID)
	if doc.Find("[data-assessments] [data-assessment-rating]").Length() != 1 || !strings.Contains(doc.Find("[data-assessment-reason]").Text(), "planned move") {
		t.Error("the provider does not see its confirmed assessment")
	}
	if doc.Find("[data-assess]").Length() != 0 {
		t.Error("the provider is offered the assessment")
	}
	if resp, _ := w.acorn.Client.Get(t, form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the provider opening the form: %d, want 403", resp.StatusCode)
	}
	csrf := w.acorn.Client.CSRF(t, "/provider/contracts")
	if resp, _ := w.acorn.Client.Post(t, "/contracts/"+w.contractID+"/assessments", url.Values{"_csrf": {csrf}, "kind": {"breach"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the provider confirming: %d, want 403", resp.StatusCode)
	}
	if doc := ctPage(t, w.birch.Client, "/provider/contracts"); strings.Contains(doc.Text(), "planned move") {
		t.Error("Birch sees Acorn's assessment")
	}
}
