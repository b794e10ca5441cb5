package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	formpkg "github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/webtest"
)

// qaToday is the UK date the running portal judges due dates on.
func qaToday() time.Time { return quality.DateOf(time.Now()) }

// qaDate sets the three boxes of a GOV.UK date field.
func qaDate(v url.Values, name string, t time.Time) {
	v.Set(name+"-day", fmt.Sprint(t.Day()))
	v.Set(name+"-month", fmt.Sprint(int(t.Month())))
	v.Set(name+"-year", fmt.Sprint(t.Year()))
}

// qaApprove stores a section's answers as approved, as an officer's approval leaves them.
func qaApprove(t *testing.T, s *webtest.Server, orgID string, key provider.SectionKey, answers provider.Answers) {
	t.Helper()
	js, err := json.Marshal(answers)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed) VALUES ($1, $2, $3, $3, true)
		ON CONFLICT (organisation_id, section) DO UPDATE SET data = $3, approved_data = $3`, orgID, string(key), js); err != nil {
		t.Fatal(err)
	}
}

// qaProvider is an approved provider organisation with a key contact on file and a user.
type qaProvider struct {
	OrgID  string
	User   *webtest.TestUser
	Client *webtest.Client
}

func newQAProvider(t *testing.T, s *webtest.Server, slug, name string) *qaProvider {
	t.Helper()
	p := &qaProvider{OrgID: s.NewOrganisation(t, name)}
	if _, err := s.DB.Exec(`UPDATE organisations SET status = 'approved' WHERE id = $1`, p.OrgID); err != nil {
		t.Fatal(err)
	}
	qaApprove(t, s, p.OrgID, provider.SectionContacts, &provider.ContactsAnswers{KeyContactName: "Kim " + name, KeyContactRole: "Registered manager",
		KeyContactEmail: "kim@" + slug + ".example", KeyContactPhone: "01632 960001"})
	today := qaToday()
	ins := &provider.InsuranceAnswers{ELExempt: "no"}
	for _, k := range provider.PolicyKinds {
		start, expiry := today.AddDate(0, -6, 0), today.AddDate(0, 6, 0)
		ins.Policies = append(ins.Policies, provider.Policy{Kind: k.Value, Insurer: "Mutual", PolicyNumber: "P-" + k.Value, CoverPence: 600_000_000,
			Start: formpkg.DateInputOf(&start), Expiry: formpkg.DateInputOf(&expiry)})
	}
	qaApprove(t, s, p.OrgID, provider.SectionInsurance, ins)
	p.User = s.CreateUser(t, "pat@"+slug+".example", []auth.Role{auth.RoleProvider}, p.OrgID)
	p.Client = s.SignIn(t, p.User, 0)
	return p
}

// qaCSRF is the CSRF token of the first form on a page.
func qaCSRF(t *testing.T, c *webtest.Client, path string) string {
	t.Helper()
	return c.CSRF(t, path)
}

// qaPostMultipart posts a multipart form, with one file when name is not empty.
func qaPostMultipart(t *testing.T, c *webtest.Client, path string, fields url.Values, fileField, fileName string, content []byte) (*http.Response, *goquery.Document) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if fileField != "" {
		part, err := w.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Client.Post(c.Base+path, w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

// qaReason is the compliance panel's row for a rule: its rating, and the why.
func qaReason(doc *goquery.Document, rule string) (string, string) {
	row := doc.Find(`[data-compliance] tr[data-reason="` + rule + `"]`).First()
	return row.AttrOr("data-reason-rag", ""), strings.TrimSpace(row.Find("td").Last().Text())
}

const qaPDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

// TestQAVisitAndActionFlow follows a visit from recording to the provider's response with
// evidence and the officer closing the action: every page through the real app, the overdue
// flag and the compliance panel on the way, and another provider kept out throughout.
func TestQAVisitAndActionFlow(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	a := newQAProvider(t, s, "acorn", "Acorn Fostering")
	b := newQAProvider(t, s, "birchwood", "Birchwood Care")
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	second := s.CreateUser(t, "owen@council.example", []auth.Role{auth.RoleOfficer}, "")
	oc := s.SignIn(t, officer, 0)
	today := qaToday()

	// The provider's QA page starts green for actions, with the panel's words.
	resp, doc := oc.Get(t, "/quality/providers/"+a.OrgID)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("quality page: %d", resp.StatusCode)
	}
	if rag, why := qaReason(doc, "qa_actions"); rag != "green" || why != "No quality assurance actions are overdue." {
		t.Errorf("before any visit: qa_actions %s %q", rag, why)
	}
	if tag := strings.TrimSpace(doc.Find(`[data-compliance-overall] [data-rag]`).Text()); tag == "" {
		t.Error("the overall rating has no words")
	}

	// An empty visit form comes back with a message per field, linked from the summary.
	newVisit := "/quality/providers/" + a.OrgID + "/visits/new"
	_, doc = oc.Get(t, newVisit)
	if !doc.Find(`input[name="officers"][value="` + officer.ID + `"]`).Is("[checked]") {
		t.Error("the officer filling in the form is not ticked as a visiting officer")
	}
	resp, doc = oc.Submit(t, newVisit, "/quality/providers/"+a.OrgID+"/visits", url.Values{})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty visit: status %d", resp.StatusCode)
	}
	links := summaryLinks(doc)
	for _, f := range []string{"#visited_on", "#type", "#officers", "#areas", "#findings", "#grade"} {
		if links[f] == "" {
			t.Errorf("no error summary link to %s; got %v", f, links)
		}
	}

	// A complete visit is recorded, audited against the provider, and its page shows it.
	visit := url.Values{"type": {"unannounced"}, "officers": {officer.ID, second.ID}, "areas": {"safeguarding", "staffing"},
		"findings": {"Missing-from-care records were incomplete.\nStaff supervision is overdue."}, "grade": {"requires_improvement"}}
	qaDate(visit, "visited_on", today.AddDate(0, 0, -50))
	resp, _ = oc.Submit(t, newVisit, "/quality/providers/"+a.OrgID+"/visits", visit)
	loc := location(t, resp)
	if !strings.HasPrefix(loc.Path, "/quality/visits/") {
		t.Fatalf("visit recorded, redirected to %s", loc)
	}
	visitPath := loc.Path
	visitID := strings.TrimPrefix(visitPath, "/quality/visits/")
	_, doc = oc.Get(t, visitPath)
	if got := doc.Find("[data-visit-officers] li").Length(); got != 2 {
		t.Errorf("visit shows %d officers, want 2", got)
	}
	if got := doc.Find("[data-visit-findings] p").Length(); got != 2 {
		t.Errorf("findings shown in %d paragraphs, want 2", got)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'quality.visit.recorded' AND object_type = 'organisation' AND object_id = $1`, a.OrgID); n != 1 {
		t.Errorf("%d visit audit events on the organisation", n)
	}

	// The add-action form offers the provider's contacts as owners; a bad due date is refused.
	if doc.Find(`input[name="owner_contact"][value="kim@acorn.example"]`).Length() != 1 {
		t.Error("the key contact is not offered as an owner")
	}
	action := url.Values{"description": {"Complete the missing-from-care log for every child"}, "owner_contact": {"kim@acorn.example"}}
	qaDate(action, "due_on", today.AddDate(0, 0, -60)) // before the visit
	resp, doc = oc.Submit(t, visitPath, visitPath+"/actions", action)
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#due_on"] == "" {
		t.Fatalf("due before the visit: status %d, errors %v", resp.StatusCode, summaryLinks(doc))
	}
	if doc.Find(`textarea#description`).Text() != action.Get("description") {
		t.Error("the refused form lost the description")
	}
	// An overdue action (due 35 days ago) and one not yet due.
	qaDate(action, "due_on", today.AddDate(0, 0, -35))
	resp, _ = oc.Submit(t, visitPath, visitPath+"/actions", action)
	if loc := location(t, resp); loc.Path != visitPath {
		t.Fatalf("action added, redirected to %s", loc)
	}
	later := url.Values{"description": {"Bring staff supervision up to date"}, "owner_contact": {quality.OwnerOther}, "owner_name": {"Deputy manager"}}
	qaDate(later, "due_on", today.AddDate(0, 0, 20))
	resp, _ = oc.Submit(t, visitPath, visitPath+"/actions", later)
	location(t, resp)
	var overdueID, laterID string
	if err := s.DB.Get(&overdueID, `SELECT id FROM qa_actions WHERE visit_id = $1 AND owner_email IS NOT NULL`, visitID); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.Get(&laterID, `SELECT id FROM qa_actions WHERE visit_id = $1 AND owner_name = 'Deputy manager'`, visitID); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE kind = 'quality_action' AND to_address IN ('pat@acorn.example', 'kim@acorn.example')`); n != 4 {
		t.Errorf("%d action emails to the provider, want 4 (two actions, two addresses)", n)
	}

	// Overdue is flagged on every list and the compliance panel turns red, with why.
	_, doc = oc.Get(t, visitPath)
	if doc.Find(`tr[data-action="`+overdueID+`"] [data-overdue]`).Length() != 1 || doc.Find(`tr[data-action="`+laterID+`"] [data-overdue]`).Length() != 0 {
		t.Error("the visit page does not flag exactly the overdue action")
	}
	for _, path := range []string{"/quality/providers/" + a.OrgID, "/review/providers/" + a.OrgID} {
		_, doc = oc.Get(t, path)
		rag, why := qaReason(doc, "qa_actions")
		if rag != "red" || !strings.Contains(why, "1 quality assurance action is overdue") || !strings.Contains(why, "35 days ago") {
			t.Errorf("%s: qa_actions %s %q", path, rag, why)
		}
		if doc.Find(`[data-compliance="red"]`).Length() != 1 {
			t.Errorf("%s: overall rating not red", path)
		}
	}
	if href := doc.Find("[data-quality-link]").AttrOr("href", ""); href != "/quality/providers/"+a.OrgID {
		t.Errorf("the review page's panel links to %q", href)
	}
	_, doc = oc.Get(t, "/quality")
	if doc.Find(`[data-overdue-actions] tr[data-action="`+overdueID+`"]`).Length() != 1 {
		t.Error("the work list does not show the overdue action")
	}

	// The provider sees its actions, overdue flagged; another provider sees none of them.
	_, doc = a.Client.Get(t, "/provider/quality")
	if doc.Find(`tr[data-action="`+overdueID+`"] [data-overdue]`).Length() != 1 || doc.Find(`tr[data-action]`).Length() != 2 {
		t.Errorf("provider's list: %d actions", doc.Find(`tr[data-action]`).Length())
	}
	if strings.Contains(doc.Text(), "Missing-from-care records were incomplete") {
		t.Error("the provider sees the officers' findings")
	}
	actionPath := "/provider/quality/actions/" + overdueID
	_, doc = b.Client.Get(t, "/provider/quality")
	if doc.Find(`tr[data-action]`).Length() != 0 {
		t.Error("another provider sees Acorn's actions")
	}
	if resp, _ := b.Client.Get(t, actionPath); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another provider opening the action: %d, want 404", resp.StatusCode)
	}
	bResp, _ := qaPostMultipart(t, b.Client, actionPath+"/response", url.Values{"_csrf": {qaCSRF(t, b.Client, "/provider/quality")},
		"version": {"1"}, "response": {"Done"}, "status": {"completed"}}, "evidence", "b.pdf", []byte(qaPDF))
	if bResp.StatusCode != http.StatusNotFound {
		t.Errorf("another provider responding: %d, want 404", bResp.StatusCode)
	}

	// A response with no words is refused; a good one with evidence is kept, and the
	// visiting officers are emailed.
	_, doc = a.Client.Get(t, actionPath)
	respForm := doc.Find("form[data-response-form]")
	fields := url.Values{"_csrf": {respForm.Find(`input[name="_csrf"]`).AttrOr("value", "")}, "version": {respForm.Find(`input[name="version"]`).AttrOr("value", "")}}
	resp, doc = qaPostMultipart(t, a.Client, actionPath+"/response", fields, "", "", nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#response"] == "" || summaryLinks(doc)["#status"] == "" {
		t.Fatalf("empty response: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	fields.Set("response", "The log is complete for every child and checked weekly by the manager.")
	fields.Set("status", "completed")
	resp, doc = qaPostMultipart(t, a.Client, actionPath+"/response", fields, "evidence", "log.html", []byte("<html>not a pdf</html>"))
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#evidence"] == "" {
		t.Fatalf("evidence that is not a PDF: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	resp, _ = qaPostMultipart(t, a.Client, actionPath+"/response", fields, "evidence", "missing-log.pdf", []byte(qaPDF))
	if loc := location(t, resp); loc.Path != actionPath {
		t.Fatalf("response sent, redirected to %s", loc)
	}
	var evidence struct {
		DocID string `db:"evidence_document_id"`
		Org   string `db:"organisation_id"`
	}
	if err := s.DB.Get(&evidence, `SELECT r.evidence_document_id, d.organisation_id FROM qa_action_responses r
		JOIN documents d ON d.id = r.evidence_document_id WHERE r.action_id = $1`, overdueID); err != nil {
		t.Fatal(err)
	}
	if evidence.Org != a.OrgID {
		t.Errorf("the evidence belongs to %s", evidence.Org)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE kind = 'quality_response' AND to_address IN ('olive@council.example', 'owen@council.example')`); n != 2 {
		t.Errorf("%d response emails to the visiting officers, want 2", n)
	}
	if resp, _ := a.Client.Get(t, "/documents/"+evidence.DocID); resp.StatusCode != http.StatusOK {
		t.Errorf("the provider downloading its evidence: %d", resp.StatusCode)
	}
	if resp, _ := b.Client.Get(t, "/documents/"+evidence.DocID); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another provider downloading the evidence: %d, want 404", resp.StatusCode)
	}

	// Completed is no longer overdue; the officer sees the response and its evidence.
	_, doc = oc.Get(t, "/quality/actions/"+overdueID)
	if doc.Find(`[data-action-status="completed"]`).Length() != 1 || doc.Find("[data-overdue]").Length() != 0 {
		t.Error("a completed action is not shown completed, or still overdue")
	}
	if doc.Find(`[data-evidence="`+evidence.DocID+`"]`).Length() != 1 || !strings.Contains(doc.Find("[data-response-text]").Text(), "checked weekly") {
		t.Error("the officer does not see the response and its evidence")
	}
	if rag, _ := qaReason(doc, "qa_actions"); rag != "" {
		t.Error("the action page has a compliance panel") // it belongs to the provider's pages
	}

	// A change made from a page opened before someone else's is refused, keeping what was typed.
	edit := doc.Find("form[data-action-edit-form]")
	stale := url.Values{"_csrf": {edit.Find(`input[name="_csrf"]`).AttrOr("value", "")}, "version": {"1"},
		"description": {"Stale description"}, "owner_contact": {"kim@acorn.example"}, "status": {"open"}}
	qaDate(stale, "due_on", today.AddDate(0, 0, -35))
	resp, doc = oc.Post(t, "/quality/actions/"+overdueID, stale)
	if resp.StatusCode != http.StatusConflict || doc.Find("[data-conflict]").Length() != 1 || doc.Find("textarea#description").Text() != "Stale description" {
		t.Errorf("stale action edit: %d", resp.StatusCode)
	}
	_, doc = oc.Get(t, visitPath+"/edit")
	visitEdit := doc.Find("form[data-visit-form]")
	visit.Set("_csrf", visitEdit.Find(`input[name="_csrf"]`).AttrOr("value", ""))
	visit.Set("version", "0")
	resp, _ = oc.Post(t, visitPath, visit)
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("stale visit edit: %d, want 409", resp.StatusCode)
	}
	visit.Set("version", visitEdit.Find(`input[name="version"]`).AttrOr("value", ""))
	visit.Set("grade", "good")
	resp, _ = oc.Post(t, visitPath, visit)
	location(t, resp)
	var changes string
	if err := s.DB.Get(&changes, `SELECT summary->'changes'->>'grade' FROM audit_events WHERE action = 'quality.visit.updated' AND object_id = $1`, a.OrgID); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(changes, "requires_improvement") || !strings.Contains(changes, "good") {
		t.Errorf("visit change audited as %s", changes)
	}

	// The officer closes the action; the provider is told and can no longer respond.
	_, doc = oc.Get(t, "/quality/actions/"+overdueID)
	closeForm := doc.Find("form[data-close-form]")
	resp, _ = oc.Post(t, "/quality/actions/"+overdueID+"/close", url.Values{"_csrf": {closeForm.Find(`input[name="_csrf"]`).AttrOr("value", "")},
		"version": {closeForm.Find(`input[name="version"]`).AttrOr("value", "")}, "closing_note": {"Checked on a follow-up call."}})
	location(t, resp)
	_, doc = a.Client.Get(t, actionPath)
	if doc.Find("[data-action-closed]").Length() != 1 || doc.Find("form[data-response-form]").Length() != 0 ||
		!strings.Contains(doc.Find("[data-closed]").Text(), "Checked on a follow-up call.") {
		t.Error("the provider's page of a closed action")
	}
	resp, _ = qaPostMultipart(t, a.Client, actionPath+"/response", url.Values{"_csrf": {qaCSRF(t, a.Client, "/provider/quality")},
		"version": {"99"}, "response": {"More"}, "status": {"in_progress"}}, "", "", nil)
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("responding to a closed action: %d, want 409", resp.StatusCode)
	}
	var history []string
	if err := s.DB.Select(&history, `SELECT action FROM audit_events WHERE object_type = 'organisation' AND object_id = $1 AND action LIKE 'quality.%' ORDER BY id`, a.OrgID); err != nil {
		t.Fatal(err)
	}
	want := "quality.visit.recorded quality.action.added quality.action.added quality.action.responded quality.visit.updated quality.action.closed"
	if strings.Join(history, " ") != want {
		t.Errorf("history %v, want %s", history, want)
	}
	_, doc = oc.Get(t, "/quality/providers/"+a.OrgID)
	if doc.Find(`[data-quality-history] tr[data-history-event]`).Length() != 6 {
		t.Errorf("the provider's QA page shows %d history rows", doc.Find(`[data-quality-history] tr[data-history-event]`).Length())
	}
	if rag, _ := qaReason(doc, "qa_actions"); rag != "green" {
		t.Errorf("after closing the overdue action: qa_actions %s", rag)
	}
	if n := count(t, s, `SELECT count(*) FROM provider_compliance WHERE organisation_id = $1`, a.OrgID); n != 1 {
		t.Errorf("the stored rating was not refreshed with the changes")
	}
}

// TestQAHostileInput sends what no form would: bad ids, someone who is not an officer as a
// visiting officer, unknown areas and grades, crafted owners, nonsense dates. Each is a 4xx
// with a message, never a 500, and nothing is stored.
func TestQAHostileInput(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	a := newQAProvider(t, s, "acorn", "Acorn Fostering")
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	oc := s.SignIn(t, officer, 0)
	csrf := qaCSRF(t, oc, "/quality")
	today := qaToday()
	good := func() url.Values {
		v := url.Values{"_csrf": {csrf}, "type": {"announced"}, "officers": {officer.ID}, "areas": {"safeguarding"}, "findings": {"Fine."}, "grade": {"good"}}
		qaDate(v, "visited_on", today.AddDate(0, 0, -1))
		return v
	}
	visitTests := []struct {
		name  string
		edit  func(url.Values)
		field string
	}{
		{"a provider user as officer", func(v url.Values) { v.Set("officers", a.User.ID) }, "officers"},
		{"an officer id that is not an id", func(v url.Values) { v.Set("officers", "'; DROP TABLE users; --") }, "officers"},
		{"an unknown area", func(v url.Values) { v.Add("areas", "<script>") }, "areas"},
		{"an unknown grade", func(v url.Values) { v.Set("grade", "superb") }, "grade"},
		{"an unknown type", func(v url.Values) { v.Set("type", "surprise") }, "type"},
		{"a date in the future", func(v url.Values) { qaDate(v, "visited_on", today.AddDate(0, 0, 3)) }, "visited_on"},
		{"a date that is not real", func(v url.Values) { v.Set("visited_on-day", "31"); v.Set("visited_on-month", "2") }, "visited_on"},
		{"a five-digit year", func(v url.Values) { v.Set("visited_on-year", "20261") }, "visited_on"},
		{"control characters in the findings", func(v url.Values) { v.Set("findings", "bad\x00bytes") }, "findings"},
		{"findings too long", func(v url.Values) { v.Set("findings", strings.Repeat("x", 10001)) }, "findings"},
	}
	for _, tt := range visitTests {
		v := good()
		tt.edit(v)
		resp, doc := oc.Post(t, "/quality/providers/"+a.OrgID+"/visits", v)
		if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#"+tt.field] == "" {
			t.Errorf("%s: status %d, errors %v", tt.name, resp.StatusCode, summaryLinks(doc))
		}
	}
	if n := count(t, s, `SELECT count(*) FROM qa_visits`); n != 0 {
		t.Fatalf("%d visits stored from refused forms", n)
	}
	for _, path := range []string{"/quality/providers/not-an-id", "/quality/visits/not-an-id", "/quality/actions/1%27%20OR%201=1", "/quality/visits/00000000-0000-4000-8000-000000000000"} {
		if resp, _ := oc.Get(t, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := oc.Post(t, "/quality/providers/not-an-id/visits", good()); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a visit to no provider: %d", resp.StatusCode)
	}

	resp, _ := oc.Post(t, "/quality/providers/"+a.OrgID+"/visits", good())
	visitPath := location(t, resp).Path
	actionTests := []struct {
		name  string
		v     url.Values
		field string
	}{
		{"an owner who is not a contact", url.Values{"description": {"Do it"}, "owner_contact": {"attacker@evil.example"}}, "owner_contact"},
		{"no owner at all", url.Values{"description": {"Do it"}}, "owner_contact"},
		{"someone else, unnamed", url.Values{"description": {"Do it"}, "owner_contact": {"other"}}, "owner_name"},
		{"no description", url.Values{"owner_contact": {"other"}, "owner_name": {"Manager"}}, "description"},
		{"a due date ten years on", url.Values{"description": {"Do it"}, "owner_contact": {"other"}, "owner_name": {"Manager"}}, "due_on"},
	}
	for _, tt := range actionTests {
		tt.v.Set("_csrf", csrf)
		if tt.field == "due_on" {
			qaDate(tt.v, "due_on", today.AddDate(10, 0, 0))
		} else {
			qaDate(tt.v, "due_on", today.AddDate(0, 1, 0))
		}
		resp, doc := oc.Post(t, visitPath+"/actions", tt.v)
		if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#"+tt.field] == "" {
			t.Errorf("%s: status %d, errors %v", tt.name, resp.StatusCode, summaryLinks(doc))
		}
	}
	if n := count(t, s, `SELECT count(*) FROM qa_actions`); n != 0 {
		t.Errorf("%d actions stored from refused forms", n)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE to_address = 'attacker@evil.example'`); n != 0 {
		t.Error("mail went to an address typed into a crafted form")
	}
}
