package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/webtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestProviderSignsInAndOut(t *testing.T) {
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	c := s.SignIn(t, u, 0)
	resp, doc := c.Get(t, "/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("home: %d", resp.StatusCode)
	}
	if got := doc.Find("[data-organisations] li").Text(); got != "Acorn Fostering Ltd" {
		t.Errorf("organisation shown: %q", got)
	}
	resp, _ = c.Submit(t, "/", "/sign-out", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	resp, _ = c.Get(t, "/")
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out home gave %d, want a redirect to sign in", resp.StatusCode)
	}
}

func TestStaffSignInNeedsTOTP(t *testing.T) {
	s := webtest.Start(t)
	u := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	c := s.SignIn(t, u, 0)
	resp, doc := c.Get(t, "/")
	if resp.StatusCode != http.StatusOK || doc.Find("h1").Text() != u.Name {
		t.Fatalf("home: %d %q", resp.StatusCode, doc.Find("h1").Text())
	}
}
