package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// timeOutSessions puts every session of userID past its idle timeout, as an hour's lunch would.
func timeOutSessions(t *testing.T, s *webtest.Server, userID string) {
	t.Helper()
	res, err := s.DB.Exec(`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = $1`, userID)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatal("no session to time out")
	}
}

// signInTo signs a provider in on client c through the real pages, carrying next through
// the password and emailed-code steps, and returns where the portal sends them at the end.
func signInTo(t *testing.T, s *webtest.Server, c *webtest.Client, u *webtest.TestUser, next string) string {
	t.Helper()
	resp, _ := c.Submit(t, "/sign-in?next="+url.QueryEscape(next), "/sign-in", url.Values{"email": {u.Email}, "password": {u.Password}, "next": {next}})
	codePage := location(t, resp)
	if codePage.Path != "/sign-in/email-code" {
		t.Fatalf("after the password: %s", codePage)
	}
	resp, _ = c.Submit(t, codePage.String(), "/sign-in/email-code", url.Values{"code": {s.EmailedCode(t, u.Email)}, "next": {codePage.Query().Get("next")}})
	return location(t, resp).String()
}

// TestTimedOutSectionFormIsKeptForItsOwner: a provider whose session timed out while they
// filled in a section presses save; nothing is saved, they are asked to sign in with a line
// saying their answers are kept, and after signing in they see the section filled in as they
// left it, with a banner asking them to check and send it. Another member of the same
// organisation following the same link sees none of it. Today the save is refused with "This
// form has expired" and what was typed is lost.
func TestTimedOutSectionFormIsKeptForItsOwner(t *testing.T) {
	t.Parallel()
	s, org, c := startSectionsA(t)
	pat := &webtest.TestUser{User: mustUser(t, s, "pat@acorn.example"), Password: webtest.Password}
	sam := s.CreateUser(t, "sam@acorn.example", []auth.Role{auth.RoleProvider}, org)

	_, form := c.Get(t, "/provider/sections/vat")
	token, _ := form.Find(`input[name="_csrf"]`).First().Attr("value")
	version, _ := form.Find(`form input[name="version"]`).Attr("value")
	timeOutSessions(t, s, pat.ID)

	resp, _ := c.Post(t, "/provider/sections/vat", url.Values{"_csrf": {token}, "version": {version}, "action": {"save"},
		"vat_registered": {"yes"}, "vat_number": {"GB 980 7806 84"}})
	to := location(t, resp)
	next := to.Query().Get("next")
	if to.Path != "/sign-in" || !strings.HasPrefix(next, "/provider/sections/vat?unsent=") {
		t.Fatalf("a save after the timeout went to %s, want sign-in and back to the section", to)
	}
	if n := count(t, s, `SELECT count(*) FROM provider_sections WHERE organisation_id = $1`, org); n != 0 {
		t.Fatal("the section was saved by a form sent after the session timed out")
	}
	if n := count(t, s, `SELECT count(*) FROM unsent_forms WHERE user_id = $1`, pat.ID); n != 1 {
		t.Fatalf("%d forms kept for the provider, want 1", n)
	}

	_, signIn := c.Get(t, to.String())
	banner := strings.Join(strings.Fields(signIn.Find("[data-signed-out-inactive]").Text()), " ")
	if !strings.Contains(banner, "You were signed out because you were inactive.") ||
		!strings.Contains(banner, "Sign in again to return to your form. What you typed has been kept for 1 hour.") {
		t.Errorf("sign-in page banner %q", banner)
	}

	// Another member of the organisation, sent the same link, sees the section as it is.
	other := s.SignIn(t, sam, 0)
	_, page := other.Get(t, next)
	if page.Find("[data-restored-form]").Length() != 0 || namedValue(page, "vat_number") != "" {
		t.Fatal("another user was shown the kept form")
	}
	if n := count(t, s, `SELECT count(*) FROM unsent_forms`); n != 1 {
		t.Fatal("another user's visit used up the kept form")
	}

	if got := signInTo(t, s, c, pat, next); got != next {
		t.Fatalf("after signing in again the provider went to %s, want %s", got, next)
	}
	resp, page = c.Get(t, next)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("restored section: status %d", resp.StatusCode)
	}
	if got := strings.TrimSpace(page.Find("[data-restored-form] .govuk-notification-banner__heading").Text()); got != "Check your answers and send them again" {
		t.Errorf("restored page banner %q", got)
	}
	if got := namedValue(page, "vat_number"); got != "GB 980 7806 84" {
		t.Errorf("VAT number shown as %q, want what was typed", got)
	}
	if _, checked := page.Find(`input[name="vat_registered"][value="yes"]`).Attr("checked"); !checked {
		t.Error("the VAT registered answer was not put back")
	}
	if n := count(t, s, `SELECT count(*) FROM provider_sections WHERE organisation_id = $1`, org); n != 0 {
		t.Fatal("the restored answers were saved before the provider sent them")
	}
	if n := count(t, s, `SELECT count(*) FROM unsent_forms`); n != 0 {
		t.Error("the kept form was not deleted once it was back on the page")
	}

	// Sending it is the provider's own act, and saves what they typed.
	newToken, _ := page.Find(`input[name="_csrf"]`).First().Attr("value")
	v, _ := page.Find(`form input[name="version"]`).Attr("value")
	resp, _ = c.Post(t, "/provider/sections/vat", url.Values{"_csrf": {newToken}, "version": {v}, "action": {"save"},
		"vat_registered": {namedChecked(page, "vat_registered")}, "vat_number": {namedValue(page, "vat_number")}})
	if got := location(t, resp).Path; got != "/provider/sections/vat/check" {
		t.Fatalf("sending the restored form went to %s", got)
	}
	if n := count(t, s, `SELECT count(*) FROM provider_sections WHERE organisation_id = $1 AND section = 'vat'`, org); n != 1 {
		t.Error("the restored form, sent, was not saved")
	}
}

// TestTimedOutBankChangeIsKeptSealed: a bank details change typed before a timeout comes
// back, sort code and account number included, after signing in; the kept copy never holds
// them in clear, and no request was made until the provider sends it again.
func TestTimedOutBankChangeIsKeptSealed(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	c := w.s.SignIn(t, w.pat, 0)
	token := c.CSRF(t, "/provider/bank-details/change")
	timeOutSessions(t, w.s, w.pat.ID)
	fields := url.Values{"_csrf": {token}, "account_name": {"Acorn Fostering Ltd"}, "sort_code": {"10-79-99"},
		"account_number": {"88837491"}, "remittance_email": {"payments@elsewhere.example"}, "reason": {"We changed bank"}}
	resp, _ := finMultipart(t, c, "/provider/bank-details/change", fields, "evidence", "letter.pdf", finPDF)
	next := location(t, resp).Query().Get("next")
	if !strings.HasPrefix(next, "/provider/bank-details/change?unsent=") {
		t.Fatalf("after the timeout: next %q", next)
	}
	if n := finCount(t, w.s, `SELECT count(*) FROM bank_detail_changes WHERE kind = 'change'`); n != 0 {
		t.Fatal("a bank details change was requested by a form sent after the session timed out")
	}
	if n := finCount(t, w.s, `SELECT count(*) FROM unsent_forms WHERE values_sealed LIKE '%88837491%' OR values_sealed LIKE '%10-79-99%' OR values_sealed LIKE '%letter%'`); n != 0 {
		t.Fatal("the kept form holds bank details or the file in clear")
	}
	if n := finCount(t, w.s, `SELECT count(*) FROM unsent_forms`); n != 1 {
		t.Fatalf("%d forms kept, want 1", n)
	}

	signInTo(t, w.s, c, w.pat, next)
	_, page := c.Get(t, next)
	if page.Find("[data-restored-form]").Length() != 1 {
		t.Error("no banner asking to check and send the form again")
	}
	for name, want := range map[string]string{"sort_code": "10-79-99", "account_number": "88837491", "account_name": "Acorn Fostering Ltd",
		"remittance_email": "payments@elsewhere.example"} {
		if got := namedValue(page, name); got != want {
			t.Errorf("%s shown as %q, want %q", name, got, want)
		}
	}
	if got := strings.TrimSpace(page.Find(`textarea[name="reason"]`).Text()); got != "We changed bank" {
		t.Errorf("reason shown as %q", got)
	}
	if n := finCount(t, w.s, `SELECT count(*) FROM bank_detail_changes WHERE kind = 'change'`); n != 0 {
		t.Fatal("the restored request was made before the provider sent it")
	}
}

// TestTimedOutOtherFormIsListed: a form whose page cannot fill itself in again (here a
// correction request) is listed on "Your unsent form" for its owner, with a link back to the
// form, until they delete it; it never reaches anyone else.
func TestTimedOutOtherFormIsListed(t *testing.T) {
	t.Parallel()
	s, _, c := startSectionsA(t)
	pat := &webtest.TestUser{User: mustUser(t, s, "pat@acorn.example"), Password: webtest.Password}
	token := c.CSRF(t, "/rectification/new")
	timeOutSessions(t, s, pat.ID)
	req, err := http.NewRequest(http.MethodPost, s.URL+"/rectification", strings.NewReader(url.Values{"_csrf": {token},
		"what_is_wrong": {"Our registered office moved in May"}, "password": {"never kept"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", s.URL+"/rectification/new")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	next := location(t, resp).Query().Get("next")
	if !strings.HasPrefix(next, "/unsent-forms/") {
		t.Fatalf("after the timeout: next %q, want the unsent form page", next)
	}
	if n := count(t, s, `SELECT count(*) FROM rectification_requests`); n != 0 {
		t.Fatal("the correction request was made by a form sent after the timeout")
	}

	sam := s.CreateUser(t, "sam@acorn.example", []auth.Role{auth.RoleProvider}, "")
	if resp, _ := s.SignIn(t, sam, 0).Get(t, next); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another user opening the unsent form: status %d, want 404", resp.StatusCode)
	}

	signInTo(t, s, c, pat, next)
	resp, page := c.Get(t, next)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("unsent form page: status %d", resp.StatusCode)
	}
	text := page.Find("[data-unsent-fields]").Text()
	if !strings.Contains(text, "Our registered office moved in May") || strings.Contains(text, "never kept") {
		t.Errorf("unsent form lists %q", strings.Join(strings.Fields(text), " "))
	}
	if href, _ := page.Find("[data-form-link]").Attr("href"); href != "/rectification/new" {
		t.Errorf("link back to the form %q", href)
	}
	resp, _ = c.Submit(t, next, next+"/discard", url.Values{})
	location(t, resp)
	if n := count(t, s, `SELECT count(*) FROM unsent_forms`); n != 0 {
		t.Error("deleting the unsent form left it stored")
	}
}

// TestTimeoutLineOnFormPages: without JavaScript, a page with a form says how long the
// person has (from the configured idle timeout); a page without one does not, and nor does a
// page for someone not signed in. Every signed-in page carries the (closed) warning dialog.
func TestTimeoutLineOnFormPages(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, webtest.Options{Env: map[string]string{"PORTAL_SESSION_IDLE": "45m", "PORTAL_SESSION_WARNING": "3m"}})
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	c := s.SignIn(t, s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org), 0)
	_, form := c.Get(t, "/provider/sections/contacts")
	if got := strings.TrimSpace(form.Find("[data-timeout-line]").Text()); got != "You will be signed out if you do not do anything for 45 minutes. Save your answers before then." {
		t.Errorf("timeout line %q", got)
	}
	dialog := form.Find("dialog[data-timeout-dialog]")
	if warn, _ := dialog.Attr("data-warn-seconds"); warn != "180" {
		t.Errorf("warning %q seconds before the timeout, want 180", warn)
	}
	if _, open := dialog.Attr("open"); open || dialog.Length() != 1 {
		t.Error("the warning dialog is missing or open from the start")
	}
	_, list := c.Get(t, "/provider/contracts")
	if list.Find("[data-timeout-line]").Length() != 0 {
		t.Error("a page without a form has the timeout line")
	}
	_, signIn := s.NewClient(t).Get(t, "/sign-in")
	if signIn.Find("[data-timeout-line], [data-timeout-dialog]").Length() != 0 {
		t.Error("the sign-in page warns of a session timeout")
	}
}

// TestStaySignedIn restarts the idle clock, and answers the script with the time left.
func TestStaySignedIn(t *testing.T) {
	t.Parallel()
	s, _, c := startSectionsA(t)
	pat := mustUser(t, s, "pat@acorn.example")
	token := c.CSRF(t, "/provider")
	if _, err := s.DB.Exec(`UPDATE sessions SET last_seen_at = now() - interval '25 minutes' WHERE user_id = $1`, pat.ID); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, s.URL+"/session/extend", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-CSRF-Token", token)
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stay signed in: status %d", resp.StatusCode)
	}
	if n := count(t, s, `SELECT count(*) FROM sessions WHERE user_id = $1 AND last_seen_at > now() - interval '1 minute'`, pat.ID); n != 1 {
		t.Error("stay signed in did not restart the idle clock")
	}
}

func mustUser(t *testing.T, s *webtest.Server, email string) *auth.User {
	t.Helper()
	u, err := auth.UserByEmail(t.Context(), s.DB, email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func namedValue(doc *goquery.Document, name string) string {
	v, _ := doc.Find(`input[name="` + name + `"]`).Attr("value")
	return v
}

func namedChecked(doc *goquery.Document, name string) string {
	v, _ := doc.Find(`input[name="` + name + `"][checked]`).Attr("value")
	return v
}

// TestTimedOutFormFromAnotherTab: the timed-out session is already gone when the form
// arrives: another tab reached the timeout first and the browser holds a new session, or the
// person has signed in again there. The form is still kept for them, known by the CSRF token
// of the page it came from; signed in again, they go straight to it.
func TestTimedOutFormFromAnotherTab(t *testing.T) {
	t.Parallel()
	s, org, c := startSectionsA(t)
	pat := &webtest.TestUser{User: mustUser(t, s, "pat@acorn.example"), Password: webtest.Password}
	_, form := c.Get(t, "/provider/sections/vat")
	token, _ := form.Find(`input[name="_csrf"]`).First().Attr("value")
	send := func() *http.Response {
		resp, _ := c.Post(t, "/provider/sections/vat", url.Values{"_csrf": {token}, "action": {"save"},
			"vat_registered": {"no"}, "vat_number": {""}})
		return resp
	}
	timeOutSessions(t, s, pat.ID)
	if resp, _ := c.Get(t, "/provider"); location(t, resp).Path != "/sign-in" {
		t.Fatal("the other tab was not asked to sign in")
	}
	c.Get(t, "/sign-in") // the browser now holds a new, anonymous session

	to := location(t, send())
	if to.Path != "/sign-in" || !strings.HasPrefix(to.Query().Get("next"), "/provider/sections/vat?unsent=") {
		t.Fatalf("the old tab's save went to %s, want sign-in and back to the section", to)
	}
	if n := count(t, s, `SELECT count(*) FROM unsent_forms WHERE user_id = $1`, pat.ID); n != 1 {
		t.Fatalf("%d forms kept, want 1", n)
	}

	// Signed in again in the other tab, a save from the old one goes straight back to its form.
	signInTo(t, s, c, pat, "/provider")
	to = location(t, send())
	next := to.Query().Get("next")
	resp, _ := c.Get(t, to.String())
	if got := location(t, resp).String(); got != next {
		t.Fatalf("signed in, the sign-in page sent them to %s, want %s", got, next)
	}
	_, page := c.Get(t, next)
	if page.Find("[data-restored-form]").Length() != 1 || namedChecked(page, "vat_registered") != "no" {
		t.Error("the form from the old tab was not put back")
	}
	if n := count(t, s, `SELECT count(*) FROM provider_sections WHERE organisation_id = $1`, org); n != 0 {
		t.Error("a form from the old tab was saved")
	}
}
