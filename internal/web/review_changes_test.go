package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/webtest"
)

// resubmitted makes a provider's record, has an officer ask for a change to the contacts,
// and has the provider change the key contact's email and their bank account and submit
// again. It returns the provider and the officer's client.
func resubmitted(t *testing.T, s *webtest.Server) (*reviewedProvider, *webtest.Client) {
	t.Helper()
	p := newFilledProvider(t, s, "acorn", "Acorn Fostering Partners")
	submitForReview(t, p.Client)
	_, oc := signInOfficer(t, s, "olive@council.example")
	resp, _ := officerDecides(t, oc, p.OrgID, "decision", "request_changes", "comment-contacts", "Give a direct email for the key contact.")
	location(t, resp)
	reviewSaveSection(t, p.Client, "contacts", url.Values{"key_contact_name": {"Kim Acorn"}, "key_contact_role": {"Registered Manager"},
		"key_contact_email": {"kim.direct@acorn.example"}, "key_contact_phone": {"01632 960001"}})
	reviewSaveSection(t, p.Client, "bank-details", url.Values{"account_name": {p.LegalName}, "sort_code": {"08-99-99"}, "account_number": {reviewAccount}})
	submitForReview(t, p.Client)
	return p, oc
}

// TestReviewShowsChangesSinceLastDecision: on a resubmission each section leads with what
// changed since the officer asked for changes, field by field, tagged; unchanged sections
// say so; the bank account typed again is reported without its number; no secret is on the
// page in clear.
func TestReviewShowsChangesSinceLastDecision(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	p, oc := resubmitted(t, s)
	resp, doc := oc.Get(t, "/review/providers/"+p.OrgID)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("review page: status %d", resp.StatusCode)
	}
	contacts := doc.Find(`[data-section="contacts"]`)
	rows := contacts.Find("[data-changes-list] [data-change]")
	if rows.Length() != 1 {
		t.Fatalf("contacts changes: %q", cellText(contacts.Find("[data-changes-list]")))
	}
	if got := cellText(rows.Find("dt")); got != "Key contact email Changed" {
		t.Errorf("changed row key %q", got)
	}
	if b, a := cellText(rows.Find("del[data-before]")), cellText(rows.Find("ins[data-after]")); b != p.KeyContact || a != "kim.direct@acorn.example" {
		t.Errorf("before %q, after %q", b, a)
	}
	if got := cellText(contacts.Find("[data-changed-tag]")); got != "Changed" {
		t.Errorf("contacts tag %q", got)
	}
	if got := cellText(contacts.Find("[data-comment]")); !strings.Contains(got, "Give a direct email") {
		t.Errorf("the comment answered is not shown: %q", got)
	}
	vat := doc.Find(`[data-section="vat"]`)
	if vat.Find("[data-no-changes]").Length() != 1 || cellText(vat.Find("[data-changed-tag]")) != "Unchanged" {
		t.Errorf("an unchanged section: %q", cellText(vat))
	}
	bank := doc.Find(`[data-section="bank-details"] [data-changes-list]`)
	if got := cellText(bank); !strings.Contains(got, provider.HiddenValuesLabel) {
		t.Errorf("the account typed again is not reported: %q", got)
	}
	html, _ := doc.Html()
	for _, secret := range []string{reviewAccount, reviewDBS, "0012 3456 7890", reviewSortCode} {
		if strings.Contains(html, secret) {
			t.Errorf("the review page shows %s in clear", secret)
		}
	}
}

// TestReviewAcceptsSectionsOneByOne: the officer accepts a section from its card; it shows
// as accepted, with no button to accept it again; comments typed before pressing it are
// kept; the approval's confirmation names the sections not accepted.
func TestReviewAcceptsSectionsOneByOne(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	p := newFilledProvider(t, s, "acorn", "Acorn Fostering Partners")
	submitForReview(t, p.Client)
	officer, oc := signInOfficer(t, s, "olive@council.example")
	doc, csrf := officerReviewPage(t, oc, p.OrgID)
	button := doc.Find(`[data-section="contacts"] button[data-accept-section="contacts"]`)
	action, version := button.AttrOr("formaction", ""), button.AttrOr("value", "")
	if action != "/review/providers/"+p.OrgID+"/sections/contacts/accept" || version == "" {
		t.Fatalf("accept button: formaction %q, value %q", action, version)
	}
	resp, _ := oc.Post(t, action, form(csrf, "section_version", version))
	if loc := location(t, resp); loc.Path != "/review/providers/"+p.OrgID {
		t.Fatalf("accepting went to %s", loc)
	}
	doc, csrf = officerReviewPage(t, oc, p.OrgID)
	card := doc.Find(`[data-section="contacts"]`)
	if cellText(card.Find("[data-accepted]")) != "Accepted" || !strings.Contains(cellText(card.Find("[data-accepted-by]")), officer.Name) {
		t.Errorf("contacts card after accepting: %q", cellText(card.Find(".govuk-summary-card__title-wrapper")))
	}
	if card.Find("[data-accept-section]").Length() != 0 {
		t.Error("an accepted section still offers to accept it")
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'provider.section.accepted' AND object_id = $1`, p.OrgID); n != 1 {
		t.Errorf("%d acceptance audit events", n)
	}
	if resp, _ := oc.Post(t, action, form(csrf, "section_version", version)); resp.StatusCode != http.StatusConflict {
		t.Errorf("accepting twice: status %d, want 409", resp.StatusCode)
	}

	// A comment typed on another section before accepting one is kept.
	vatVersion := doc.Find(`[data-accept-section="vat"]`).AttrOr("value", "")
	resp, doc = oc.Post(t, "/review/providers/"+p.OrgID+"/sections/vat/accept",
		form(csrf, "section_version", vatVersion, "comment-insurance", "The cover looks low."))
	if resp.StatusCode != http.StatusOK || doc.Find("#comment-insurance").Text() != "The cover looks low." {
		t.Errorf("accept with a comment typed: status %d, comment %q", resp.StatusCode, doc.Find("#comment-insurance").Text())
	}
	if !strings.Contains(cellText(doc.Find(".govuk-notification-banner__heading")), "Section accepted: VAT registration") {
		t.Errorf("no word that the section was accepted: %q", cellText(doc.Find(".govuk-notification-banner")))
	}

	_, csrf = officerReviewPage(t, oc, p.OrgID)
	resp, doc = oc.Post(t, "/review/providers/"+p.OrgID+"/decision", form(csrf, "version", versionOf(t, s, p.OrgID), "decision", "approve"))
	if resp.StatusCode != http.StatusOK || doc.Find("[data-confirm-form]").Length() != 1 {
		t.Fatalf("approve: status %d, no confirmation", resp.StatusCode)
	}
	if got := cellText(doc.Find("[data-consequences]")); !strings.Contains(got, "8 sections not accepted one by one are accepted with the record") ||
		strings.Contains(got, "Contacts,") {
		t.Errorf("confirmation: %q", got)
	}
}

func versionOf(t *testing.T, s *webtest.Server, orgID string) string {
	t.Helper()
	var v string
	if err := s.DB.Get(&v, `SELECT version::text FROM organisations WHERE id = $1`, orgID); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestReviewDecisionsAskForConfirmation: approving, rejecting and a held change's decision
// change nothing until the confirmation page's button is pressed; the page says what will
// happen; going back leaves the record as it was.
func TestReviewDecisionsAskForConfirmation(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	p := newFilledProvider(t, s, "acorn", "Acorn Fostering Partners")
	submitForReview(t, p.Client)
	_, oc := signInOfficer(t, s, "olive@council.example")
	path := "/review/providers/" + p.OrgID + "/decision"
	_, csrf := officerReviewPage(t, oc, p.OrgID)
	resp, doc := oc.Post(t, path, form(csrf, "version", versionOf(t, s, p.OrgID), "decision", "reject", "reason", "We do not buy this service."))
	if resp.StatusCode != http.StatusOK || orgStatus(t, s, p.OrgID) != provider.StatusSubmitted {
		t.Fatalf("reject before confirming: status %d, record %s", resp.StatusCode, orgStatus(t, s, p.OrgID))
	}
	if got := cellText(doc.Find("h1")); got != "Reject Acorn Fostering Partners?" {
		t.Errorf("heading %q", got)
	}
	if got := cellText(doc.Find("[data-confirm-reason]")); got != "We do not buy this service." {
		t.Errorf("the reason shown: %q", got)
	}
	if got := doc.Find("[data-cancel]").AttrOr("href", ""); got != "/review/providers/"+p.OrgID {
		t.Errorf("the way back: %q", got)
	}
	if n := len(decisionMail(t, s, "Your registration")); n != 0 {
		t.Errorf("%d emails before confirming", n)
	}
	resp, _ = confirmDecision(t, oc, resp, doc)
	location(t, resp)
	if st := orgStatus(t, s, p.OrgID); st != provider.StatusRejected {
		t.Errorf("after confirming: %s", st)
	}

	// A held change: accepting asks first too.
	q := newFilledProvider(t, s, "birch", "Birch House Care")
	submitForReview(t, q.Client)
	resp, _ = officerDecides(t, oc, q.OrgID, "decision", "approve")
	location(t, resp)
	reviewSaveSection(t, q.Client, "contacts", url.Values{"key_contact_name": {"Nat New"}, "key_contact_role": {"Director"},
		"key_contact_email": {"nat@birch.example"}, "key_contact_phone": {"07700 900982"}})
	doc, csrf = officerReviewPage(t, oc, q.OrgID)
	card := doc.Find(`[data-section="contacts"]`)
	if got := cellText(card.Find("[data-changes-list] [data-change] ins")); got != "nat@birch.example" && !strings.Contains(got, "nat@birch.example") {
		t.Errorf("held change: %q", cellText(card.Find("[data-changes-list]")))
	}
	sectionPath := "/review/providers/" + q.OrgID + "/sections/contacts/decision"
	resp, doc = oc.Post(t, sectionPath, form(csrf, "version", card.Find(`input[name="version"]`).AttrOr("value", ""), "decision", "accept"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(cellText(doc.Find("h1")), "Accept the change to contacts?") {
		t.Fatalf("accept change: status %d, heading %q", resp.StatusCode, cellText(doc.Find("h1")))
	}
	var pending bool
	if err := s.DB.Get(&pending, `SELECT pending_review FROM provider_sections WHERE organisation_id = $1 AND section = 'contacts'`, q.OrgID); err != nil || !pending {
		t.Errorf("the change was decided before confirming (%v)", err)
	}
	resp, _ = confirmDecision(t, oc, resp, doc)
	location(t, resp)
	if err := s.DB.Get(&pending, `SELECT pending_review FROM provider_sections WHERE organisation_id = $1 AND section = 'contacts'`, q.OrgID); err != nil || pending {
		t.Errorf("the change still waits after confirming (%v)", err)
	}
}

// TestProviderRepliesToAComment: the provider replies to the officer's comment from the
// task list; an empty reply is refused; another organisation's user cannot reach it; the
// officer sees the reply beside the section when the record comes back.
func TestProviderRepliesToAComment(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	p := newFilledProvider(t, s, "acorn", "Acorn Fostering Partners")
	submitForReview(t, p.Client)
	_, oc := signInOfficer(t, s, "olive@council.example")
	resp, _ := officerDecides(t, oc, p.OrgID, "decision", "request_changes", "comment-vat", "Is the VAT number current?")
	location(t, resp)

	_, doc := p.Client.Get(t, "/provider")
	link := doc.Find(`[data-reply-link]`).AttrOr("href", "")
	if !strings.HasPrefix(link, "/provider/comments/") {
		t.Fatalf("no reply link on the task list: %q", cellText(doc.Find("main")))
	}
	resp, doc = p.Client.Get(t, link)
	if resp.StatusCode != http.StatusOK || !strings.Contains(cellText(doc.Find("[data-comment]")), "Is the VAT number current?") {
		t.Fatalf("reply page: status %d", resp.StatusCode)
	}
	csrf := doc.Find(`input[name="_csrf"]`).AttrOr("value", "")
	resp, doc = p.Client.Post(t, link, form(csrf, "reply", "  "))
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#reply"] == "" {
		t.Errorf("an empty reply: status %d, summary %v", resp.StatusCode, summaryLinks(doc))
	}
	resp, _ = p.Client.Post(t, link, form(csrf, "reply", "Yes: we re-registered in March."))
	if loc := location(t, resp); loc.Path != "/provider" {
		t.Fatalf("reply went to %s", loc)
	}
	_, doc = p.Client.Get(t, "/provider")
	if got := cellText(doc.Find("[data-comment-thread] [data-reply]")); !strings.Contains(got, "re-registered in March") {
		t.Errorf("the reply on the task list: %q", got)
	}

	// Another organisation's member finds nothing there.
	otherOrg := s.NewOrganisation(t, "Birch House Care")
	other := s.CreateUser(t, "sam@birch.example", []auth.Role{auth.RoleProvider}, otherOrg)
	oc2 := s.SignIn(t, other, 0)
	if resp, _ := oc2.Get(t, link); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's user: status %d, want 404", resp.StatusCode)
	}
	if resp, _ := oc2.Post(t, link, form(oc2.CSRF(t, "/provider"), "reply", "Not mine")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's user replying: status %d, want 404", resp.StatusCode)
	}

	// The provider confirms the section again (as it stands) and submits.
	_, doc = p.Client.Get(t, "/provider/sections/vat/check")
	complete := doc.Find(`form[action="/provider/sections/vat/complete"]`)
	resp, _ = p.Client.Post(t, "/provider/sections/vat/complete", url.Values{"_csrf": {complete.Find(`input[name="_csrf"]`).AttrOr("value", "")},
		"version": {complete.Find(`input[name="version"]`).AttrOr("value", "")}})
	location(t, resp)
	submitForReview(t, p.Client)
	doc, _ = officerReviewPage(t, oc, p.OrgID)
	thread := doc.Find(`[data-section="vat"] [data-comment]`)
	if got := cellText(thread.Find("[data-reply]")); !strings.Contains(got, "Yes: we re-registered in March.") {
		t.Errorf("the officer does not see the reply: %q", cellText(thread))
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'provider.section_comment.replied' AND object_id = $1`, p.OrgID); n != 1 {
		t.Errorf("%d reply audit events, want 1", n)
	}
}
