package browsertest_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/webtest"
)

// workLinkRE finds the link to the piece of work in a work email.
var workLinkRE = regexp.MustCompile(`(?m)^\s+(http\S+/rectification-requests/\S+)$`)

// TestWorkArrivesInYourWork follows work arriving for an officer, with JavaScript on and
// off: the officer chooses immediate email on their account page, sees nothing waiting; a
// provider asks for a correction; the officer's navigation counts it, "Your work" lists it
// (and not under "my contracts and providers", as they manage none), the email job mails
// them about it, and the email's link opens the request. Each page passes axe.
func TestWorkArrivesInYourWork(t *testing.T) {
	browser := browsertest.New(t)
	for _, scripts := range []string{"JavaScript on", "JavaScript off"} {
		t.Run(scripts, func(t *testing.T) {
			s := webtest.Start(t)
			org := s.NewOrganisation(t, "Acorn Fostering")
			officer := s.CreateUser(t, "work.officer@council.example", []auth.Role{auth.RoleOfficer}, "")
			provider := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)

			staff := browsertest.NewTab(t, browser)
			if scripts == "JavaScript off" {
				browsertest.DisableJavaScript(t, staff)
			}
			browsertest.SignIn(t, staff, s.URL, officer)
			if got := browsertest.Open(t, staff, s.URL+"/work"); got != http.StatusOK {
				t.Fatalf("GET /work: status %d", got)
			}
			if n := browsertest.Count(t, staff, `[data-work-empty]`); n != 1 {
				t.Errorf("before any work arrives the page does not say nothing is waiting")
			}
			if got := navText(t, staff); got != "Your work (0 items waiting for you)" {
				t.Errorf("navigation shows %q", got)
			}
			browsertest.AssertAccessible(t, staff)

			browsertest.Open(t, staff, s.URL+"/account")
			tick(t, staff, "work_email", "immediate")
			tick(t, staff, "work_scope", "all")
			press(t, staff, `form[data-work-email-form] button[type="submit"]`, http.StatusOK, "/account")
			browsertest.AssertAccessible(t, staff)

			// Work arrives: the provider asks for a correction.
			prov := browsertest.NewTab(t, browser)
			if scripts == "JavaScript off" {
				browsertest.DisableJavaScript(t, prov)
			}
			browsertest.SignIn(t, prov, s.URL, provider)
			browsertest.Open(t, prov, s.URL+"/rectification/new")
			browsertest.Fill(t, prov, map[string]string{"location": "My account", "what_is_wrong": "Acorn Fostring", "should_say": "Acorn Fostering Ltd"})
			browsertest.Click(t, prov, `form[data-correction-form] button[type="submit"]`)

			browsertest.Open(t, staff, s.URL+"/work")
			if got := browsertest.Count(t, staff, `[data-work-item^="correction:"]`); got != 1 {
				t.Fatalf("the correction request is not in Your work (%d rows)", got)
			}
			if got := browsertest.Text(t, staff, `[data-work-item^="correction:"] td:nth-child(3)`); got != "Acorn Fostering" {
				t.Errorf("the provider column says %q", got)
			}
			if got := navText(t, staff); got != "Your work (1 item waiting for you)" {
				t.Errorf("navigation shows %q", got)
			}
			browsertest.AssertAccessible(t, staff)

			tick(t, staff, "show", "mine")
			press(t, staff, `form[data-work-filter] button[type="submit"]`, http.StatusOK, "/work")
			if browsertest.Count(t, staff, `[data-work-item]`) != 0 || browsertest.Count(t, staff, `[data-work-empty]`) != 1 {
				t.Error("an officer managing no contracts has work under my contracts and providers")
			}
			browsertest.AssertAccessible(t, staff)

			// The email job (run now, without its settling delay) mails the officer.
			mailer := *s.Services.Work
			mailer.Settle = 0
			if n, err := mailer.Notify(context.Background()); err != nil || n != 1 {
				t.Fatalf("work emails: sent %d, %v; want 1", n, err)
			}
			var body string
			if err := s.DB.Get(&body, `SELECT body FROM outbox WHERE to_address = $1 AND kind = 'work_immediate'`, officer.Email); err != nil {
				t.Fatalf("no work email to the officer: %v", err)
			}
			m := workLinkRE.FindStringSubmatch(body)
			if m == nil || !strings.Contains(body, "Correction request") {
				t.Fatalf("the work email does not link to the request:\n%s", body)
			}
			if got := browsertest.Open(t, staff, m[1]); got != http.StatusOK {
				t.Errorf("the email's link: status %d", got)
			}
			if !strings.HasPrefix(browsertest.Location(t, staff).Path, "/rectification-requests/") {
				t.Errorf("the email's link opened %s", browsertest.Location(t, staff))
			}
		})
	}
}

// navText is the navigation's "Your work" link as a screen reader reads it: the visible
// count with its visually hidden explanation, white space collapsed.
func navText(t *testing.T, tab context.Context) string {
	t.Helper()
	text := strings.Join(strings.Fields(browsertest.Text(t, tab, `.govuk-service-navigation__list a[href="/work"]`)), " ")
	return strings.ReplaceAll(text, " )", ")") // innerText ends the hidden text with a line break
}
