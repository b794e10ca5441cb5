package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// TestRectificationFlow: a provider user finds the page from their home and from the
// privacy notice, asks for a correction (refused first, input kept), and sees only their
// own requests; an officer moves it on and resolves it; the outcome is emailed to them and
// shown on their request; a closed request cannot be changed.
func TestRectificationFlow(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	lee := s.CreateUser(t, "lee@acorn.example", []auth.Role{auth.RoleProvider}, org)
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	finance := s.CreateUser(t, "fin@council.example", []auth.Role{auth.RoleFinance}, "")
	pc := s.SignIn(t, pat, 0)

	_, home := pc.Get(t, "/")
	if home.Find(`main a[href="/rectification"]`).Length() == 0 {
		t.Error("the provider's home does not link to the corrections page")
	}
	_, notice := s.NewClient(t).Get(t, "/privacy-notice")
	if notice.Find(`a[href="/rectification"][data-rectification-link]`).Length() != 1 {
		t.Error("the privacy notice page does not link to the corrections page")
	}

	resp, doc := pc.Submit(t, "/rectification/new", "/rectification", url.Values{"location": {"My account"}, "what_is_wrong": {""}, "should_say": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#what_is_wrong"] == "" || summaryLinks(doc)["#should_say"] == "" ||
		doc.Find("textarea#location").Text() != "My account" {
		t.Fatalf("incomplete request: %d, %v", resp.StatusCode, summaryLinks(doc))
	}
	in := url.Values{"location": {"The organisation name on my account"}, "what_is_wrong": {"It says Acorn Fostring"}, "should_say": {"Acorn Fostering Ltd"}}
	resp, _ = pc.Submit(t, "/rectification/new", "/rectification", in)
	page := location(t, resp).Path
	id := strings.TrimPrefix(page, "/rectification/")
	resp, doc = pc.Get(t, page)
	if resp.StatusCode != http.StatusOK || doc.Find(`[data-status="open"]`).Length() != 1 || !strings.Contains(cellText(doc.Find("[data-correction]")), "Acorn Fostering Ltd") {
		t.Fatalf("the request page: %d %q", resp.StatusCode, cellText(doc.Find("main")))
	}
	_, doc = pc.Get(t, "/rectification")
	if doc.Find("[data-correction]").Length() != 1 {
		t.Errorf("the requester lists %d requests", doc.Find("[data-correction]").Length())
	}

	// Someone else, even of the same organisation, sees none of it.
	lc, _ := sessionAs(t, s, lee.ID, auth.StageFull)
	if resp, _ := lc.Get(t, page); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another provider user opening the request: %d, want 404", resp.StatusCode)
	}
	if _, doc := lc.Get(t, "/rectification"); doc.Find("[data-correction]").Length() != 0 {
		t.Error("another provider user's list shows the request")
	}
	fc, _ := sessionAs(t, s, finance.ID, auth.StageFull)
	if resp, _ := fc.Get(t, "/rectification-requests/"+id); resp.StatusCode != http.StatusForbidden {
		t.Errorf("finance opening a correction request: %d, want 403", resp.StatusCode)
	}

	// The officer works on it.
	oc := s.SignIn(t, officer, 0)
	_, doc = oc.Get(t, "/rectification-requests")
	if row := doc.Find("[data-correction]"); row.Length() != 1 || !strings.Contains(cellText(row), pat.Name) {
		t.Fatalf("officer's list: %q", cellText(doc.Find("main")))
	}
	staffPage := "/rectification-requests/" + id
	_, doc = oc.Get(t, staffPage)
	version := doc.Find(`form[data-decision-form] input[name="version"]`).AttrOr("value", "")
	resp, doc = oc.Submit(t, staffPage, staffPage, url.Values{"status": {"resolved"}, "outcome": {""}, "version": {version}})
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#outcome"] == "" {
		t.Errorf("closing without an outcome: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	resp, _ = oc.Submit(t, staffPage, staffPage, url.Values{"status": {"in_progress"}, "version": {version}})
	location(t, resp)
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE kind = 'rectification_outcome'`); n != 0 {
		t.Errorf("moving to in progress sent %d emails", n)
	}
	// A decision made on the page as it was before is refused.
	resp, _ = oc.Submit(t, staffPage, staffPage, url.Values{"status": {"refused"}, "outcome": {"No"}, "version": {version}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("a decision from a stale page: %d, want 409", resp.StatusCode)
	}
	_, doc = oc.Get(t, staffPage)
	version = doc.Find(`form[data-decision-form] input[name="version"]`).AttrOr("value", "")
	const outcome = "We corrected the organisation name on your account to Acorn Fostering Ltd."
	resp, _ = oc.Submit(t, staffPage, staffPage, url.Values{"status": {"resolved"}, "outcome": {outcome}, "version": {version}})
	location(t, resp)

	var mail struct {
		To      string `db:"to_address"`
		Subject string `db:"subject"`
		Body    string `db:"body"`
	}
	if err := s.DB.Get(&mail, `SELECT to_address::text AS to_address, subject, body FROM outbox WHERE kind = 'rectification_outcome'`); err != nil {
		t.Fatalf("outcome email: %v", err)
	}
	if mail.To != pat.Email || !strings.Contains(mail.Subject, "COR-") || !strings.Contains(mail.Body, outcome) || !strings.Contains(mail.Body, "/rectification/"+id) {
		t.Errorf("outcome email %+v", mail)
	}
	_, doc = pc.Get(t, page)
	if doc.Find(`[data-status="resolved"]`).Length() != 1 || !strings.Contains(cellText(doc.Find("[data-outcome]")), outcome) {
		t.Errorf("the requester sees %q", cellText(doc.Find("main")))
	}
	_, doc = oc.Get(t, staffPage)
	if doc.Find("form[data-decision-form]").Length() != 0 {
		t.Error("a closed request still offers a decision")
	}
	resp, _ = oc.Submit(t, staffPage, staffPage, url.Values{"status": {"refused"}, "outcome": {"Changed my mind"}, "version": {version}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("changing a closed request: %d, want 409", resp.StatusCode)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE object_type = 'rectification_request' AND object_id = $1`, id); n != 3 {
		t.Errorf("%d audit events, want requested, in progress, resolved", n)
	}
}

// TestRectificationRefusedTellsAboutTheICO: a refusal is emailed with the reason and the
// right to complain.
func TestRectificationRefusedTellsAboutTheICO(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	dpo := s.CreateUser(t, "dee@council.example", []auth.Role{auth.RoleDPO}, "")
	pc, _ := sessionAs(t, s, pat.ID, auth.StageFull)
	resp, _ := pc.Submit(t, "/rectification/new", "/rectification", url.Values{"location": {"QA visit of 3 March"}, "what_is_wrong": {"The finding"}, "should_say": {"No finding"}})
	id := strings.TrimPrefix(location(t, resp).Path, "/rectification/")
	dc, _ := sessionAs(t, s, dpo.ID, auth.StageFull)
	resp, _ = dc.Submit(t, "/rectification-requests/"+id, "/rectification-requests/"+id, url.Values{"status": {"refused"},
		"outcome": {"The finding records what the visiting officer saw."}, "version": {"1"}})
	location(t, resp)
	var body string
	if err := s.DB.Get(&body, `SELECT body FROM outbox WHERE kind = 'rectification_outcome' AND to_address = $1`, pat.Email); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "The finding records what the visiting officer saw.") || !strings.Contains(body, "Information Commissioner") {
		t.Errorf("refusal email: %q", body)
	}
}

// TestRectificationRefusesBadInput: malformed or hostile requests and decisions get a 4xx,
// never a 500, and change nothing.
func TestRectificationRefusesBadInput(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	pc, pcsrf := sessionAs(t, s, pat.ID, auth.StageFull)
	oc, ocsrf := sessionAs(t, s, officer.ID, auth.StageFull)
	var id string
	if err := s.DB.Get(&id, `INSERT INTO rectification_requests (requested_by, requester_name, requester_email, location, what_is_wrong, should_say)
		VALUES ($1, 'Pat', 'pat@acorn.example', 'Account', 'Wrong', 'Right') RETURNING id`, pat.ID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		c      *webtest.Client
		path   string
		values url.Values
	}{
		{pc, "/rectification", form(pcsrf, "location", "Account\x00", "what_is_wrong", "x", "should_say", "y")},
		{pc, "/rectification", form(pcsrf, "location", "Account", "what_is_wrong", strings.Repeat("x", 5001), "should_say", "y")},
		{pc, "/rectification", form(pcsrf, "location", "\xff", "what_is_wrong", "x", "should_say", "y")},
		{oc, "/rectification-requests/" + id, form(ocsrf, "status", "deleted", "version", "1")},
		{oc, "/rectification-requests/" + id, form(ocsrf, "status", "resolved", "outcome", "ok\x00", "version", "1")},
		{oc, "/rectification-requests/" + id, form(ocsrf, "status", "resolved", "outcome", "ok", "version", "two")},
		{oc, "/rectification-requests/not-a-uuid", form(ocsrf, "status", "resolved", "outcome", "ok", "version", "1")},
	}
	for _, tt := range tests {
		resp, _ := tt.c.Post(t, tt.path, tt.values)
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("POST %s %v: %d, want a 4xx", tt.path, tt.values, resp.StatusCode)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM rectification_requests`) + count(t, s, `SELECT count(*) FROM rectification_requests WHERE version > 1`); n != 1 {
		t.Errorf("refused requests changed the table (%d)", n)
	}
	if resp, _ := pc.Get(t, "/rectification/not-a-uuid"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a malformed id: %d, want 404", resp.StatusCode)
	}
}

// TestRectificationLinkWorksForEveryRole: the privacy notice's "ask us to correct your
// information" link leads every signed-in role (staff are data subjects too) to a page where
// they can ask; someone signed out is sent to sign in and comes back to it, and the notice
// gives the data protection officer's address to people with no account.
func TestRectificationLinkWorksForEveryRole(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	anon := s.NewClient(t)
	_, notice := anon.Get(t, "/privacy-notice")
	link := notice.Find(`a[data-rectification-link]`).AttrOr("href", "")
	if link != "/rectification" {
		t.Fatalf("the notice's correction link is %q", link)
	}
	if contact := notice.Find(`[data-rectification-contact] a[href^="mailto:"]`); contact.Length() != 1 {
		t.Error("the notice gives people without an account no way to ask for a correction")
	}
	resp, _ := anon.Get(t, link)
	if loc := location(t, resp); resp.StatusCode != http.StatusSeeOther || loc.Path != "/sign-in" || loc.Query().Get("next") != "/rectification" {
		t.Errorf("signed out, the link gives %d to %s, want sign in and back", resp.StatusCode, loc)
	}
	for _, role := range []auth.Role{auth.RoleProvider, auth.RoleOfficer, auth.RoleFinance, auth.RoleDPO, auth.RoleAdmin} {
		t.Run(string(role), func(t *testing.T) {
			orgID := ""
			if role == auth.RoleProvider {
				orgID = org
			}
			u := s.CreateUser(t, string(role)+"@example.gov.uk", []auth.Role{role}, orgID)
			c, _ := sessionAs(t, s, u.ID, auth.StageFull)
			resp, doc := c.Get(t, link)
			if resp.StatusCode != http.StatusOK || doc.Find("a[data-new-correction]").Length() != 1 {
				t.Fatalf("the correction page: %d", resp.StatusCode)
			}
			if role != auth.RoleProvider && doc.Find("[data-staff-correction]").Length() != 1 {
				t.Error("a member of staff is told about a supplier record they do not have")
			}
			if _, acct := c.Get(t, "/account"); acct.Find(`[data-account-correction] a[href="/rectification"]`).Length() != 1 {
				t.Error("the account page does not link to the correction page")
			}
			in := url.Values{"location": {"My name on my account"}, "what_is_wrong": {"Misspelt"}, "should_say": {"Right"}}
			resp, _ = c.Submit(t, "/rectification/new", "/rectification", in)
			page := location(t, resp).Path
			if resp, doc := c.Get(t, page); resp.StatusCode != http.StatusOK || doc.Find(`[data-status="open"]`).Length() != 1 {
				t.Errorf("the request they made: %d", resp.StatusCode)
			}
		})
	}
}

// TestRectificationNobodyDecidesTheirOwn: a member of staff who handles correction
// requests cannot decide one they made; a colleague can.
func TestRectificationNobodyDecidesTheirOwn(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	dee := s.CreateUser(t, "dee@council.example", []auth.Role{auth.RoleDPO}, "")
	olive := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	dc, _ := sessionAs(t, s, dee.ID, auth.StageFull)
	resp, _ := dc.Submit(t, "/rectification/new", "/rectification", url.Values{"location": {"My account"}, "what_is_wrong": {"My name"}, "should_say": {"Dee"}})
	id := strings.TrimPrefix(location(t, resp).Path, "/rectification/")
	staffPage := "/rectification-requests/" + id
	_, doc := dc.Get(t, staffPage)
	if doc.Find("form[data-decision-form]").Length() != 0 || doc.Find("[data-own-request]").Length() != 1 {
		t.Error("the requester is offered a decision on their own request")
	}
	resp, _ = dc.Submit(t, "/rectification-requests", staffPage, url.Values{"status": {"resolved"}, "outcome": {"Done"}, "version": {"1"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("deciding their own request: %d, want 403", resp.StatusCode)
	}
	oc, _ := sessionAs(t, s, olive.ID, auth.StageFull)
	resp, _ = oc.Submit(t, staffPage, staffPage, url.Values{"status": {"resolved"}, "outcome": {"Corrected your name."}, "version": {"1"}})
	location(t, resp)
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE kind = 'rectification_outcome' AND to_address = $1`, dee.Email); n != 1 {
		t.Errorf("%d outcome emails to the requester, want 1", n)
	}
}
