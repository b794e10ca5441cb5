package web_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/pquerna/otp/totp"
)

const wrongCredentials = "Enter a correct email address and password"

// signInForm posts the sign-in form from a fresh visit, as a browser would.
func signInForm(t *testing.T, c *webtest.Client, email, password, next string) (*http.Response, string) {
	t.Helper()
	resp, doc := c.Submit(t, "/sign-in", "/sign-in", url.Values{"email": {email}, "password": {password}, "next": {next}})
	if resp.StatusCode == http.StatusSeeOther {
		return resp, ""
	}
	return resp, doc.Text()
}

// TestSignInRefused checks that a wrong password and an unknown email get the same 401 page,
// with the error summary linking to the email field and the email kept.
func TestSignInRefused(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, "")
	disabled := s.CreateUser(t, "dee@acorn.example", []auth.Role{auth.RoleProvider}, "")
	if _, err := s.DB.Exec(`UPDATE users SET disabled_at = now() WHERE id = $1`, disabled.ID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email, password string
		status                int
		links                 map[string]string
	}{
		{"wrong password", u.Email, "not the password at all", http.StatusUnauthorized, map[string]string{"#email": wrongCredentials}},
		{"unknown email", "nobody@acorn.example", u.Password, http.StatusUnauthorized, map[string]string{"#email": wrongCredentials}},
		{"disabled account", disabled.Email, disabled.Password, http.StatusUnauthorized, map[string]string{"#email": wrongCredentials}},
		{"nothing entered", "", "", http.StatusUnprocessableEntity, map[string]string{"#email": "Enter your email address", "#password": "Enter your password"}},
	}
	for _, tt := range tests {
		c := s.NewClient(t)
		resp, doc := c.Submit(t, "/sign-in", "/sign-in", url.Values{"email": {tt.email}, "password": {tt.password}, "next": {"/"}})
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.status)
		}
		got := summaryLinks(doc)
		if fmt.Sprint(got) != fmt.Sprint(tt.links) {
			t.Errorf("%s: error summary %v, want %v", tt.name, got, tt.links)
		}
		if v, ok := inputValue(doc, "email"); !ok || v != tt.email {
			t.Errorf("%s: email field value %q (present %v), want %q kept", tt.name, v, ok, tt.email)
		}
		if v, ok := inputValue(doc, "password"); !ok || v != "" {
			t.Errorf("%s: password field value %q (present %v), want an empty field", tt.name, v, ok)
		}
		if doc.Find("#email-error").Length() != 1 {
			t.Errorf("%s: no error message beside the email field", tt.name)
		}
		if signedIn(t, c) {
			t.Errorf("%s: signed in", tt.name)
		}
	}
}

// TestSignInStartsNewSessions checks that the session token changes when the password is
// accepted and again when the code is, and that the old sessions are gone from the server,
// so a token planted or seen before sign-in is worthless after it.
func TestSignInStartsNewSessions(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	u := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	c := s.NewClient(t)
	csrf := c.CSRF(t, "/sign-in")
	anonymous := cookieValue(t, c)
	if anonymous == "" {
		t.Fatal("no session cookie for an anonymous visitor")
	}
	resp, _ := c.Post(t, "/sign-in", form(csrf, "email", u.Email, "password", u.Password, "next", "/admin/users"))
	if loc := location(t, resp); loc.Path != "/sign-in/code" || loc.Query().Get("next") != "/admin/users" {
		t.Fatalf("after the password: redirected to %s, want /sign-in/code?next=/admin/users", loc)
	}
	codeDue := cookieValue(t, c)
	resp, _ = c.Submit(t, "/sign-in/code", "/sign-in/code", url.Values{"code": {u.Code(t, 0)}, "next": {"/"}})
	if loc := location(t, resp); loc.Path != "/" {
		t.Fatalf("after the code: redirected to %s", loc)
	}
	full := cookieValue(t, c)
	if codeDue == anonymous || full == codeDue || full == anonymous {
		t.Fatalf("session token did not change at each step: %q, %q, %q", anonymous, codeDue, full)
	}
	for name, token := range map[string]string{"anonymous": anonymous, "code due": codeDue} {
		if n := count(t, s, `SELECT count(*) FROM sessions WHERE token_hash = $1`, auth.HashToken(token)); n != 0 {
			t.Errorf("the %s session is still on the server", name)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM sessions WHERE token_hash = $1 AND stage = 'full' AND user_id = $2`, auth.HashToken(full), u.ID); n != 1 {
		t.Errorf("no full session for the user under the new token")
	}
	if !signedIn(t, c) {
		t.Error("not signed in after the code")
	}
}

// otherCode returns a 6-digit code that is not valid for secret around now.
func otherCode(t *testing.T, secret string) string {
	t.Helper()
	valid := map[string]bool{}
	for step := -2; step <= 2; step++ {
		code, err := totp.GenerateCode(secret, time.Now().Add(time.Duration(step)*30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		valid[code] = true
	}
	for n := 123456; ; n++ {
		if code := strconv.Itoa(n); !valid[code] {
			return code
		}
	}
}

// TestTOTPEnrolment follows a staff member without an authenticator app through setting
// one up at their first sign-in.
func TestTOTPEnrolment(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	u := s.CreateUser(t, "nina@council.example", []auth.Role{auth.RoleFinance}, "")
	if _, err := s.DB.Exec(`UPDATE users SET totp_secret = NULL WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	c := s.NewClient(t)
	resp, _ := signInForm(t, c, u.Email, u.Password, "/")
	if loc := location(t, resp); loc.Path != "/sign-in/authenticator-app" {
		t.Fatalf("staff without an app redirected to %s, want /sign-in/authenticator-app", loc)
	}
	if signedIn(t, c) {
		t.Fatal("signed in before setting up the app")
	}

	resp, doc := c.Get(t, "/sign-in/authenticator-app")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("enrolment page: %d", resp.StatusCode)
	}
	img := doc.Find(`img[src^="data:image/png;base64,"]`)
	if img.Length() != 1 || img.AttrOr("alt", "") == "" {
		t.Errorf("enrolment page has %d QR code images (img[src^=data:image/png;base64,]) with alt text %q; img src is %q",
			img.Length(), img.AttrOr("alt", ""), doc.Find("main img").AttrOr("src", ""))
	} else {
		png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(img.AttrOr("src", ""), "data:image/png;base64,"))
		if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("QR code is not a PNG (%v)", err)
		}
	}
	shown := strings.TrimSpace(doc.Find("[data-totp-secret]").Text())
	secret := strings.ReplaceAll(shown, " ", "")
	if len(secret) != 32 {
		t.Fatalf("secret shown %q: want 32 base32 characters in groups", shown)
	}

	// A wrong code: 422, the message, and the same secret again (the app already has it).
	resp, doc = c.Submit(t, "/sign-in/authenticator-app", "/sign-in/authenticator-app", url.Values{"code": {otherCode(t, secret)}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("wrong code: status %d, want 422", resp.StatusCode)
	}
	if links := summaryLinks(doc); links["#code"] == "" {
		t.Errorf("wrong code: error summary %v, want a link to #code", links)
	}
	if again := strings.TrimSpace(doc.Find("[data-totp-secret]").Text()); again != shown {
		t.Errorf("after a wrong code the secret changed from %q to %q", shown, again)
	}
	if n := count(t, s, `SELECT count(*) FROM users WHERE id = $1 AND totp_secret IS NULL`, u.ID); n != 1 {
		t.Fatal("a wrong code stored the secret")
	}

	before := cookieValue(t, c)
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp, _ = c.Submit(t, "/sign-in/authenticator-app", "/sign-in/authenticator-app", url.Values{"code": {code}})
	if loc := location(t, resp); loc.Path != "/" {
		t.Fatalf("right code: redirected to %s, want /", loc)
	}
	if cookieValue(t, c) == before {
		t.Error("the session token did not change on completing sign-in")
	}
	resp, doc = c.Get(t, "/")
	if resp.StatusCode != http.StatusOK || heading(doc) != u.Name {
		t.Fatalf("home after enrolment: %d %q", resp.StatusCode, heading(doc))
	}
	if doc.Find(".govuk-notification-banner--success").Length() != 1 {
		t.Error("no success banner after enrolment")
	}
	if n := count(t, s, `SELECT count(*) FROM users WHERE id = $1 AND totp_secret IS NOT NULL`, u.ID); n != 1 {
		t.Error("the secret was not stored")
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'user.totp.enrolled' AND object_id = $1`, u.ID); n != 1 {
		t.Errorf("%d user.totp.enrolled audit events, want 1", n)
	}
}

// TestTOTPCode checks the code step of a staff sign-in: a wrong code is refused with a
// message, and a right code works once only.
func TestTOTPCode(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	u := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	passwordOnly := func() *webtest.Client {
		c := s.NewClient(t)
		resp, _ := signInForm(t, c, u.Email, u.Password, "/")
		if loc := location(t, resp); loc.Path != "/sign-in/code" {
			t.Fatalf("after the password: redirected to %s", loc)
		}
		return c
	}
	submit := func(c *webtest.Client, code string) (*http.Response, map[string]string) {
		resp, doc := c.Submit(t, "/sign-in/code", "/sign-in/code", url.Values{"code": {code}, "next": {"/"}})
		return resp, summaryLinks(doc)
	}

	a := passwordOnly()
	resp, links := submit(a, otherCode(t, u.TOTPSecret))
	if resp.StatusCode != http.StatusUnprocessableEntity || links["#code"] == "" {
		t.Errorf("wrong code: status %d, summary %v; want 422 with a link to #code", resp.StatusCode, links)
	}
	if signedIn(t, a) {
		t.Fatal("a wrong code signed in")
	}
	code := u.Code(t, 0)
	if resp, _ := submit(a, code); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("right code: status %d", resp.StatusCode)
	}
	if !signedIn(t, a) {
		t.Fatal("the right code did not sign in")
	}

	// Someone who saw the code and knows the password cannot use it again in its step.
	b := passwordOnly()
	if resp, links := submit(b, code); resp.StatusCode != http.StatusUnprocessableEntity || links["#code"] == "" {
		t.Errorf("replayed code: status %d, summary %v; want 422", resp.StatusCode, links)
	}
	if signedIn(t, b) {
		t.Fatal("a replayed code signed in")
	}
	// The next step's code still works.
	if resp, _ := submit(b, u.Code(t, 1)); resp.StatusCode != http.StatusSeeOther || !signedIn(t, b) {
		t.Errorf("next code: status %d", resp.StatusCode)
	}
}

// TestSignInThrottled checks that after five wrong passwords from one address even the
// right password is refused for a while, with Retry-After saying how long.
func TestSignInThrottled(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, "")
	c := s.NewClient(t)
	for i := range auth.DefaultThrottle.FreePerAccount {
		if resp, _ := signInForm(t, c, u.Email, fmt.Sprintf("wrong guess number %d", i), "/"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: status %d, want 401", i+1, resp.StatusCode)
		}
	}
	resp, doc := c.Submit(t, "/sign-in", "/sign-in", url.Values{"email": {u.Email}, "password": {u.Password}, "next": {"/"}})
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password after %d wrong: status %d, want 429", auth.DefaultThrottle.FreePerAccount, resp.StatusCode)
	}
	wait, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || wait <= 0 || time.Duration(wait)*time.Second > auth.DefaultThrottle.FirstDelay {
		t.Errorf("Retry-After %q, want whole seconds up to %s", resp.Header.Get("Retry-After"), auth.DefaultThrottle.FirstDelay)
	}
	if links := summaryLinks(doc); links["#email"] == "" {
		t.Errorf("throttled: error summary %v, want a link to #email", links)
	}
	if v, _ := inputValue(doc, "email"); v != u.Email {
		t.Errorf("throttled: email %q not kept", v)
	}
	if signedIn(t, c) {
		t.Error("signed in while throttled")
	}
}

// TestSessionTimeouts checks that a session idle for longer than the idle timeout, or older
// than the absolute one, no longer signs anyone in, and is deleted.
func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, "")
	if s.Config.SessionIdle != 30*time.Minute {
		t.Fatalf("idle timeout %s; the cases below assume 30m", s.Config.SessionIdle)
	}
	tests := []struct {
		name   string
		update string
		alive  bool
	}{
		{"idle 29 minutes", `last_seen_at = now() - interval '29 minutes'`, true},
		{"idle 31 minutes", `last_seen_at = now() - interval '31 minutes'`, false},
		{"past its absolute expiry", `expires_at = now() - interval '1 second'`, false},
	}
	for _, tt := range tests {
		c := s.SignIn(t, u, 0)
		token := cookieValue(t, c)
		if _, err := s.DB.Exec(`UPDATE sessions SET `+tt.update+` WHERE token_hash = $1`, auth.HashToken(token)); err != nil {
			t.Fatal(err)
		}
		if got := signedIn(t, c); got != tt.alive {
			t.Errorf("%s: signed in %v, want %v", tt.name, got, tt.alive)
		}
		if n := count(t, s, `SELECT count(*) FROM sessions WHERE token_hash = $1`, auth.HashToken(token)); (n == 1) != tt.alive {
			t.Errorf("%s: %d session rows left", tt.name, n)
		}
	}
}

// TestDisablingEndsSessions checks that an administrator disabling a user signs them out
// at once, everywhere, and they cannot sign in again.
func TestDisablingEndsSessions(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin}, "")
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, "")
	laptop, phone := s.SignIn(t, u, 0), s.SignIn(t, u, 0)
	if !signedIn(t, laptop) || !signedIn(t, phone) {
		t.Fatal("not signed in")
	}
	a := s.SignIn(t, admin, 0)
	resp, _ := a.Submit(t, "/admin/users/"+u.ID, "/admin/users/"+u.ID+"/disable", url.Values{})
	if loc := location(t, resp); loc.Path != "/admin/users/"+u.ID {
		t.Fatalf("disable redirected to %s", loc)
	}
	for name, c := range map[string]*webtest.Client{"laptop": laptop, "phone": phone} {
		if signedIn(t, c) {
			t.Errorf("%s: still signed in after the user was disabled", name)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM sessions WHERE user_id = $1`, u.ID); n != 0 {
		t.Errorf("%d sessions left for the disabled user", n)
	}
	if resp, _ := signInForm(t, s.NewClient(t), u.Email, u.Password, "/"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user signing in: status %d, want 401", resp.StatusCode)
	}
}

// TestSignInNextStaysOnSite checks that ?next= can only send someone to a page of this site
// after signing in, however the address is disguised.
func TestSignInNextStaysOnSite(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, "")
	staff := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	tests := []struct{ next, want string }{
		{"//evil.example", "/"},
		{"//evil.example/sign-in", "/"},
		{"https://evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"/\t/evil.example", "/"}, // browsers drop tabs: "//evil.example"
		{"/\n/evil.example", "/"}, // and newlines
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/admin/users?q=pat", "/admin/users?q=pat"}, // a page of the site is kept
	}
	for _, tt := range tests {
		// Providers carry next through the emailed code's page, which checks it again.
		c := s.NewClient(t)
		resp, _ := signInForm(t, c, u.Email, u.Password, tt.next)
		if loc := location(t, resp); loc.Path != "/sign-in/email-code" || loc.Query().Get("next") != tt.want {
			t.Errorf("sign in with next=%q: redirected to %s, want the code page carrying %q", tt.next, loc, tt.want)
		}
		resp, _ = c.Submit(t, "/sign-in/email-code", "/sign-in/email-code", url.Values{"code": {s.EmailedCode(t, u.Email)}, "next": {tt.next}})
		if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != tt.want {
			t.Errorf("emailed code with next=%q: %d to %q, want %q", tt.next, resp.StatusCode, got, tt.want)
		}
		// Signed in already, the sign-in page sends them on the same way.
		resp, _ = c.Get(t, "/sign-in?next="+url.QueryEscape(tt.next))
		if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != tt.want {
			t.Errorf("sign-in page when signed in, next=%q: %d to %q, want %q", tt.next, resp.StatusCode, got, tt.want)
		}
	}
	// Staff carry next through the code page, which checks it again.
	c := s.NewClient(t)
	resp, _ := signInForm(t, c, staff.Email, staff.Password, "//evil.example")
	if loc := location(t, resp); loc.Path != "/sign-in/code" || loc.Query().Get("next") != "/" {
		t.Errorf("staff sign in with next=//evil.example: redirected to %s", loc)
	}
	resp, _ = c.Submit(t, "/sign-in/code", "/sign-in/code", url.Values{"code": {staff.Code(t, 0)}, "next": {"//evil.example"}})
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/" {
		t.Errorf("code with next=//evil.example: %d to %q, want /", resp.StatusCode, got)
	}
}
