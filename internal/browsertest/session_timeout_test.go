package browsertest_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/webtest"
)

// TestTimeoutWarningWithJavaScript: shortly before the idle timeout, a signed-in page opens
// GOV.UK's timeout warning as a modal dialog, with focus in it and the time left, and "Stay
// signed in" restarts the session's idle clock and closes it, and "Sign out" signs out. The idle
// timeout is set short (a minute, warning 58 seconds before) so the dialog opens within
// seconds of the page loading.
func TestTimeoutWarningWithJavaScript(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t, webtest.Options{Env: map[string]string{"PORTAL_SESSION_IDLE": "1m", "PORTAL_SESSION_WARNING": "58s"}})
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	tab := browsertest.NewTab(t, browser)
	browsertest.SignIn(t, tab, s.URL, pat)
	browsertest.Open(t, tab, s.URL+"/provider/sections/contacts")

	browsertest.Do(t, tab, chromedp.WaitVisible(chromedp.CSS(`dialog[data-timeout-dialog][open]`)))
	focused, err := browsertest.Run(t, tab, chromedp.Evaluate[bool](`document.activeElement === document.querySelector('dialog[data-timeout-dialog]')`))
	if err != nil || !focused {
		t.Error("focus did not move into the timeout warning")
	}
	if got := browsertest.Text(t, tab, "#timeout-dialog-title"); got != "You are about to be signed out" {
		t.Errorf("dialog title %q", got)
	}
	if got := browsertest.Text(t, tab, "[data-timeout-countdown]"); !strings.Contains(got, "second") {
		t.Errorf("countdown %q, want the seconds left", got)
	}
	browsertest.AssertAccessible(t, tab)

	// The idle clock as it stands (set back, so a restart shows without waiting).
	if _, err := s.DB.Exec(`UPDATE sessions SET last_seen_at = now() - interval '20 seconds' WHERE user_id = $1`, pat.ID); err != nil {
		t.Fatal(err)
	}
	browsertest.Do(t, tab, chromedp.Click(chromedp.CSS(`[data-timeout-stay]`), chromedp.NodeVisible),
		chromedp.WaitNotPresent(chromedp.CSS(`dialog[data-timeout-dialog][open]`)))
	var restarted bool
	if err := s.DB.Get(&restarted, `SELECT last_seen_at > now() - interval '10 seconds' FROM sessions WHERE user_id = $1`, pat.ID); err != nil {
		t.Fatal(err)
	}
	if !restarted {
		t.Error("Stay signed in did not restart the session's idle clock")
	}
	if got := browsertest.Location(t, tab).Path; got != "/provider/sections/contacts" {
		t.Errorf("Stay signed in left the page for %s", got)
	}

	// Warned again as the restarted minute runs out, "Sign out" signs out.
	browsertest.Do(t, tab, chromedp.WaitVisible(chromedp.CSS(`dialog[data-timeout-dialog][open]`)))
	browsertest.Click(t, tab, `[data-timeout-sign-out]`)
	if got := browsertest.Location(t, tab).Path; got != "/sign-in" {
		t.Errorf("Sign out in the warning went to %s", got)
	}
	var sessions int
	if err := s.DB.Get(&sessions, `SELECT count(*) FROM sessions WHERE user_id = $1`, pat.ID); err != nil || sessions != 0 {
		t.Errorf("after Sign out in the warning %d sessions remain (%v)", sessions, err)
	}
}

// TestTimeoutLineWithoutJavaScript: without JavaScript, a form page says how long the
// person has, in the configured idle timeout's words, and no dialog shows.
func TestTimeoutLineWithoutJavaScript(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	tab := browsertest.NewTab(t, browser)
	browsertest.DisableJavaScript(t, tab)
	browsertest.SignIn(t, tab, s.URL, pat)
	browsertest.Open(t, tab, s.URL+"/provider/sections/contacts")
	if got := browsertest.Text(t, tab, "[data-timeout-line]"); got != "You will be signed out if you do not do anything for 30 minutes. Save your answers before then." {
		t.Errorf("timeout line %q", got)
	}
	shown, err := browsertest.Run(t, tab, chromedp.Evaluate[bool](`document.querySelector('dialog[data-timeout-dialog]').checkVisibility()`))
	if err != nil || shown {
		t.Error("the timeout warning shows without JavaScript")
	}
	browsertest.AssertAccessible(t, tab)
}

// TestUnsentSectionJourney: a provider fills in a section, their session times out, and they
// press save. They are asked to sign in again and told their answers are kept; after signing
// in they are back on the section with what they typed and a banner asking them to check and
// send it. Nothing is saved until they press save themselves. With JavaScript off, so the
// journey is the plain HTML one. The page listing a form that cannot be filled in again is
// checked too.
func TestUnsentSectionJourney(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	tab := browsertest.NewTab(t, browser)
	browsertest.DisableJavaScript(t, tab)
	browsertest.SignIn(t, tab, s.URL, pat)
	saved := func() int {
		t.Helper()
		var n int
		if err := s.DB.Get(&n, `SELECT count(*) FROM provider_sections WHERE organisation_id = $1 AND section = 'vat'`, org); err != nil {
			t.Fatal(err)
		}
		return n
	}

	browsertest.Open(t, tab, s.URL+"/provider/sections/vat")
	browsertest.Do(t, tab, chromedp.Click(chromedp.CSS(`input[name="vat_registered"][value="yes"]`), chromedp.NodeVisible))
	browsertest.Fill(t, tab, map[string]string{"vat_number": "GB 980 7806 84"})
	if _, err := s.DB.Exec(`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = $1`, pat.ID); err != nil {
		t.Fatal(err)
	}
	browsertest.Click(t, tab, `button[name="action"][value="save"]`)
	if got := browsertest.Location(t, tab); got.Path != "/sign-in" || !strings.HasPrefix(got.Query().Get("next"), "/provider/sections/vat?unsent=") {
		t.Fatalf("after saving with a timed-out session the browser is on %s", got)
	}
	banner := strings.Join(strings.Fields(browsertest.Text(t, tab, "[data-signed-out-inactive]")), " ")
	if !strings.Contains(banner, "You were signed out because you were inactive. Sign in again to return to your form. What you typed has been kept for 1 hour.") {
		t.Errorf("sign-in banner %q", banner)
	}
	browsertest.AssertAccessible(t, tab)
	if saved() != 0 {
		t.Fatal("the section was saved by a form sent after the timeout")
	}

	browsertest.Fill(t, tab, map[string]string{"email": pat.Email, "password": pat.Password})
	browsertest.Click(t, tab, `form[action="/sign-in"] button[type="submit"]`)
	browsertest.EnterEmailedCode(t, tab, pat)
	if got := browsertest.Location(t, tab); got.Path != "/provider/sections/vat" {
		t.Fatalf("after signing in again the browser is on %s, want the section", got)
	}
	if got := browsertest.Text(t, tab, "[data-restored-form] .govuk-notification-banner__heading"); got != "Check your answers and send them again" {
		t.Errorf("banner %q", got)
	}
	number, _ := browsertest.Run(t, tab, chromedp.Value(chromedp.ID("vat_number")))
	registered, _ := browsertest.Run(t, tab, chromedp.Evaluate[bool](`document.querySelector('input[name="vat_registered"][value="yes"]').checked`))
	if number != "GB 980 7806 84" || !registered {
		t.Errorf("the form shows VAT number %q, registered %v; want what was typed", number, registered)
	}
	browsertest.AssertAccessible(t, tab)
	if saved() != 0 {
		t.Fatal("the answers were saved before the provider sent them again")
	}

	browsertest.Click(t, tab, `button[name="action"][value="save"]`)
	if got := browsertest.Location(t, tab).Path; got != "/provider/sections/vat/check" {
		t.Fatalf("sending the form again went to %s", got)
	}
	if saved() != 1 {
		t.Error("sending the form again did not save it")
	}

	// A form whose page cannot fill itself in again is listed on "Your unsent form".
	kept, err := s.Auth.KeepUnsentForm(t.Context(), auth.TimedOutSession{TokenHash: []byte("ended"), UserID: pat.ID, CSRFToken: "page token"},
		"page token", "POST", "/rectification", "/rectification/new", map[string][]string{"what_is_wrong": {"Our office moved"}})
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Open(t, tab, s.URL+"/unsent-forms/"+kept.ID)
	if got := browsertest.Text(t, tab, "[data-unsent-fields]"); !strings.Contains(got, "Our office moved") {
		t.Errorf("unsent form page lists %q", got)
	}
	browsertest.AssertAccessible(t, tab)
}
