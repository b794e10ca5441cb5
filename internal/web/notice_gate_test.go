package web_test

import (
	"net/http"
	"net/url"
	"strings"
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
	// Never having read it, they are not told it was updated.
	_, doc := c.Get(t, location(t, resp).RequestURI())
	if got := doc.Find("[data-notice-reason]").Text(); strings.Contains(got, "updated") {
		t.Errorf("a first reading says %q", got)
	}
}

// TestNoticeGateReturnsToTheJoin: a provider who presses Join on an invitation to a second
// organisation, when a newer notice is due, reads it and comes back to the invitation (not
// the home page, with the invitation silently still pending), then joins. Told it was
// updated, because it was.
func TestNoticeGateReturnsToTheJoin(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	acorn, birch := s.NewOrganisation(t, "Acorn Fostering Ltd"), s.NewOrganisation(t, "Birch House Ltd")
	ash := s.CreateUser(t, "ash@acorn.example", []auth.Role{auth.RoleProvider}, acorn)
	kim := s.CreateUser(t, "kim@birch.example", []auth.Role{auth.RoleProvider}, birch)
	kc := s.SignIn(t, kim, 0)
	if resp, _ := kc.Submit(t, "/organisation/members", "/organisation/members", url.Values{"email": {ash.Email}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: %d", resp.StatusCode)
	}
	link := invitationLinkTo(t, s, ash.Email)
	ac := s.SignIn(t, ash, 0)
	publishNotice(t, s, "Privacy notice", "The new notice.")
	// The invitation page itself is behind the gate too; read as it is before the gate.
	csrf := ac.CSRF(t, "/privacy-notice")
	req, _ := http.NewRequest(http.MethodPost, ac.Base+link+"/accept", strings.NewReader(url.Values{"_csrf": {csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", ac.Base+link)
	resp, err := ac.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	gate := location(t, resp)
	if gate.Path != "/privacy-notice/acknowledge" || gate.Query().Get("next") != link {
		t.Fatalf("Join with a notice due: sent to %s, want the notice then back to %s", gate, link)
	}
	_, doc := ac.Get(t, gate.RequestURI())
	if got := doc.Find("[data-notice-reason]").Text(); !strings.Contains(got, "updated") {
		t.Errorf("the notice page does not say it was updated: %q", got)
	}
	noticeID := doc.Find(`input[name="notice_id"]`).AttrOr("value", "")
	resp, _ = ac.Submit(t, gate.RequestURI(), "/privacy-notice/acknowledge", url.Values{"notice_id": {noticeID}, "next": {link}})
	if loc := location(t, resp); loc.Path != link {
		t.Fatalf("after reading: sent to %s, want back to the invitation", loc)
	}
	ac.Post(t, link+"/accept", url.Values{"_csrf": {ac.CSRF(t, link)}})
	if !isMember(t, s, ash.ID, birch) {
		t.Error("ash did not join after reading the notice")
	}
}
