package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// dpoDateForm adds a GOV.UK date input's three boxes for t to v.
func dpoDateForm(v url.Values, name string, t time.Time) url.Values {
	v.Set(name+"-day", fmt.Sprint(t.Day()))
	v.Set(name+"-month", fmt.Sprint(int(t.Month())))
	v.Set(name+"-year", fmt.Sprint(t.Year()))
	return v
}

// TestDPONoticeDraftPreviewPublish: the officer drafts a new version (refused, kept, then
// saved), previews it exactly as providers will see it while providers still see the old
// one, publishes it as version 2, and from then the notice gate asks providers to read it;
// the reports list who acknowledged it, with when, and who has not.
func TestDPONoticeDraftPreviewPublish(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	lee := s.CreateUser(t, "lee@acorn.example", []auth.Role{auth.RoleProvider}, org)
	dpo := s.CreateUser(t, "dee@council.example", []auth.Role{auth.RoleDPO}, "")
	c := s.SignIn(t, dpo, 0)

	resp, doc := c.Get(t, "/dpo/notices")
	if resp.StatusCode != http.StatusOK || doc.Find("[data-notice-row]").Length() != 1 || cellText(doc.Find("[data-state]")) != "In force" {
		t.Fatalf("notices list: %d, %d rows", resp.StatusCode, doc.Find("[data-notice-row]").Length())
	}
	resp, doc = c.Get(t, "/dpo/notices/new")
	if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find("textarea#body").Text(), "## What we collect") {
		t.Fatalf("new draft form: %d, not started from the version in force", resp.StatusCode)
	}

	// Refused: no title, a date in the past. What was typed stays.
	body := "## What we collect\n\nYour name, for {council_name}.\n\n- item one\n- item two\n"
	bad := dpoDateForm(url.Values{"title": {""}, "body": {body}}, "effective_from", time.Now().AddDate(0, 0, -3))
	resp, doc = c.Submit(t, "/dpo/notices/new", "/dpo/notices", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad draft: %d", resp.StatusCode)
	}
	links := summaryLinks(doc)
	if links["#title"] == "" || links["#effective_from"] == "" || doc.Find("textarea#body").Text() != body {
		t.Errorf("bad draft: summary %v; body kept %v", links, doc.Find("textarea#body").Text() == body)
	}
	if n := count(t, s, `SELECT count(*) FROM privacy_notices WHERE status = 'draft'`); n != 0 {
		t.Errorf("a refused draft was saved (%d drafts)", n)
	}

	good := dpoDateForm(url.Values{"title": {"Privacy notice for care providers (2026)"}, "body": {body}}, "effective_from", time.Now())
	resp, _ = c.Submit(t, "/dpo/notices/new", "/dpo/notices", good)
	preview := location(t, resp).Path
	var draftID string
	if err := s.DB.Get(&draftID, `SELECT id FROM privacy_notices WHERE status = 'draft'`); err != nil || preview != "/dpo/notices/"+draftID {
		t.Fatalf("saved draft %q (%v), sent to %s", draftID, err, preview)
	}
	// Only one draft at a time: a new one opens it.
	resp, _ = c.Get(t, "/dpo/notices/new")
	if loc := location(t, resp).Path; loc != "/dpo/notices/"+draftID+"/edit" {
		t.Errorf("a second draft: sent to %s, want the draft's edit page", loc)
	}

	// The preview is the providers' page: the same partial, the council's name filled in,
	// the number it will have.
	resp, doc = c.Get(t, preview)
	if resp.StatusCode != http.StatusOK || doc.Find("[data-preview]").Length() != 1 {
		t.Fatalf("preview: %d", resp.StatusCode)
	}
	if got := doc.Find("[data-notice-version]").AttrOr("data-notice-version", ""); got != "2" {
		t.Errorf("preview shows version %q, want 2", got)
	}
	pv := doc.Find("[data-notice-body]")
	if !strings.Contains(pv.Text(), "for Test Borough Council.") || pv.Find("h2.govuk-heading-m").Text() != "What we collect" ||
		pv.Find("ul.govuk-list--bullet li").Length() != 2 {
		t.Errorf("preview body rendered as %q", pv.Text())
	}
	// Nobody else sees a draft.
	_, public := s.NewClient(t).Get(t, "/privacy-notice")
	if heading(public) != "Privacy notice for care providers" {
		t.Errorf("before publishing the public notice is %q", heading(public))
	}
	pc := s.SignIn(t, pat, 0)
	if resp, _ := pc.Get(t, "/provider"); resp.StatusCode != http.StatusOK {
		t.Errorf("a provider was held by a draft: %d", resp.StatusCode)
	}

	// Edit the draft, then publish.
	resp, doc = c.Get(t, "/dpo/notices/"+draftID+"/edit")
	if resp.StatusCode != http.StatusOK || doc.Find("input#title").AttrOr("value", "") != "Privacy notice for care providers (2026)" {
		t.Fatalf("edit form: %d", resp.StatusCode)
	}
	good.Set("title", "Privacy notice for care providers, version 2")
	resp, _ = c.Submit(t, "/dpo/notices/"+draftID+"/edit", "/dpo/notices/"+draftID, good)
	if location(t, resp).Path != preview {
		t.Fatalf("saving the draft did not show the preview")
	}
	resp, _ = c.Submit(t, preview, "/dpo/notices/"+draftID+"/publish", url.Values{})
	if location(t, resp).Path != preview {
		t.Fatalf("publish: sent elsewhere")
	}
	var version int
	var by string
	if err := s.DB.QueryRow(`SELECT version, published_by_name FROM privacy_notices WHERE id = $1 AND status = 'published' AND published_at IS NOT NULL`,
		draftID).Scan(&version, &by); err != nil || version != 2 || by != dpo.Name {
		t.Fatalf("published as version %d by %q (%v)", version, by, err)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action IN ('privacy_notice.drafted','privacy_notice.draft_updated','privacy_notice.published') AND object_id = $1`, draftID); n != 3 {
		t.Errorf("%d audit events for the draft, want drafted, updated, published", n)
	}
	// A published version cannot be changed or published again.
	if resp, _ := c.Get(t, "/dpo/notices/"+draftID+"/edit"); resp.StatusCode != http.StatusConflict {
		t.Errorf("editing a published version: %d, want 409", resp.StatusCode)
	}
	if resp, _ := c.Submit(t, preview, "/dpo/notices/"+draftID+"/publish", url.Values{}); resp.StatusCode != http.StatusConflict {
		t.Errorf("publishing twice: %d, want 409", resp.StatusCode)
	}

	// The provider now meets the gate (existing behaviour) and acknowledges.
	resp, _ = pc.Get(t, "/provider")
	if loc := location(t, resp); loc.Path != "/privacy-notice/acknowledge" {
		t.Fatalf("after publishing a provider went to %s, want the notice", loc)
	}
	_, doc = pc.Get(t, "/privacy-notice/acknowledge")
	if heading(doc) != "Privacy notice for care providers, version 2" {
		t.Errorf("the gate shows %q", heading(doc))
	}
	pc.Submit(t, "/privacy-notice/acknowledge", "/privacy-notice/acknowledge", url.Values{"notice_id": {draftID}, "next": {"/provider"}})

	resp, doc = c.Get(t, "/dpo/notices/"+draftID+"/acknowledgements")
	rows := doc.Find("[data-acknowledged-by]")
	if resp.StatusCode != http.StatusOK || rows.Length() != 1 || rows.AttrOr("data-acknowledged-by", "") != pat.Email ||
		!strings.Contains(cellText(rows.Find("[data-acknowledged-at]")), fmt.Sprint(time.Now().Year())) {
		t.Errorf("acknowledgements of version 2: %d, %d rows %q", resp.StatusCode, rows.Length(), cellText(rows))
	}
	resp, doc = c.Get(t, "/dpo/notices/outstanding")
	outstanding := doc.Find("[data-outstanding]")
	if resp.StatusCode != http.StatusOK || outstanding.Length() != 1 || outstanding.AttrOr("data-outstanding", "") != lee.Email ||
		!strings.Contains(cellText(outstanding), "Version 1") {
		t.Errorf("yet to acknowledge: %d, %q", resp.StatusCode, cellText(outstanding))
	}
	_, doc = c.Get(t, "/dpo/notices")
	if got := cellText(doc.Find("[data-outstanding]")); !strings.Contains(got, "1 provider user has not acknowledged it yet") {
		t.Errorf("list says %q", got)
	}
}

// TestDPONoticePublishRefusesPastDate: a draft whose date has passed since it was saved
// cannot be published as it is; the edit form opens with the reason.
func TestDPONoticePublishRefusesPastDate(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	dpo := s.CreateUser(t, "dee@council.example", []auth.Role{auth.RoleDPO}, "")
	c := s.SignIn(t, dpo, 0)
	var id string
	if err := s.DB.Get(&id, `INSERT INTO privacy_notices (audience, title, body_markdown, effective_from, status)
		VALUES ('provider', 'Old draft', 'Text', current_date - 2, 'draft') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	resp, doc := c.Submit(t, "/dpo/notices/"+id, "/dpo/notices/"+id+"/publish", url.Values{})
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#effective_from"] == "" {
		t.Fatalf("publishing a draft dated in the past: %d, summary %v", resp.StatusCode, summaryLinks(doc))
	}
	if n := count(t, s, `SELECT count(*) FROM privacy_notices WHERE status = 'published'`); n != 1 {
		t.Errorf("%d published versions, want still 1", n)
	}
}

// TestDPOPagesForbiddenToOtherRoles: the notices, subject access and correction pages are
// the data protection officer's (corrections shared with officers): every other role is
// refused, whatever it sends.
func TestDPOPagesForbiddenToOtherRoles(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	paths := []struct{ method, path string }{
		{"GET", "/dpo/notices"}, {"GET", "/dpo/notices/new"}, {"POST", "/dpo/notices"}, {"GET", "/dpo/notices/outstanding"},
		{"GET", "/dpo/sar"}, {"GET", "/dpo/sar/new"}, {"POST", "/dpo/sar"},
	}
	for _, role := range []auth.Role{auth.RoleProvider, auth.RoleOfficer, auth.RoleFinance, auth.RoleAdmin} {
		orgID := ""
		if role == auth.RoleProvider {
			orgID = org
		}
		u := s.CreateUser(t, string(role)+"@example.gov.uk", []auth.Role{role}, orgID)
		c, csrf := sessionAs(t, s, u.ID, auth.StageFull)
		for _, p := range paths {
			var resp *http.Response
			if p.method == "GET" {
				resp, _ = c.Get(t, p.path)
			} else {
				resp, _ = c.Post(t, p.path, form(csrf, "requester_name", "X", "title", "X"))
			}
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s as %s: %d, want 403", p.method, p.path, role, resp.StatusCode)
			}
		}
		if role != auth.RoleOfficer {
			if resp, _ := c.Get(t, "/rectification-requests"); resp.StatusCode != http.StatusForbidden {
				t.Errorf("correction requests as %s: %d, want 403", role, resp.StatusCode)
			}
		}
	}
	if n := count(t, s, `SELECT count(*) FROM sar_requests`) + count(t, s, `SELECT count(*) FROM privacy_notices WHERE status = 'draft'`); n != 0 {
		t.Errorf("refused requests wrote %d rows", n)
	}
}

// TestDPONoticeRefusesBadInput: malformed or hostile drafts get a 4xx with a message, never
// a 500, and save nothing.
func TestDPONoticeRefusesBadInput(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	dpo := s.CreateUser(t, "dee@council.example", []auth.Role{auth.RoleDPO}, "")
	c, csrf := sessionAs(t, s, dpo.ID, auth.StageFull)
	today := time.Now()
	date := func(v url.Values) url.Values { return dpoDateForm(v, "effective_from", today) }
	tests := []struct {
		name   string
		path   string
		values url.Values
	}{
		{"nul in the body", "/dpo/notices", date(form(csrf, "title", "T", "body", "Text\x00"))},
		{"broken text", "/dpo/notices", date(form(csrf, "title", "T", "body", "Text \xff\xfe"))},
		{"huge body", "/dpo/notices", date(form(csrf, "title", "T", "body", strings.Repeat("b", 100_001)))},
		{"title on two lines", "/dpo/notices", date(form(csrf, "title", "T\nU", "body", "Text"))},
		{"no such date", "/dpo/notices", form(csrf, "title", "T", "body", "Text", "effective_from-day", "31", "effective_from-month", "2", "effective_from-year", "2999")},
		{"date in letters", "/dpo/notices", form(csrf, "title", "T", "body", "Text", "effective_from-day", "one", "effective_from-month", "2", "effective_from-year", "2030")},
		{"no such notice", "/dpo/notices/not-a-uuid", date(form(csrf, "title", "T", "body", "Text"))},
		{"publish no such notice", "/dpo/notices/00000000-0000-4000-8000-000000000000/publish", form(csrf)},
	}
	for _, tt := range tests {
		resp, _ := c.Post(t, tt.path, tt.values)
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("%s: %d, want a 4xx", tt.name, resp.StatusCode)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM privacy_notices`); n != 1 {
		t.Errorf("%d notices after refused drafts, want the 1 published", n)
	}
}
