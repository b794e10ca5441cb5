package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/pquerna/otp/totp"
)

// TestProvidersGiveASecondFactor: a provider's password alone opens nothing; the code
// emailed to them does, once, only in the session it was sent for, and wrong codes are
// throttled. A provider with an authenticator app gives its code instead, and a council
// that requires the app sends providers to set it up.
func TestProvidersGiveASecondFactor(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)

	c := s.NewClient(t)
	resp, _ := signInForm(t, c, pat.Email, pat.Password, "/provider")
	if loc := location(t, resp); loc.Path != "/sign-in/email-code" {
		t.Fatalf("after the password: %s, want the emailed code's page", loc)
	}
	code := s.EmailedCode(t, pat.Email)
	for _, path := range []string{"/provider", "/organisation/members", "/provider/bank-details", "/"} {
		if resp, _ := c.Get(t, path); resp.StatusCode == http.StatusOK {
			t.Errorf("%s with only a password: status 200", path)
		}
	}

	// The code works only in the session it was sent for.
	other := s.NewClient(t)
	signInForm(t, other, pat.Email, pat.Password, "/")
	resp, _ = other.Submit(t, "/sign-in/email-code", "/sign-in/email-code", url.Values{"code": {code}, "next": {"/"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("the first session's code in another session: status %d, want 422", resp.StatusCode)
	}
	// The second sign-in sent a new code, which replaced the first.
	resp, _ = c.Submit(t, "/sign-in/email-code", "/sign-in/email-code", url.Values{"code": {code}, "next": {"/"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a code replaced by a newer one: status %d, want 422", resp.StatusCode)
	}
	fresh := s.EmailedCode(t, pat.Email)
	resp, _ = other.Submit(t, "/sign-in/email-code", "/sign-in/email-code", url.Values{"code": {fresh}, "next": {"/provider"}})
	if loc := location(t, resp); loc.Path != "/provider" {
		t.Fatalf("the right code: %s", loc)
	}
	if resp, _ := other.Get(t, "/provider"); resp.StatusCode != http.StatusOK {
		t.Errorf("signed in with the code: /provider %d", resp.StatusCode)
	}

	// Guessing is throttled.
	guesser := s.NewClient(t)
	signInForm(t, guesser, pat.Email, pat.Password, "/")
	throttled := false
	for i := 0; i < 12 && !throttled; i++ {
		resp, _ := guesser.Submit(t, "/sign-in/email-code", "/sign-in/email-code", url.Values{"code": {"000000"}, "next": {"/"}})
		throttled = resp.StatusCode == http.StatusTooManyRequests
	}
	if !throttled {
		t.Error("12 wrong codes in a row were never throttled")
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'user.signin_code.failed' AND object_id = $1`, pat.ID); n < 3 {
		t.Errorf("%d failed codes audited", n)
	}
}

// TestCouncilCanRequireTheApp: with PORTAL_PROVIDER_APP_REQUIRED, a provider without an
// authenticator app is sent to set one up, and is not emailed a code.
func TestCouncilCanRequireTheApp(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, webtest.Options{Env: map[string]string{"PORTAL_PROVIDER_APP_REQUIRED": "true"}})
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	c := s.NewClient(t)
	resp, _ := signInForm(t, c, pat.Email, pat.Password, "/")
	if loc := location(t, resp); loc.Path != "/sign-in/authenticator-app" {
		t.Errorf("after the password: %s, want the authenticator app's set-up", loc)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE kind = 'signin_code'`); n != 0 {
		t.Errorf("%d codes emailed when the app is required", n)
	}
	if resp, _ := c.Get(t, "/provider"); resp.StatusCode == http.StatusOK {
		t.Error("/provider before setting up the app: status 200")
	}
}

// TestProviderChoosesTheApp: a provider emailed sign-in codes sets up an authenticator
// app from their account page; from their next sign-in they give its code instead.
func TestProviderChoosesTheApp(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	c := s.SignIn(t, pat, 0)
	_, doc := c.Get(t, "/account")
	if doc.Find("[data-use-app]").Length() != 1 {
		t.Fatal("the account page does not offer an authenticator app")
	}
	_, doc = c.Get(t, "/account/authenticator-app")
	secret := strings.ReplaceAll(doc.Find("[data-totp-secret]").Text(), " ", "")
	if secret == "" || doc.Find(`form[action="/account/authenticator-app"]`).Length() != 1 {
		t.Fatal("no secret or form to set up the app")
	}
	if resp, _ := c.Submit(t, "/account/authenticator-app", "/account/authenticator-app", url.Values{"code": {"000000"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a wrong code: %d, want 422", resp.StatusCode)
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := c.Submit(t, "/account/authenticator-app", "/account/authenticator-app", url.Values{"code": {code}}); location(t, resp).Path != "/account" {
		t.Fatalf("setting up the app: %d", resp.StatusCode)
	}
	next := s.NewClient(t)
	resp, _ := signInForm(t, next, pat.Email, pat.Password, "/")
	if loc := location(t, resp); loc.Path != "/sign-in/code" {
		t.Errorf("the next sign-in: %s, want the app's code", loc)
	}
}
