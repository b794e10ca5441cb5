package web_test

import (
	"net/http"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// A provider user made by an administrator or a command has never read any notice: their
// first page after signing in is the notice, not their record.
func TestNoticeGateHoldsProvidersWhoNeverAcknowledged(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Birch House Ltd")
	u := s.CreateUser(t, "kim@birch.example", []auth.Role{auth.RoleProvider}, org)
	if _, err := s.DB.Exec(`DELETE FROM notice_acknowledgements WHERE user_id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	c := s.SignIn(t, u, 0)
	resp, _ := c.Get(t, "/provider")
	if loc := location(t, resp); resp.StatusCode != http.StatusSeeOther || loc.Path != "/privacy-notice/acknowledge" {
		t.Fatalf("never acknowledged: %d to %s, want the notice first", resp.StatusCode, loc)
	}
}
