package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/webtest"
)

// reviewedProvider is a provider organisation whose ten sections its signed-in user filled
// through the pages, ready to submit, with the answers the review tests look for.
type reviewedProvider struct {
	OrgID, LegalName, KeyContact string
	// StaffName is the one member of staff in the safeguarding section.
	StaffName string
	User      *webtest.TestUser
	Client    *webtest.Client
}

// The bank account (a Pay.UK worked example that passes the modulus check) and DBS
// certificate number every reviewedProvider gives.
const (
	reviewSortCode = "089999"
	reviewAccount  = "66374958"
	reviewDBS      = "001234567890"
)

// reviewDate sets the three inputs of a GOV.UK date field.
func reviewDate(v url.Values, name string, t time.Time) {
	v.Set(name+"-day", strconv.Itoa(t.Day()))
	v.Set(name+"-month", strconv.Itoa(int(t.Month())))
	v.Set(name+"-year", strconv.Itoa(t.Year()))
}

// reviewSaveSection saves a section through its page (version and CSRF token from the
// page) and, unless the record is approved and the change is held for review, marks it
// completed from its check page.
func reviewSaveSection(t *testing.T, c *webtest.Client, key string, values url.Values) {
	t.Helper()
	_, page := c.Get(t, "/provider/sections/"+key)
	values.Set("version", page.Find(`form input[name="version"]`).AttrOr("value", ""))
	values.Set("_csrf", page.Find(`input[name="_csrf"]`).First().AttrOr("value", ""))
	values.Set("action", "save")
	if key == "bank-details" {
		values.Set("action", "confirm") // past their own check page
	}
	resp, doc := c.Post(t, "/provider/sections/"+key, values)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save %s: status %d, errors %v", key, resp.StatusCode, summaryLinks(doc))
	}
	_, doc = c.Get(t, "/provider/sections/"+key+"/check")
	complete := doc.Find(`form[action="/provider/sections/` + key + `/complete"]`)
	if complete.Length() == 0 {
		return // a change after approval waits for an officer instead
	}
	resp, _ = c.Post(t, "/provider/sections/"+key+"/complete", url.Values{
		"_csrf": {complete.Find(`input[name="_csrf"]`).AttrOr("value", "")}, "version": {complete.Find(`input[name="version"]`).AttrOr("value", "")}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("complete %s: status %d", key, resp.StatusCode)
	}
}

// newFilledProvider makes an organisation with a provider user slug@provider.example, fills
// its whole record over HTTP with fillWholeRecord, then gives it its own legal name, key
// contact (contact@slug.example), bank account and member of staff.
func newFilledProvider(t *testing.T, s *webtest.Server, slug, legalName string) *reviewedProvider {
	t.Helper()
	orgID := s.NewOrganisation(t, legalName)
	u := s.CreateUser(t, slug+"@provider.example", []auth.Role{auth.RoleProvider}, orgID)
	c := s.SignIn(t, u, 0)
	fillWholeRecord(t, s, c)
	title := strings.ToUpper(slug[:1]) + slug[1:]
	p := &reviewedProvider{OrgID: orgID, LegalName: legalName, KeyContact: "contact@" + slug + ".example",
		StaffName: "Dana " + title + "-Smith", User: u, Client: c}
	org := url.Values{"legal_name": {legalName}, "legal_form": {"partnership"}, "operation_type": {"sme"}, "service_categories": {"childrens_homes"}}
	reviewDate(org, "start_date", time.Now().AddDate(-5, 0, 0))
	reviewSaveSection(t, c, "organisation", org)
	reviewSaveSection(t, c, "contacts", url.Values{"key_contact_name": {"Kim " + title}, "key_contact_role": {"Registered Manager"},
		"key_contact_email": {p.KeyContact}, "key_contact_phone": {"01632 960001"}})
	reviewSaveSection(t, c, "bank-details", url.Values{"account_name": {legalName}, "sort_code": {"08-99-99"}, "account_number": {reviewAccount}})
	staff := url.Values{"staff-0-name": {p.StaffName}, "staff-0-role": {"Support worker"}, "staff-0-level": {"enhanced_barred"},
		"staff-0-certificate_number": {"0012 3456 7890"}, "staff-0-update_service": {"yes"}, "staff-0-last_check_result": {"current"}}
	reviewDate(staff, "staff-0-issue_date", time.Now().AddDate(-1, 0, 0))
	reviewDate(staff, "staff-0-last_check_date", time.Now().AddDate(0, 0, -7))
	reviewSaveSection(t, c, "safeguarding", staff)
	return p
}

// submitForReview presses "Submit for review" on the whole-record check page and expects
// the confirmation.
func submitForReview(t *testing.T, c *webtest.Client) {
	t.Helper()
	_, doc := c.Get(t, "/provider/check")
	submit := doc.Find(`form[action="/provider/submit"]`)
	if submit.Length() == 0 {
		t.Fatal("the task list offers no submit button")
	}
	resp, _ := c.Post(t, "/provider/submit", url.Values{"_csrf": {submit.Find(`input[name="_csrf"]`).AttrOr("value", "")},
		"version": {submit.Find(`input[name="version"]`).AttrOr("value", "")}})
	if loc := location(t, resp); loc.Path != "/provider/submitted" {
		t.Fatalf("submit went to %s", loc)
	}
}

// officer signs in a new officer.
func signInOfficer(t *testing.T, s *webtest.Server, email string) (*webtest.TestUser, *webtest.Client) {
	t.Helper()
	u := s.CreateUser(t, email, []auth.Role{auth.RoleOfficer}, "")
	return u, s.SignIn(t, u, 0)
}

// officerReviewPage is the officer's page of a record, and the CSRF token its forms carry.
func officerReviewPage(t *testing.T, c *webtest.Client, orgID string) (*goquery.Document, string) {
	t.Helper()
	resp, doc := c.Get(t, "/review/providers/"+orgID)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("review page: status %d", resp.StatusCode)
	}
	return doc, doc.Find(`input[name="_csrf"]`).First().AttrOr("value", "")
}

// officerDecides posts a decision on the whole record with the version the page shows now.
func officerDecides(t *testing.T, c *webtest.Client, orgID string, kv ...string) (*http.Response, *goquery.Document) {
	t.Helper()
	doc, csrf := officerReviewPage(t, c, orgID)
	version := doc.Find(`form[action="/review/providers/`+orgID+`/decision"] input[name="version"]`).AttrOr("value", "")
	if version == "" {
		t.Fatal("the review page offers no decision form")
	}
	resp, doc := c.Post(t, "/review/providers/"+orgID+"/decision", form(csrf, append([]string{"version", version}, kv...)...))
	return confirmDecision(t, c, resp, doc)
}

// confirmDecision presses the confirmation page's button when a decision asked for one,
// and returns the response to that; any other response is returned as it is.
func confirmDecision(t *testing.T, c *webtest.Client, resp *http.Response, doc *goquery.Document) (*http.Response, *goquery.Document) {
	t.Helper()
	confirm := doc.Find("form[data-confirm-form]")
	if resp.StatusCode != http.StatusOK || confirm.Length() == 0 {
		return resp, doc
	}
	v := url.Values{}
	confirm.Find(`input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		v.Add(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	return c.Post(t, confirm.AttrOr("action", ""), v)
}

func orgStatus(t *testing.T, s *webtest.Server, orgID string) provider.Status {
	t.Helper()
	var st provider.Status
	if err := s.DB.Get(&st, `SELECT status FROM organisations WHERE id = $1`, orgID); err != nil {
		t.Fatal(err)
	}
	return st
}

// decisionMail lists, in order, the addresses sent a decision email whose subject starts
// with subject.
func decisionMail(t *testing.T, s *webtest.Server, subject string) []string {
	t.Helper()
	var to []string
	if err := s.DB.Select(&to, `SELECT to_address::text FROM outbox WHERE kind = 'provider_decision' AND subject LIKE $1 || '%'
		ORDER BY to_address`, subject); err != nil {
		t.Fatal(err)
	}
	return to
}

// cellText is an element's text with runs of white space made one space.
func cellText(sel *goquery.Selection) string { return strings.Join(strings.Fields(sel.Text()), " ") }

// TestReviewCycle walks a record through review over HTTP: the queue, a request for
// changes with a comment, the provider's fix and resubmission, approval, and the history.
func TestReviewCycle(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	older := newFilledProvider(t, s, "acorn", "Acorn Fostering Partners")
	newer := newFilledProvider(t, s, "birch", "Birch House Care")
	officer, oc := signInOfficer(t, s, "olive@council.example")
	// Birch submits first, but Acorn's submission is made the older one: the queue orders by
	// when a record was submitted, not by when it was made.
	submitForReview(t, newer.Client)
	submitForReview(t, older.Client)
	if _, err := s.DB.Exec(`UPDATE organisations SET submitted_at = now() - interval '5 days 1 hour' WHERE id = $1`, older.OrgID); err != nil {
		t.Fatal(err)
	}

	resp, doc := oc.Get(t, "/review")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("queue: status %d", resp.StatusCode)
	}
	var order []string
	doc.Find("[data-queue] tbody tr").Each(func(_ int, tr *goquery.Selection) { order = append(order, tr.AttrOr("data-queue-row", "")) })
	if !slices.Equal(order, []string{older.OrgID, newer.OrgID}) {
		t.Fatalf("queue order %v, want Acorn (%s) then Birch (%s)", order, older.OrgID, newer.OrgID)
	}
	first := doc.Find("[data-queue] tbody tr").First()
	tests := []struct{ what, sel, want string }{
		{"name", "td:nth-child(2)", older.LegalName},
		{"status", "[data-record-status]", "Submitted"},
		{"age in days", "[data-age]", "5"},
	}
	for _, tt := range tests {
		if got := cellText(first.Find(tt.sel)); got != tt.want {
			t.Errorf("first row %s %q, want %q", tt.what, got, tt.want)
		}
	}
	if ref := cellText(first.Find("td").First()); !strings.HasPrefix(ref, "SUP") {
		t.Errorf("first row supplier reference %q", ref)
	}
	if got := cellText(doc.Find(`[data-queue-row="` + newer.OrgID + `"] td:nth-child(2)`)); got != newer.LegalName {
		t.Errorf("second row name %q", got)
	}

	// Request changes with a comment on one section.
	resp, _ = officerDecides(t, oc, older.OrgID, "decision", "request_changes", "comment-addresses", "Give the full registered office address.")
	if loc := location(t, resp); loc.Path != "/review" {
		t.Fatalf("request changes went to %s", loc)
	}
	_, doc = oc.Get(t, "/review")
	if flash := cellText(doc.Find(".govuk-notification-banner__heading")); !strings.Contains(flash, "make changes") {
		t.Errorf("flash after requesting changes: %q", flash)
	}
	if st := orgStatus(t, s, older.OrgID); st != provider.StatusChangesRequested {
		t.Fatalf("status %s after requesting changes", st)
	}
	if to := decisionMail(t, s, "Changes are needed"); !slices.Equal(to, []string{"acorn@provider.example", older.KeyContact}) {
		t.Errorf("changes-requested mail went to %v", to)
	}

	// The provider sees the comment beside the section, which is no longer completed.
	pc := older.Client
	_, doc = pc.Get(t, "/provider")
	item := doc.Find(`[data-status="addresses"]`).Closest("li")
	if got := cellText(item.Find("[data-comment]")); !strings.Contains(got, "Give the full registered office address.") || !strings.Contains(got, officer.Name) {
		t.Errorf("comment on the task list: %q", got)
	}
	if got := cellText(doc.Find(`[data-status="addresses"]`)); got == string(provider.TaskCompleted) {
		t.Errorf("addresses still %q after the officer asked for changes", got)
	}
	if got := cellText(doc.Find(`[data-status="vat"]`)); got != string(provider.TaskCompleted) {
		t.Errorf("vat is %q; only commented sections should reopen", got)
	}

	// The provider fixes the section, checks it, and resubmits.
	reviewSaveSection(t, pc, "addresses", url.Values{"reg_line1": {"Unit 4, Acorn Court"}, "reg_line2": {"1 Acorn Way"}, "reg_town": {"Leeds"},
		"reg_postcode": {"LS1 4AP"}, "correspondence_same": {"yes"}})
	submitForReview(t, pc)
	if st := orgStatus(t, s, older.OrgID); st != provider.StatusResubmitted {
		t.Fatalf("status %s after resubmitting", st)
	}
	_, doc = oc.Get(t, "/review")
	if got := cellText(doc.Find(`[data-queue-row="` + older.OrgID + `"] [data-record-status]`)); got != "Resubmitted" {
		t.Errorf("queue shows the resubmitted record as %q", got)
	}

	// Approve.
	resp, _ = officerDecides(t, oc, older.OrgID, "decision", "approve")
	if loc := location(t, resp); loc.Path != "/review" {
		t.Fatalf("approve went to %s", loc)
	}
	if st := orgStatus(t, s, older.OrgID); st != provider.StatusApproved {
		t.Fatalf("status %s after approving", st)
	}
	if n := count(t, s, `SELECT count(*) FROM provider_sections WHERE organisation_id = $1 AND approved_data IS NOT NULL AND approved_data = data`, older.OrgID); n != len(provider.Sections) {
		t.Errorf("%d sections approved, want %d", n, len(provider.Sections))
	}
	if to := decisionMail(t, s, "Your registration has been approved"); !slices.Equal(to, []string{"acorn@provider.example", older.KeyContact}) {
		t.Errorf("approval mail went to %v", to)
	}
	if st := orgStatus(t, s, newer.OrgID); st != provider.StatusSubmitted {
		t.Errorf("the other record is %s; deciding one must not touch another", st)
	}

	// The history lists each change with who made it and when.
	doc, _ = officerReviewPage(t, oc, older.OrgID)
	want := []struct{ to, by string }{
		{"submitted", older.User.Name}, {"changes_requested", officer.Name}, {"resubmitted", older.User.Name}, {"approved", officer.Name},
	}
	rows := doc.Find("[data-history] tbody tr")
	if rows.Length() != len(want) {
		t.Fatalf("history has %d rows, want %d: %q", rows.Length(), len(want), cellText(rows))
	}
	rows.Each(func(i int, tr *goquery.Selection) {
		if got := tr.AttrOr("data-history-row", ""); got != want[i].to {
			t.Errorf("history row %d is %s, want %s", i, got, want[i].to)
		}
		if got := cellText(tr.Find("[data-by]")); got != want[i].by {
			t.Errorf("history row %d by %q, want %q", i, got, want[i].by)
		}
		if when := cellText(tr.Find("td").First()); !strings.Contains(when, strconv.Itoa(time.Now().Year())) {
			t.Errorf("history row %d when %q", i, when)
		}
	})
	if got := cellText(rows.Eq(1).Find("td").Eq(2)); !strings.Contains(got, "Give the full registered office address.") {
		t.Errorf("the changes-requested row gives no reason: %q", got)
	}
	if doc.Find("[data-review-form]").Length() != 0 {
		t.Error("an approved record still offers the review form")
	}
	if doc.Find("[data-suspend-form]").Length() != 1 {
		t.Error("an approved record offers no way to suspend it")
	}
}

// TestReviewPageShowsTheRecord checks what an officer sees: every section's answers as a
// card, bank details and DBS numbers masked, the certificates linked, and a review form
// with a comment box per section.
func TestReviewPageShowsTheRecord(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	p := newFilledProvider(t, s, "acorn", "Acorn Fostering Partners")
	submitForReview(t, p.Client)
	_, oc := signInOfficer(t, s, "olive@council.example")

	doc, _ := officerReviewPage(t, oc, p.OrgID)
	if got := heading(doc); got != p.LegalName {
		t.Errorf("heading %q", got)
	}
	cards := doc.Find("[data-section]")
	if cards.Length() != len(provider.Sections) {
		t.Fatalf("%d section cards, want %d", cards.Length(), len(provider.Sections))
	}
	for i, def := range provider.Sections {
		card := cards.Eq(i)
		if card.AttrOr("data-section", "") != string(def.Key) || cellText(card.Find(".govuk-summary-card__title")) != def.Title {
			t.Errorf("card %d is %q, want %s", i, cellText(card.Find(".govuk-summary-card__title")), def.Title)
		}
		if card.Find("[data-answers] .govuk-summary-list__row").Length() == 0 {
			t.Errorf("the %s card shows no answers", def.Key)
		}
		id := "comment-" + string(def.Key)
		if card.Find(`textarea#`+id+`[name="`+id+`"]`).Length() != 1 || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("the %s card has no labelled comment box", def.Key)
		}
	}
	body, _ := doc.Html()
	for _, secret := range []string{reviewAccount, reviewSortCode, "08-99-99", reviewDBS, "0012 3456 7890"} {
		if strings.Contains(body, secret) {
			t.Errorf("the review page shows %q in clear", secret)
		}
	}
	bank := cellText(doc.Find(`[data-section="bank-details"]`))
	if !strings.Contains(bank, reviewAccount[4:]) || !strings.Contains(bank, "••-••-99") {
		t.Errorf("bank details not shown masked: %q", bank)
	}
	if got := cellText(doc.Find(`[data-section="safeguarding"]`)); !strings.Contains(got, p.StaffName) || !strings.Contains(got, reviewDBS[8:]) {
		t.Errorf("safeguarding card: %q", got)
	}
	var certificates []string
	if err := s.DB.Select(&certificates, `SELECT id FROM documents WHERE organisation_id = $1`, p.OrgID); err != nil || len(certificates) != 3 {
		t.Fatalf("certificates %v (%v)", certificates, err)
	}
	var links []string
	doc.Find("[data-documents] a").Each(func(_ int, a *goquery.Selection) { links = append(links, a.AttrOr("href", "")) })
	for _, id := range certificates {
		if !slices.Contains(links, "/documents/"+id) {
			t.Errorf("certificate %s not linked; links %v", id, links)
		}
	}
	resp, err := oc.Client.Get(oc.Base + links[0])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("officer downloading a linked certificate: status %d", resp.StatusCode)
	}
	for _, d := range []string{"request_changes", "approve", "reject"} {
		if doc.Find(`[data-review-form] button[name="decision"][value="`+d+`"]`).Length() != 1 {
			t.Errorf("no %s button", d)
		}
	}
	if doc.Find(`.govuk-service-navigation a[href="/review"]`).Length() != 1 {
		t.Error("an officer's navigation has no link to the review queue")
	}
}

// TestReviewFieldErrors checks decisions that need text: each is refused with a message
// linked from the error summary, the officer's text kept, and nothing changed.
func TestReviewFieldErrors(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	p := newFilledProvider(t, s, "acorn", "Acorn Fostering Partners")
	submitForReview(t, p.Client)
	_, oc := signInOfficer(t, s, "olive@council.example")
	mails := count(t, s, `SELECT count(*) FROM outbox`)
	history := count(t, s, `SELECT count(*) FROM provider_status_history`)

	tests := []struct {
		name  string
		kv    []string
		field string
		kept  map[string]string
	}{
		{"request changes without a comment", []string{"decision", "request_changes", "reason", "typed by mistake"}, "comment-organisation",
			map[string]string{"reason": "typed by mistake"}},
		{"reject without a reason", []string{"decision", "reject", "comment-vat", "Check the VAT number"}, "reason",
			map[string]string{"comment-vat": "Check the VAT number"}},
		{"reject with a blank reason", []string{"decision", "reject", "reason", "   \n  "}, "reason", nil},
		{"approve with comments left", []string{"decision", "approve", "comment-contacts", "Who is the deputy?"}, "comment-contacts",
			map[string]string{"comment-contacts": "Who is the deputy?"}},
		{"a comment with control characters", []string{"decision", "request_changes", "comment-vat", "bad \x00 byte"}, "comment-vat", nil},
		{"a reason too long", []string{"decision", "reject", "reason", strings.Repeat("x", 10001)}, "reason", nil},
	}
	for _, tt := range tests {
		resp, doc := officerDecides(t, oc, p.OrgID, tt.kv...)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tt.name, resp.StatusCode)
			continue
		}
		if links := summaryLinks(doc); links["#"+tt.field] == "" {
			t.Errorf("%s: error summary %v has no link to #%s", tt.name, links, tt.field)
		}
		if doc.Find("textarea#"+tt.field).Length() != 1 || doc.Find("#"+tt.field+"-error").Length() != 1 {
			t.Errorf("%s: no field %s with its message", tt.name, tt.field)
		}
		for f, v := range tt.kept {
			if got := doc.Find("textarea#" + f).Text(); got != v {
				t.Errorf("%s: %s shows %q, want what was typed, %q", tt.name, f, got, v)
			}
		}
		if st := orgStatus(t, s, p.OrgID); st != provider.StatusSubmitted {
			t.Fatalf("%s: status %s, want nothing changed", tt.name, st)
		}
	}
	resp, _ := officerDecides(t, oc, p.OrgID, "decision", "blow-up")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown decision: status %d, want 400", resp.StatusCode)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox`); n != mails {
		t.Errorf("refused decisions queued %d emails", n-mails)
	}
	if n := count(t, s, `SELECT count(*) FROM provider_status_history`); n != history {
		t.Errorf("refused decisions wrote %d history rows", n-history)
	}
	if n := count(t, s, `SELECT count(*) FROM provider_section_comments`); n != 0 {
		t.Errorf("refused decisions stored %d comments", n)
	}

	resp, _ = officerDecides(t, oc, p.OrgID, "decision", "reject", "reason", "We do not buy this kind of service.")
	if loc := location(t, resp); loc.Path != "/review" {
		t.Fatalf("reject went to %s", loc)
	}
	if st := orgStatus(t, s, p.OrgID); st != provider.StatusRejected {
		t.Fatalf("status %s after rejecting", st)
	}
	var body string
	if err := s.DB.Get(&body, `SELECT body FROM outbox WHERE to_address = $1 AND subject LIKE 'Your registration has not been approved%'`, p.KeyContact); err != nil {
		t.Fatalf("rejection mail to the key contact: %v", err)
	}
	if !strings.Contains(body, "We do not buy this kind of service.") {
		t.Errorf("rejection mail does not give the reason: %q", body)
	}
}

// TestReviewRefusesStaleAndReplayedDecisions checks the version the form carries: a
// decision on a record changed since the page was opened, or the same approval sent twice,
// is refused with 409 and changes nothing.
func TestReviewRefusesStaleAndReplayedDecisions(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	p := newFilledProvider(t, s, "acorn", "Acorn Fostering Partners")
	submitForReview(t, p.Client)
	_, oc := signInOfficer(t, s, "olive@council.example")

	doc, csrf := officerReviewPage(t, oc, p.OrgID)
	version, _ := strconv.Atoi(doc.Find(`[data-review-form] input[name="version"]`).AttrOr("value", ""))
	history := count(t, s, `SELECT count(*) FROM provider_status_history WHERE organisation_id = $1`, p.OrgID)
	path := "/review/providers/" + p.OrgID + "/decision"

	resp, doc := oc.Post(t, path, form(csrf, "version", strconv.Itoa(version-1), "decision", "approve"))
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("stale approval: status %d, want 409", resp.StatusCode)
	}
	if got := cellText(doc.Find("[data-conflict]")); !strings.Contains(got, "changed since you opened it") {
		t.Errorf("stale approval message: %q", got)
	}
	if st := orgStatus(t, s, p.OrgID); st != provider.StatusSubmitted {
		t.Fatalf("stale approval changed the status to %s", st)
	}

	approval := form(csrf, "version", strconv.Itoa(version), "decision", "approve", "confirm", "yes")
	resp, _ = oc.Post(t, path, approval)
	location(t, resp)
	resp, doc = oc.Post(t, path, approval)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("replayed approval: status %d, want 409", resp.StatusCode)
	}
	if doc.Find("[data-conflict]").Length() != 1 {
		t.Error("the replayed approval does not say why it was refused")
	}
	if n := count(t, s, `SELECT count(*) FROM provider_status_history WHERE organisation_id = $1`, p.OrgID); n != history+1 {
		t.Errorf("%d history rows added, want the one approval", n-history)
	}
	if to := decisionMail(t, s, "Your registration has been approved"); len(to) != 2 {
		t.Errorf("approval emails to %v, want one to each of the two addresses", to)
	}
	resp, _ = oc.Post(t, path, form(csrf, "version", strconv.Itoa(version+1), "decision", "reject", "reason", "Changed my mind", "confirm", "yes"))
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("rejecting an approved record: status %d, want 409", resp.StatusCode)
	}
	if st := orgStatus(t, s, p.OrgID); st != provider.StatusApproved {
		t.Errorf("status %s, want it still approved", st)
	}
}

// TestReviewIsForOfficers checks a provider user reaches none of the review pages, not even
// for their own record.
func TestReviewIsForOfficers(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	p := newFilledProvider(t, s, "acorn", "Acorn Fostering Partners")
	submitForReview(t, p.Client)
	csrf := p.Client.CSRF(t, "/provider")
	for _, tt := range []struct{ method, path string }{
		{"GET", "/review"},
		{"GET", "/review/providers/" + p.OrgID},
		{"POST", "/review/providers/" + p.OrgID + "/decision"},
		{"POST", "/review/providers/" + p.OrgID + "/sections/contacts/decision"},
	} {
		var resp *http.Response
		if tt.method == "GET" {
			resp, _ = p.Client.Get(t, tt.path)
		} else {
			resp, _ = p.Client.Post(t, tt.path, form(csrf, "version", "2", "decision", "approve"))
		}
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("provider %s %s: status %d, want 403", tt.method, tt.path, resp.StatusCode)
		}
	}
	if st := orgStatus(t, s, p.OrgID); st != provider.StatusSubmitted {
		t.Errorf("status %s, want it still submitted", st)
	}
	_, doc := p.Client.Get(t, "/provider")
	if doc.Find(`a[href^="/review"]`).Length() != 0 {
		t.Error("a provider's page links to the review pages")
	}
}

// TestReviewChangesAfterApproval checks an approved provider's edit is held for review:
// the approved answers stay in force until an officer accepts it, and declining restores
// them.
func TestReviewChangesAfterApproval(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	p := newFilledProvider(t, s, "acorn", "Acorn Fostering Partners")
	pc := p.Client
	submitForReview(t, pc)
	_, oc := signInOfficer(t, s, "olive@council.example")
	resp, _ := officerDecides(t, oc, p.OrgID, "decision", "approve")
	location(t, resp)

	editContacts := func(email string) {
		t.Helper()
		reviewSaveSection(t, pc, "contacts", url.Values{"key_contact_name": {"Nat New"}, "key_contact_role": {"Director"},
			"key_contact_email": {email}, "key_contact_phone": {"07700 900982"}})
	}
	approvedEmail := func() string {
		t.Helper()
		var e string
		if err := s.DB.Get(&e, `SELECT approved_data->>'key_contact_email' FROM provider_sections WHERE organisation_id = $1 AND section = 'contacts'`, p.OrgID); err != nil {
			t.Fatal(err)
		}
		return e
	}

	editContacts("nat@acorn.example")
	_, doc := pc.Get(t, "/provider")
	if got := cellText(doc.Find(`[data-status="contacts"]`)); got != string(provider.TaskChangesPending) {
		t.Errorf("contacts on the task list: %q, want %q", got, provider.TaskChangesPending)
	}
	if got := approvedEmail(); got != p.KeyContact {
		t.Errorf("approved key contact %q, want %q still in force", got, p.KeyContact)
	}
	if to, err := provider.Recipients(context.Background(), s.DB, p.OrgID); err != nil || !slices.Contains(to, p.KeyContact) || slices.Contains(to, "nat@acorn.example") {
		t.Errorf("mail goes to %v (%v); want the approved key contact until the change is accepted", to, err)
	}

	_, doc = oc.Get(t, "/review")
	if doc.Find(`[data-changes] [data-change-row="`+p.OrgID+`:contacts"]`).Length() != 1 {
		t.Errorf("the queue does not list the change: %q", cellText(doc.Find("[data-changes]")))
	}
	doc, csrf := officerReviewPage(t, oc, p.OrgID)
	card := doc.Find(`[data-section="contacts"]`)
	if got := cellText(card.Find("[data-approved]")); !strings.Contains(got, p.KeyContact) {
		t.Errorf("approved column: %q", got)
	}
	if got := cellText(card.Find("[data-proposed]")); !strings.Contains(got, "nat@acorn.example") {
		t.Errorf("proposed column: %q", got)
	}
	version := card.Find(`input[name="version"]`).AttrOr("value", "")
	sectionPath := "/review/providers/" + p.OrgID + "/sections/contacts/decision"

	// Declining needs a reason; with one, the approved answers come back.
	resp, doc = oc.Post(t, sectionPath, form(csrf, "version", version, "decision", "decline"))
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#reason-contacts"] == "" {
		t.Fatalf("decline without a reason: status %d, summary %v", resp.StatusCode, summaryLinks(doc))
	}
	resp, doc = oc.Post(t, sectionPath, form(csrf, "version", version, "decision", "decline", "reason-contacts", "Nat is not on our approved list"))
	resp, _ = confirmDecision(t, oc, resp, doc)
	if loc := location(t, resp); loc.Path != "/review/providers/"+p.OrgID {
		t.Fatalf("decline went to %s", loc)
	}
	var pending bool
	var data string
	if err := s.DB.QueryRow(`SELECT pending_review, data->>'key_contact_email' FROM provider_sections WHERE organisation_id = $1 AND section = 'contacts'`, p.OrgID).Scan(&pending, &data); err != nil {
		t.Fatal(err)
	}
	if pending || data != p.KeyContact {
		t.Errorf("after declining: pending %v, key contact %q; want the approved %q back", pending, data, p.KeyContact)
	}
	if to := decisionMail(t, s, "Your change has not been accepted"); len(to) == 0 {
		t.Error("no email about the declined change")
	}
	_, doc = pc.Get(t, "/provider")
	if got := cellText(doc.Find(`[data-status="contacts"]`)); got != string(provider.TaskCompleted) {
		t.Errorf("contacts after the decline: %q", got)
	}

	// A change edited again after the officer opened it is refused; the fresh one is accepted.
	editContacts("nat@acorn.example")
	doc, csrf = officerReviewPage(t, oc, p.OrgID)
	seen := doc.Find(`[data-section="contacts"] input[name="version"]`).AttrOr("value", "")
	editContacts("nat.new@acorn.example")
	resp, doc = oc.Post(t, sectionPath, form(csrf, "version", seen, "decision", "accept"))
	if resp.StatusCode != http.StatusConflict || doc.Find("[data-conflict]").Length() != 1 {
		t.Fatalf("accepting a change edited since: status %d", resp.StatusCode)
	}
	if got := approvedEmail(); got != p.KeyContact {
		t.Fatalf("a refused acceptance put %q in force", got)
	}
	doc, csrf = officerReviewPage(t, oc, p.OrgID)
	fresh := doc.Find(`[data-section="contacts"] input[name="version"]`).AttrOr("value", "")
	resp, doc = oc.Post(t, sectionPath, form(csrf, "version", fresh, "decision", "accept"))
	resp, _ = confirmDecision(t, oc, resp, doc)
	location(t, resp)
	if got := approvedEmail(); got != "nat.new@acorn.example" {
		t.Errorf("after accepting, the approved key contact is %q", got)
	}
	if to := decisionMail(t, s, "Your change has been accepted"); !slices.Contains(to, "nat.new@acorn.example") {
		t.Errorf("acceptance mail went to %v", to)
	}
	resp, _ = oc.Post(t, sectionPath, form(csrf, "version", fresh, "decision", "accept", "confirm", "yes"))
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("accepting the same change twice: status %d, want 409", resp.StatusCode)
	}
}

// TestReviewSuspendAndReinstate checks both need a reason, and the history keeps it.
func TestReviewSuspendAndReinstate(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	p := newFilledProvider(t, s, "acorn", "Acorn Fostering Partners")
	submitForReview(t, p.Client)
	_, oc := signInOfficer(t, s, "olive@council.example")
	resp, _ := officerDecides(t, oc, p.OrgID, "decision", "approve")
	location(t, resp)

	steps := []struct {
		decision, reason string
		want             provider.Status
		subject          string
	}{
		{"suspend", "", provider.StatusApproved, ""},
		{"suspend", "Ofsted judged the home inadequate", provider.StatusSuspended, "Your supplier record has been suspended"},
		{"reinstate", "", provider.StatusSuspended, ""},
		{"reinstate", "The home was re-inspected and judged good", provider.StatusApproved, "Your supplier record has been reinstated"},
	}
	for _, st := range steps {
		resp, doc := officerDecides(t, oc, p.OrgID, "decision", st.decision, "reason", st.reason)
		if st.reason == "" {
			if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#reason"] == "" {
				t.Errorf("%s without a reason: status %d, summary %v", st.decision, resp.StatusCode, summaryLinks(doc))
			}
		} else if loc := location(t, resp); loc.Path != "/review/providers/"+p.OrgID {
			t.Errorf("%s went to %s", st.decision, loc)
		}
		if got := orgStatus(t, s, p.OrgID); got != st.want {
			t.Fatalf("after %s (%q): status %s, want %s", st.decision, st.reason, got, st.want)
		}
		if st.subject != "" && len(decisionMail(t, s, st.subject)) != 2 {
			t.Errorf("%s: mail not sent to both addresses", st.decision)
		}
	}
	doc, _ := officerReviewPage(t, oc, p.OrgID)
	rows := doc.Find("[data-history] tbody tr")
	var got []string
	rows.Slice(rows.Length()-2, rows.Length()).Each(func(_ int, tr *goquery.Selection) {
		got = append(got, tr.AttrOr("data-history-row", "")+": "+cellText(tr.Find("td").Eq(2)))
	})
	if want := []string{"suspended: " + steps[1].reason, "approved: " + steps[3].reason}; !slices.Equal(got, want) {
		t.Errorf("history ends %q, want %q", got, want)
	}
}

// TestReviewAuditsDBSViews checks every officer view of a provider page records that the
// officer saw the DBS records, each time.
func TestReviewAuditsDBSViews(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	p := newFilledProvider(t, s, "acorn", "Acorn Fostering Partners")
	officer, oc := signInOfficer(t, s, "olive@council.example")
	views := func() int {
		return count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'provider.dbs.viewed' AND object_id = $1 AND actor_id = $2
			AND summary->>'section' = 'safeguarding'`, p.OrgID, officer.ID)
	}
	for i := 1; i <= 3; i++ {
		officerReviewPage(t, oc, p.OrgID)
		if got := views(); got != i {
			t.Fatalf("after %d views, %d audit events", i, got)
		}
	}
	for _, path := range []string{"/review/providers/" + noSuchID, "/review/providers/not-an-id"} {
		if resp, _ := oc.Get(t, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, resp.StatusCode)
		}
	}
}

// TestReviewQueuePages checks the queue pages 25 records at a time, oldest submission
// first across the pages, with the age of each.
func TestReviewQueuePages(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	// Record n was submitted n days ago, so record 27 is the oldest.
	if _, err := s.DB.Exec(`INSERT INTO organisations (name, status, submitted_at)
		SELECT 'Queued provider ' || g, 'submitted', now() - make_interval(days => g, mins => 1) FROM generate_series(1, 27) g`); err != nil {
		t.Fatal(err)
	}
	_, oc := signInOfficer(t, s, "olive@council.example")
	names := func(path string) ([]string, *goquery.Document) {
		t.Helper()
		resp, doc := oc.Get(t, path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		var out []string
		doc.Find("[data-queue] tbody tr").Each(func(_ int, tr *goquery.Selection) {
			out = append(out, cellText(tr.Find("td:nth-child(2)"))+" "+cellText(tr.Find("[data-age]")))
		})
		return out, doc
	}
	page1, doc := names("/review")
	if len(page1) != 25 || page1[0] != "Queued provider 27 27" || page1[24] != "Queued provider 3 3" {
		t.Errorf("page 1: %q", page1)
	}
	next := doc.Find(`.govuk-pagination__next a`).AttrOr("href", "")
	if next != "/review?page=2" {
		t.Fatalf("next page link %q", next)
	}
	if got := cellText(doc.Find("[data-queue] caption")); !strings.HasPrefix(got, "27 records") {
		t.Errorf("caption %q", got)
	}
	page2, doc := names(next)
	if !slices.Equal(page2, []string{"Queued provider 2 2", "Queued provider 1 1"}) {
		t.Errorf("page 2: %q", page2)
	}
	if doc.Find(".govuk-pagination__next").Length() != 0 || doc.Find(".govuk-pagination__prev a").AttrOr("href", "") != "/review?page=1" {
		t.Error("page 2 should link back to page 1 and no further")
	}
	if doc.Find("[data-changes-empty]").Length() != 1 {
		t.Error("page 2 should say there are no changes waiting")
	}
}
