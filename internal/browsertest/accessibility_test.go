package browsertest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/webtest"
)

// TestPagesAreAccessible scans each page with axe-core at WCAG 2.2 AA, as the page is
// seen in the browser: signed out, part way through a staff sign-in, and signed in, with
// and without form errors. Each page gets a fresh tab and, where it needs one, its own
// user, so the cases do not depend on each other.
func TestPagesAreAccessible(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")

	signedInAs := func(t *testing.T, tab context.Context, email string, role auth.Role) {
		t.Helper()
		orgID := ""
		if role == auth.RoleProvider {
			orgID = org
		}
		browsertest.SignIn(t, tab, s.URL, s.CreateUser(t, email, []auth.Role{role}, orgID))
	}
	open := func(t *testing.T, tab context.Context, path string, wantStatus int) {
		t.Helper()
		if got := browsertest.Open(t, tab, s.URL+path); got != wantStatus {
			t.Fatalf("GET %s: status %d, want %d", path, got, wantStatus)
		}
	}
	// submitShowsErrors submits the form on the tab as it is and checks the page came back
	// with an error summary, the state whose accessibility matters most.
	submitShowsErrors := func(t *testing.T, tab context.Context, button string) {
		t.Helper()
		if got := browsertest.Click(t, tab, button); got != http.StatusUnprocessableEntity {
			t.Fatalf("submitting with errors: status %d, want %d", got, http.StatusUnprocessableEntity)
		}
		if browsertest.Count(t, tab, ".govuk-error-summary") != 1 {
			t.Fatal("the page shows no error summary")
		}
	}
	// passwordOnly signs a staff user in as far as the password, and checks where it led.
	passwordOnly := func(t *testing.T, tab context.Context, u *webtest.TestUser, wantPath string) {
		t.Helper()
		browsertest.EnterPassword(t, tab, s.URL, u.Email, u.Password)
		if got := browsertest.Location(t, tab).Path; got != wantPath {
			t.Fatalf("after the password the browser is on %s, want %s", got, wantPath)
		}
	}

	cases := []struct {
		name  string
		visit func(t *testing.T, tab context.Context)
	}{
		{"sign-in", func(t *testing.T, tab context.Context) { open(t, tab, "/sign-in", http.StatusOK) }},
		{"sign-in with errors", func(t *testing.T, tab context.Context) {
			open(t, tab, "/sign-in", http.StatusOK)
			submitShowsErrors(t, tab, `form[action="/sign-in"] button[type="submit"]`)
		}},
		{"authenticator code", func(t *testing.T, tab context.Context) {
			u := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
			passwordOnly(t, tab, u, "/sign-in/code")
		}},
		{"authenticator code with errors", func(t *testing.T, tab context.Context) {
			u := s.CreateUser(t, "owen@council.example", []auth.Role{auth.RoleOfficer}, "")
			passwordOnly(t, tab, u, "/sign-in/code")
			submitShowsErrors(t, tab, `form[action="/sign-in/code"] button[type="submit"]`)
		}},
		{"authenticator enrolment", func(t *testing.T, tab context.Context) {
			u := s.CreateUser(t, "nina@council.example", []auth.Role{auth.RoleFinance}, "")
			if _, err := s.DB.Exec(`UPDATE users SET totp_secret = NULL WHERE id = $1`, u.ID); err != nil {
				t.Fatal(err)
			}
			passwordOnly(t, tab, u, "/sign-in/authenticator-app")
		}},
		{"password reset request", func(t *testing.T, tab context.Context) { open(t, tab, "/password-reset", http.StatusOK) }},
		{"privacy", func(t *testing.T, tab context.Context) { open(t, tab, "/privacy", http.StatusOK) }},
		{"accessibility statement", func(t *testing.T, tab context.Context) { open(t, tab, "/accessibility", http.StatusOK) }},
		{"cookies", func(t *testing.T, tab context.Context) { open(t, tab, "/cookies", http.StatusOK) }},
		{"page not found", func(t *testing.T, tab context.Context) { open(t, tab, "/no-such-page", http.StatusNotFound) }},
		{"provider home", func(t *testing.T, tab context.Context) {
			signedInAs(t, tab, "pat@acorn.example", auth.RoleProvider)
		}},
		{"admin home", func(t *testing.T, tab context.Context) {
			signedInAs(t, tab, "ada@council.example", auth.RoleAdmin)
		}},
		{"admin users list", func(t *testing.T, tab context.Context) {
			signedInAs(t, tab, "alan@council.example", auth.RoleAdmin)
			open(t, tab, "/admin/users", http.StatusOK)
		}},
		{"add user with errors", func(t *testing.T, tab context.Context) {
			signedInAs(t, tab, "abby@council.example", auth.RoleAdmin)
			open(t, tab, "/admin/users/new", http.StatusOK)
			submitShowsErrors(t, tab, `form[action="/admin/users"] button[type="submit"]`)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tab := browsertest.NewTab(t, browser)
			tc.visit(t, tab)
			browsertest.AssertAccessible(t, tab)
		})
	}
}
