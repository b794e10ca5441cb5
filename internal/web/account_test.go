package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// TestAccountSessionsAndPassword: a signed-in person sees where they are signed in, signs
// another session out, and changes their password (their current one first), which signs
// them out everywhere else and ends an outstanding reset link.
func TestAccountSessionsAndPassword(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	here, laptop, phone := s.SignIn(t, pat, 0), s.SignIn(t, pat, 0), s.SignIn(t, pat, 0)
	resp, doc := here.Get(t, "/account")
	if resp.StatusCode != http.StatusOK || doc.Find("[data-sessions] [data-session]").Length() != 3 {
		t.Fatalf("account page: %d, %d sessions", resp.StatusCode, doc.Find("[data-sessions] [data-session]").Length())
	}
	// The laptop's session is the one that is neither this one nor the phone's: end it from here.
	_, laptopDoc := laptop.Get(t, "/account")
	laptopRef := laptopDoc.Find("[data-session]:has(.govuk-tag)").AttrOr("data-session", "")
	if laptopRef == "" {
		t.Fatal("the account page does not mark the session it is shown in")
	}
	if resp, _ := here.Submit(t, "/account", "/account/sessions/end", url.Values{"session": {laptopRef}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ending the laptop's session: %d", resp.StatusCode)
	}
	if resp, _ := laptop.Get(t, "/provider"); resp.StatusCode == http.StatusOK {
		t.Error("the ended session still works")
	}
	// Someone else's session cannot be ended from here: the reference is not theirs.
	olive := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	oc := s.SignIn(t, olive, 0)
	_, od := oc.Get(t, "/account")
	oliveRef := od.Find("[data-session]").AttrOr("data-session", "")
	if resp, _ := here.Submit(t, "/account", "/account/sessions/end", url.Values{"session": {oliveRef}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("ending another person's session: %d, want 404", resp.StatusCode)
	}
	if resp, _ := oc.Get(t, "/"); resp.StatusCode != http.StatusOK {
		t.Error("another person's session was ended")
	}

	// A reset link is outstanding when the password is changed.
	if err := s.Auth.RequestPasswordReset(t.Context(), pat.Email, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	link := mailedLink(t, s, pat.Email)
	resp, doc = here.Submit(t, "/account/password", "/account/password", url.Values{"current_password": {"not my password"},
		"password": {"a brand new long passphrase"}, "password_confirm": {"a brand new long passphrase"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#current_password"] == "" {
		t.Fatalf("a wrong current password: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	resp, _ = here.Submit(t, "/account/password", "/account/password", url.Values{"current_password": {pat.Password},
		"password": {"a brand new long passphrase"}, "password_confirm": {"a brand new long passphrase"}})
	if loc := location(t, resp); loc.Path != "/account" {
		t.Fatalf("changing the password: %d to %s", resp.StatusCode, loc)
	}
	if resp, _ := here.Get(t, "/provider"); resp.StatusCode != http.StatusOK {
		t.Error("the session that changed the password was signed out")
	}
	if resp, _ := phone.Get(t, "/provider"); resp.StatusCode == http.StatusOK {
		t.Error("another session survived the password change")
	}
	if resp, _ := s.NewClient(t).Get(t, link); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the reset link after the password changed: %d, want 404", resp.StatusCode)
	}
	if _, err := s.Auth.SignIn(t.Context(), pat.Email, "a brand new long passphrase", "192.0.2.1"); err != nil {
		t.Errorf("the new password: %v", err)
	}
}

// TestAdminEndsSessionsAndResetsAnAuthenticator: an administrator signs someone out
// everywhere without disabling them, and resets a lost authenticator app only with a
// reason, which is audited; never their own.
func TestAdminEndsSessionsAndResetsAnAuthenticator(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	ada := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin}, "")
	olive := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	admin, oc := s.SignIn(t, ada, 0), s.SignIn(t, olive, 0)
	page := "/admin/users/" + olive.ID
	if resp, _ := admin.Submit(t, page, page+"/sessions/end", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ending sessions: %d", resp.StatusCode)
	}
	if resp, _ := oc.Get(t, "/"); resp.StatusCode == http.StatusOK {
		t.Error("olive's session survived")
	}
	if n := count(t, s, `SELECT count(*) FROM users WHERE id = $1 AND disabled_at IS NULL`, olive.ID); n != 1 {
		t.Error("ending the sessions disabled the account")
	}
	resp, doc := admin.Submit(t, page, page+"/authenticator/reset", url.Values{"reason": {"lost"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#reason"] == "" {
		t.Errorf("a reset without a real reason: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if resp, _ := admin.Submit(t, page, page+"/authenticator/reset", url.Values{"reason": {"Lost phone; identity checked by a call to her manager"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	if n := count(t, s, `SELECT count(*) FROM users WHERE id = $1 AND totp_secret IS NULL`, olive.ID); n != 1 {
		t.Error("the authenticator was not reset")
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'user.totp.reset' AND object_id = $1 AND actor_id = $2
		AND summary->>'reason' LIKE 'Lost phone%'`, olive.ID, ada.ID); n != 1 {
		t.Error("the reset and its reason are not audited")
	}
	c := s.NewClient(t)
	resp, _ = signInForm(t, c, olive.Email, olive.Password, "/")
	if loc := location(t, resp); loc.Path != "/sign-in/authenticator-app" {
		t.Errorf("olive's next sign-in: %s, want to set up a new app", loc)
	}
	own := "/admin/users/" + ada.ID
	if resp, _ := admin.Post(t, own+"/authenticator/reset", url.Values{"_csrf": {admin.CSRF(t, page)}, "reason": {"I lost my own phone, honestly"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("resetting their own authenticator: %d, want 403", resp.StatusCode)
	}
}
