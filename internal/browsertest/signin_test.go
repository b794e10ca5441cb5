package browsertest_test

import (
	"context"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/webtest"
)

// TestEachRoleSignsInAndOut walks the sign-in journey in a real browser for every role:
// password (and authenticator code for staff), the home page with the user's name under
// the council's header, then the Sign out button back to the sign-in page.
func TestEachRoleSignsInAndOut(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	cases := []struct {
		role  auth.Role
		email string
		org   string
	}{
		{auth.RoleProvider, "pat@acorn.example", org},
		{auth.RoleOfficer, "olive@council.example", ""},
		{auth.RoleFinance, "fran@council.example", ""},
		{auth.RoleDPO, "dora@council.example", ""},
		{auth.RoleAdmin, "ada@council.example", ""},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			t.Parallel()
			tab := browsertest.NewTab(t, browser)
			u := s.CreateUser(t, tc.email, []auth.Role{tc.role}, tc.org)
			browsertest.SignIn(t, tab, s.URL, u)

			if p := browsertest.Location(t, tab).Path; p != "/" {
				t.Errorf("signed in on %s, want home /", p)
			}
			if got := browsertest.Text(t, tab, "h1"); got != u.Name {
				t.Errorf("home h1 = %q, want the user's name %q", got, u.Name)
			}
			if got := browsertest.Text(t, tab, ".govuk-generic-header"); got != s.Config.Council.Name {
				t.Errorf("header = %q, want the council name %q", got, s.Config.Council.Name)
			}
			if got := browsertest.Text(t, tab, `.app-account form[action="/sign-out"] button`); got != "Sign out" {
				t.Errorf("sign-out button reads %q", got)
			}
			assertScriptsRan(t, tab, true)

			browsertest.Click(t, tab, `form[action="/sign-out"] button[type="submit"]`)
			if p := browsertest.Location(t, tab).Path; p != "/sign-in" {
				t.Fatalf("after signing out the browser is on %s, want /sign-in", p)
			}
			if got := browsertest.Text(t, tab, "h1"); got != "Sign in" {
				t.Errorf("after signing out h1 = %q, want Sign in", got)
			}
			browsertest.Open(t, tab, s.URL+"/")
			if p := browsertest.Location(t, tab).Path; p != "/sign-in" {
				t.Errorf("home after signing out went to %s, want the sign-in page", p)
			}
		})
	}
}

// TestSignInWorksWithoutJavaScript checks the progressive-enhancement promise: with
// scripts off, a provider can still sign in and out with plain HTML forms.
func TestSignInWorksWithoutJavaScript(t *testing.T) {
	tab := browsertest.New(t)
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)

	browsertest.DisableJavaScript(t, tab)
	browsertest.SignIn(t, tab, s.URL, u)
	assertScriptsRan(t, tab, false)
	if got := browsertest.Text(t, tab, "h1"); got != u.Name {
		t.Errorf("home h1 = %q, want %q", got, u.Name)
	}
	browsertest.AssertAccessible(t, tab)
	browsertest.Click(t, tab, `form[action="/sign-out"] button[type="submit"]`)
	if p := browsertest.Location(t, tab).Path; p != "/sign-in" {
		t.Errorf("after signing out the browser is on %s, want /sign-in", p)
	}
	assertScriptsRan(t, tab, false) // the scan turned scripts on only while it ran
}

// assertScriptsRan checks whether the portal's module script ran, by the class it puts on
// <body> (read through the DOM, not a script).
func assertScriptsRan(t *testing.T, tab context.Context, want bool) {
	t.Helper()
	got := browsertest.Count(t, tab, "body.govuk-frontend-supported") == 1
	if got != want {
		t.Errorf("the portal's JavaScript ran: %v, want %v", got, want)
	}
}
