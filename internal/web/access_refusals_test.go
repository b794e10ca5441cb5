package web_test

import (
	"net/http"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// TestRepeatedRefusalsReachTheAuditTrail: an officer trying finance pages again and again
// is refused each time, and the pattern is audited, naming them, once per five refusals.
func TestRepeatedRefusalsReachTheAuditTrail(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	olive := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	c := s.SignIn(t, olive, 0)
	for i, path := range []string{"/finance", "/finance/exports", "/admin/users", "/dpo/audit-log", "/finance/settings", "/admin/api-tokens", "/finance"} {
		if resp, _ := c.Get(t, path); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("refusal %d (%s): status %d", i+1, path, resp.StatusCode)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'access.refused.repeated' AND actor_id = $1`, olive.ID); n != 1 {
		t.Errorf("%d audit events for 7 refusals, want 1 (at the fifth)", n)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'access.refused.repeated' AND actor_email = $1 AND object_id = 'GET /finance/settings'`, olive.Email); n != 1 {
		t.Error("the audit event does not name the officer and the fifth refused page")
	}
}
