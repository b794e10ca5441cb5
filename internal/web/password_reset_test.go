package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

var resetLink = regexp.MustCompile(`https?://\S+/password-reset/[A-Za-z0-9_-]+`)

// requestReset asks for a reset link for email and returns the confirmation page's heading.
func requestReset(t *testing.T, s *webtest.Server, email string) string {
	t.Helper()
	c := s.NewClient(t)
	resp, doc := c.Submit(t, "/password-reset", "/password-reset", url.Values{"email": {email}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset request for %s: status %d", email, resp.StatusCode)
	}
	return heading(doc)
}

// mailedLink returns the path of the reset link in the newest mail to email.
func mailedLink(t *testing.T, s *webtest.Server, email string) string {
	t.Helper()
	var body string
	if err := s.DB.Get(&body, `SELECT body FROM outbox WHERE to_address = $1 AND kind = 'password_reset' ORDER BY created_at DESC LIMIT 1`, email); err != nil {
		t.Fatalf("no reset mail to %s: %v", email, err)
	}
	link := resetLink.FindString(body)
	if link == "" {
		t.Fatalf("no reset link in the mail:\n%s", body)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if base, _ := url.Parse(s.URL); u.Host != base.Host {
		t.Errorf("link %s is not on the portal's address %s", link, s.URL)
	}
	return u.Path
}

// TestPasswordReset follows a reset from the request to signing in with the new password.
func TestPasswordReset(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, "")
	elsewhere := s.SignIn(t, u, 0) // someone signed in with the old password

	known := requestReset(t, s, u.Email)
	link := mailedLink(t, s, u.Email)
	unknown := requestReset(t, s, "nobody@acorn.example")
	if known != unknown || known != "Check your email" {
		t.Errorf("confirmation for a known address %q and an unknown one %q: want the same", known, unknown)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE kind <> 'signin_code'`); n != 1 {
		t.Errorf("%d mails queued, want 1 (none for the unknown address)", n)
	}

	c := s.NewClient(t)
	resp, doc := c.Get(t, link)
	if resp.StatusCode != http.StatusOK || heading(doc) != "Choose a new password" || doc.Find("input#password[type=password]").Length() != 1 {
		t.Fatalf("reset form: %d %q", resp.StatusCode, heading(doc))
	}
	refused := []struct {
		name, password, confirm string
		field, message          string
	}{
		{"too short", "short one", "short one", "#password", auth.MsgPasswordTooShort(auth.MinPasswordLength)},
		{"common", "1qaz2wsx3edc4rfv", "1qaz2wsx3edc4rfv", "#password", auth.MsgPasswordCommon},
		{"different confirmation", "copper lantern meadow quiet", "copper lantern meadow quieter", "#password_confirm", "Enter the same password twice"},
	}
	for _, tt := range refused {
		resp, doc := c.Submit(t, link, link, url.Values{"password": {tt.password}, "password_confirm": {tt.confirm}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tt.name, resp.StatusCode)
		}
		if links := summaryLinks(doc); len(links) != 1 || links[tt.field] != tt.message {
			t.Errorf("%s: error summary %v, want %s: %q", tt.name, links, tt.field, tt.message)
		}
		if v, _ := inputValue(doc, "password"); v != "" {
			t.Errorf("%s: the password was written back into the page", tt.name)
		}
	}
	if resp, _ := signInForm(t, s.NewClient(t), u.Email, u.Password, "/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a refused new password changed the old one: sign in %d", resp.StatusCode)
	}

	const newPassword = "copper lantern meadow quiet"
	resp, _ = c.Submit(t, link, link, url.Values{"password": {newPassword}, "password_confirm": {newPassword}})
	if loc := location(t, resp); loc.Path != "/sign-in" {
		t.Fatalf("after reset: redirected to %s", loc)
	}
	_, doc = c.Get(t, "/sign-in")
	if doc.Find(".govuk-notification-banner--success").Length() != 1 {
		t.Error("no confirmation banner on the sign-in page after the reset")
	}
	if signedIn(t, elsewhere) {
		t.Error("a session from before the reset still works")
	}
	if resp, _ := signInForm(t, s.NewClient(t), u.Email, u.Password, "/"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("old password after reset: status %d, want 401", resp.StatusCode)
	}
	if resp, _ := signInForm(t, s.NewClient(t), u.Email, newPassword, "/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("new password after reset: status %d, want 303", resp.StatusCode)
	}

	// The link works once.
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		c := s.NewClient(t)
		var resp *http.Response
		if method == http.MethodGet {
			resp, doc = c.Get(t, link)
		} else {
			resp, doc = c.Submit(t, "/sign-in", link, url.Values{"password": {"another good passphrase here"}, "password_confirm": {"another good passphrase here"}})
		}
		if resp.StatusCode != http.StatusNotFound || heading(doc) != "This link does not work" {
			t.Errorf("%s a used link: %d %q, want 404 This link does not work", method, resp.StatusCode, heading(doc))
		}
	}
	if resp, _ := signInForm(t, s.NewClient(t), u.Email, newPassword, "/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a used link changed the password again: status %d", resp.StatusCode)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'user.password_reset.completed' AND object_id = $1`, u.ID); n != 1 {
		t.Errorf("%d reset completions audited, want 1", n)
	}
}

// TestPasswordResetLinkExpires checks that a link past its time does not work.
func TestPasswordResetLinkExpires(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, "")
	requestReset(t, s, u.Email)
	link := mailedLink(t, s, u.Email)
	if _, err := s.DB.Exec(`UPDATE one_time_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	c := s.NewClient(t)
	resp, doc := c.Get(t, link)
	if resp.StatusCode != http.StatusNotFound || heading(doc) != "This link does not work" || doc.Find("form input#password").Length() != 0 {
		t.Errorf("expired link: %d %q, want 404 without a form", resp.StatusCode, heading(doc))
	}
	resp, _ = c.Submit(t, "/sign-in", link, url.Values{"password": {"copper lantern meadow quiet"}, "password_confirm": {"copper lantern meadow quiet"}})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("posting to an expired link: status %d, want 404", resp.StatusCode)
	}
	if resp, _ := signInForm(t, s.NewClient(t), u.Email, u.Password, "/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the old password stopped working: status %d", resp.StatusCode)
	}
}
