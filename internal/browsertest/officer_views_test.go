package browsertest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/demo"
	"github.com/council/provider-portal/internal/webtest"
)

// TestDashboardDirectoryOverviewAccessible scans the officers' dashboard, the provider
// directory (with results, with no results and with a filter refused) and a provider's page
// with axe-core at WCAG 2.2 AA, on the demonstration data, so every list has rows. The
// dashboard's chart is a server-drawn SVG; it is scanned like the rest of the page.
func TestDashboardDirectoryOverviewAccessible(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	ctx := context.Background()
	if err := demo.Load(ctx, s.Auth); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadCommissioning(ctx, s.Auth, s.Providers); err != nil {
		t.Fatal(err)
	}
	var harbour string
	if err := s.DB.Get(&harbour, `SELECT id FROM organisations WHERE legal_name = 'Harbour View Supported Living CIC'`); err != nil {
		t.Fatal(err)
	}
	tab := browsertest.NewTab(t, browser)
	browsertest.SignIn(t, tab, s.URL, s.CreateUser(t, "axe.officer@council.example", []auth.Role{auth.RoleOfficer}, ""))
	for _, p := range []struct {
		path   string
		status int
	}{
		{"/", http.StatusOK},
		{"/dashboard", http.StatusOK},
		{"/dashboard?within=90", http.StatusOK},
		{"/providers", http.StatusOK},
		{"/providers?q=harbour&sort=rag", http.StatusOK},
		{"/providers?q=no+such+provider", http.StatusOK},
		{"/providers?status=unknown", http.StatusBadRequest},
		{"/providers/" + harbour, http.StatusOK},
	} {
		t.Run(p.path, func(t *testing.T) {
			if got := browsertest.Open(t, tab, s.URL+p.path); got != p.status {
				t.Fatalf("GET %s: status %d, want %d", p.path, got, p.status)
			}
			browsertest.AssertAccessible(t, tab)
		})
	}
}
