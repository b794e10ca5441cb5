package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// TestCSRF checks that a state-changing request needs the session's own token: without it,
// or with a wrong one, or with another session's, the request is refused with 403 and
// changes nothing; with it, the change happens.
func TestCSRF(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin}, "")
	victim := s.CreateUser(t, "vic@acorn.example", []auth.Role{auth.RoleProvider}, "")
	c := s.SignIn(t, admin, 0)
	mine := c.CSRF(t, "/admin/users/"+victim.ID)
	other := s.NewClient(t)
	theirs := other.CSRF(t, "/sign-in") // a live token, but of another (anonymous) session
	if theirs == mine {
		t.Fatal("two sessions share a CSRF token")
	}
	disable := "/admin/users/" + victim.ID + "/disable"
	disabled := func() bool {
		return count(t, s, `SELECT count(*) FROM users WHERE id = $1 AND disabled_at IS NOT NULL`, victim.ID) == 1
	}

	refused := []struct {
		name string
		form url.Values
	}{
		{"no token", url.Values{}},
		{"empty token", url.Values{"_csrf": {""}}},
		{"wrong token", url.Values{"_csrf": {altered(mine)}}},
		{"another session's token", url.Values{"_csrf": {theirs}}},
	}
	for _, tt := range refused {
		for _, path := range []string{disable, "/sign-out"} {
			resp, doc := c.Post(t, path, tt.form)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s to %s: status %d, want 403", tt.name, path, resp.StatusCode)
			}
			if doc.Find("[data-reference]").Length() != 1 {
				t.Errorf("%s to %s: no error page", tt.name, path)
			}
		}
		if disabled() {
			t.Fatalf("%s: the user was disabled", tt.name)
		}
		if !signedIn(t, c) {
			t.Fatalf("%s: sign-out ended the session", tt.name)
		}
	}

	// A visitor with no session at all cannot post either.
	bare := s.NewClient(t)
	if resp, _ := bare.Post(t, "/sign-in", url.Values{"_csrf": {mine}, "email": {admin.Email}, "password": {admin.Password}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in without a session: status %d, want 403", resp.StatusCode)
	}

	// The token in a header works as well as in the form.
	req, err := http.NewRequest(http.MethodPost, s.URL+disable, strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", mine)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !disabled() {
		t.Fatalf("disable with the token in X-CSRF-Token: status %d, disabled %v", resp.StatusCode, disabled())
	}

	// With the right token in the form, sign-out works.
	if resp, _ := c.Post(t, "/sign-out", url.Values{"_csrf": {mine}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out with the token: status %d", resp.StatusCode)
	}
	if signedIn(t, c) {
		t.Error("still signed in after signing out with the right token")
	}
}

// altered is token with its first character changed.
func altered(token string) string {
	if token[0] == 'A' {
		return "B" + token[1:]
	}
	return "A" + token[1:]
}
