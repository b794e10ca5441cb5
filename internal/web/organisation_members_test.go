package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/webtest"
)

var invitationLinkPattern = regexp.MustCompile(`https?://\S+/invitations/[A-Za-z0-9_-]+`)

// invite sends an invitation from the members page as c and returns the response.
func invite(t *testing.T, c *webtest.Client, email string) (*http.Response, *goquery.Document) {
	t.Helper()
	return c.Submit(t, "/organisation/members", "/organisation/members", url.Values{"email": {email}})
}

// sessionOrganisation is the organisation c's session acts for ("" for none).
func sessionOrganisation(t *testing.T, s *webtest.Server, c *webtest.Client) string {
	t.Helper()
	var org *string
	if err := s.DB.Get(&org, `SELECT organisation_id::text FROM sessions WHERE token_hash = $1`, auth.HashToken(cookieValue(t, c))); err != nil {
		t.Fatal(err)
	}
	if org == nil {
		return ""
	}
	return *org
}

func isMember(t *testing.T, s *webtest.Server, userID, orgID string) bool {
	t.Helper()
	return count(t, s, `SELECT count(*) FROM memberships WHERE user_id = $1 AND organisation_id = $2`, userID, orgID) == 1
}

// TestInvitations: a member invites an existing provider user, who joins, and someone
// without an account, who reads the notice, makes one and joins; each link works once.
func TestInvitations(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	acorn := s.NewOrganisation(t, "Acorn Fostering Ltd")
	oak := s.NewOrganisation(t, "Oak Homes")
	ash := s.CreateUser(t, "ash@acorn.example", []auth.Role{auth.RoleProvider}, acorn)
	birch := s.CreateUser(t, "birch@oak.example", []auth.Role{auth.RoleProvider}, oak)
	c := s.SignIn(t, ash, 0)

	resp, doc := c.Get(t, "/organisation/members")
	if resp.StatusCode != http.StatusOK || doc.Find("[data-member]").Length() != 1 || doc.Find("[data-members] form").Length() != 0 {
		t.Fatalf("members page: %d, %d members, %d remove buttons (the only member cannot be removed)",
			resp.StatusCode, doc.Find("[data-member]").Length(), doc.Find("[data-members] form").Length())
	}
	refused := []struct{ email, msg string }{
		{"not an address", "Enter an email address in the correct format, like name@example.com"},
		{"", "Enter an email address"},
		{"ASH@acorn.example", "ASH@acorn.example is already a member of Acorn Fostering Ltd"},
	}
	for _, r := range refused {
		resp, doc := invite(t, c, r.email)
		if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#email"] != r.msg {
			t.Errorf("invite %q: %d %v, want 422 %q", r.email, resp.StatusCode, summaryLinks(doc), r.msg)
		}
		if got, _ := inputValue(doc, "email"); got != r.email {
			t.Errorf("invite %q: input not kept (%q)", r.email, got)
		}
	}
	for _, email := range []string{birch.Email, "cedar@acorn.example"} {
		if resp, _ := invite(t, c, email); location(t, resp).Path != "/organisation/members" {
			t.Fatalf("invite %s: status %d", email, resp.StatusCode)
		}
	}
	_, doc = c.Get(t, "/organisation/members")
	if got := doc.Find("[data-invitations] tbody tr").Length(); got != 2 {
		t.Errorf("%d pending invitations listed, want 2", got)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'membership.invited' AND actor_id = $1`, ash.ID); n != 2 {
		t.Errorf("%d invitations audited, want 2", n)
	}
	birchLink := linkFromMail(t, s, birch.Email, "membership_invitation", invitationLinkPattern)
	cedarLink := linkFromMail(t, s, "cedar@acorn.example", "membership_invitation", invitationLinkPattern)

	// Birch has an account: signed out, the link asks them to sign in; signed in, they join.
	resp, doc = s.NewClient(t).Get(t, birchLink)
	if resp.StatusCode != http.StatusOK || doc.Find(`a[href="/sign-in?next=`+url.QueryEscape(birchLink)+`"]`).Length() != 1 {
		t.Errorf("existing account, signed out: %d, no sign-in link", resp.StatusCode)
	}
	// Ash, signed in, is not who it was sent to.
	if resp, _ = c.Get(t, birchLink); resp.StatusCode != http.StatusForbidden {
		t.Errorf("someone else's invitation: %d, want 403", resp.StatusCode)
	}
	if resp, _ = c.Post(t, birchLink+"/accept", url.Values{"_csrf": {c.CSRF(t, "/organisation/members")}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("accepting someone else's invitation: %d, want 403", resp.StatusCode)
	}
	if isMember(t, s, ash.ID, oak) || count(t, s, `SELECT count(*) FROM membership_invitations WHERE accepted_at IS NOT NULL`) != 0 {
		t.Error("someone else's acceptance changed something")
	}
	bc := s.SignIn(t, birch, 0)
	resp, doc = bc.Get(t, birchLink)
	if resp.StatusCode != http.StatusOK || heading(doc) != "Join Acorn Fostering Ltd" {
		t.Fatalf("invited user, signed in: %d %q", resp.StatusCode, heading(doc))
	}
	resp, _ = bc.Submit(t, birchLink, birchLink+"/accept", url.Values{})
	if loc := location(t, resp); loc.Path != "/" {
		t.Errorf("after joining: sent to %s", loc)
	}
	if !isMember(t, s, birch.ID, acorn) || !isMember(t, s, birch.ID, oak) {
		t.Error("birch is not in both organisations")
	}
	if got := sessionOrganisation(t, s, bc); got != acorn {
		t.Errorf("after joining birch acts for %s, want Acorn", got)
	}
	_, doc = bc.Get(t, "/")
	if doc.Find(`a[href="/organisation/switch"]`).Length() == 0 {
		t.Error("a member of two organisations is not offered to switch")
	}
	if resp, doc = bc.Get(t, birchLink); resp.StatusCode != http.StatusNotFound || heading(doc) != "This invitation does not work" {
		t.Errorf("used link: %d %q", resp.StatusCode, heading(doc))
	}

	// Cedar has no account: the notice first, in full, then a short form.
	cc := s.NewClient(t)
	resp, doc = cc.Get(t, cedarLink)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("new person: %d", resp.StatusCode)
	}
	noticeID := shownNotice(t, s, doc, 1)
	if doc.Find("input#password").Length() != 0 {
		t.Error("the account form is shown before the notice was read")
	}
	account := url.Values{"name": {"Cedar Lane"}, "password": {webtest.Password}, "password_confirm": {webtest.Password}}
	if resp, _ = cc.Submit(t, cedarLink, cedarLink+"/account", account); location(t, resp).Path != cedarLink {
		t.Error("an account was accepted before the notice was read")
	}
	if resp, _ = cc.Submit(t, cedarLink, cedarLink+"/notice", url.Values{"notice_id": {noticeID}}); location(t, resp).Path != cedarLink {
		t.Fatalf("after reading the notice: %d", resp.StatusCode)
	}
	resp, doc = cc.Get(t, cedarLink)
	if resp.StatusCode != http.StatusOK || doc.Find("input#password").Length() != 1 || doc.Find("[data-email]").Text() != "cedar@acorn.example" {
		t.Fatalf("account form: %d", resp.StatusCode)
	}
	short := url.Values{"name": {"Cedar Lane"}, "password": {"too short"}, "password_confirm": {"too short"}}
	resp, doc = cc.Submit(t, cedarLink, cedarLink+"/account", short)
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#password"] != auth.MsgPasswordTooShort(15) {
		t.Errorf("short password: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if got, _ := inputValue(doc, "name"); got != "Cedar Lane" {
		t.Errorf("name not kept: %q", got)
	}
	resp, _ = cc.Submit(t, cedarLink, cedarLink+"/account", account)
	if loc := location(t, resp); loc.Path != "/sign-in" {
		t.Fatalf("after making the account: sent to %s", loc)
	}
	cedar, err := auth.UserByEmail(t.Context(), s.DB, "cedar@acorn.example")
	if err != nil {
		t.Fatal(err)
	}
	if cedar.EmailConfirmedAt == nil || !cedar.Has(auth.RoleProvider) || !isMember(t, s, cedar.ID, acorn) {
		t.Errorf("cedar: confirmed %v, roles %v, member %v", cedar.EmailConfirmedAt, cedar.RoleNames, isMember(t, s, cedar.ID, acorn))
	}
	if latest, err := privacy.LatestAcknowledgement(t.Context(), s.DB, cedar.ID, privacy.AudienceProvider); err != nil || latest == nil || latest.NoticeID != noticeID {
		t.Errorf("cedar's acknowledgement: %+v, %v", latest, err)
	}
	if resp, _ = s.NewClient(t).Get(t, cedarLink); resp.StatusCode != http.StatusNotFound {
		t.Errorf("used link: %d", resp.StatusCode)
	}
	if !signedIn(t, s.SignIn(t, &webtest.TestUser{User: cedar, Password: webtest.Password}, 0)) {
		t.Error("cedar cannot sign in")
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'membership.joined' AND object_id = $1`, acorn); n != 2 {
		t.Errorf("%d joins audited, want 2", n)
	}
}

// TestInvitationExpires: a link past its 7 days, or unknown, does nothing.
func TestInvitationExpires(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	acorn := s.NewOrganisation(t, "Acorn Fostering Ltd")
	ash := s.CreateUser(t, "ash@acorn.example", []auth.Role{auth.RoleProvider}, acorn)
	birch := s.CreateUser(t, "birch@oak.example", []auth.Role{auth.RoleProvider}, "")
	if resp, _ := invite(t, s.SignIn(t, ash, 0), birch.Email); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: %d", resp.StatusCode)
	}
	link := linkFromMail(t, s, birch.Email, "membership_invitation", invitationLinkPattern)
	if n := count(t, s, `SELECT count(*) FROM membership_invitations WHERE expires_at - created_at = interval '7 days'`); n != 1 {
		t.Errorf("%d invitations lasting 7 days, want 1", n)
	}
	if _, err := s.DB.Exec(`UPDATE membership_invitations SET expires_at = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	bc := s.SignIn(t, birch, 0)
	for _, path := range []string{link, "/invitations/" + auth.NewToken(), "/invitations/%00"} {
		if resp, _ := bc.Get(t, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := bc.Submit(t, "/", link+"/accept", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("accepting an expired invitation: %d, want 404", resp.StatusCode)
	}
	if isMember(t, s, birch.ID, acorn) {
		t.Error("an expired invitation let birch join")
	}
}

// TestRemoveMember: a member removes another, after confirming; what the removed member
// sent (a pending invitation) stops working; the last member cannot go.
func TestRemoveMember(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	acorn := s.NewOrganisation(t, "Acorn Fostering Ltd")
	ash := s.CreateUser(t, "ash@acorn.example", []auth.Role{auth.RoleProvider}, acorn)
	birch := s.CreateUser(t, "birch@acorn.example", []auth.Role{auth.RoleProvider}, acorn)
	ac, bc := s.SignIn(t, ash, 0), s.SignIn(t, birch, 0)
	bc.Get(t, "/") // the first page settles which organisation the session acts for
	if got := sessionOrganisation(t, s, bc); got != acorn {
		t.Fatalf("birch acts for %q", got)
	}
	// Birch invites a friend before being removed.
	if resp, _ := bc.Submit(t, "/organisation/members", "/organisation/members", url.Values{"email": {"friend@elsewhere.example"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("birch's invitation: %d", resp.StatusCode)
	}
	friendLink := invitationLinkTo(t, s, "friend@elsewhere.example")
	_, doc := ac.Get(t, "/organisation/members")
	if doc.Find(`a[href="/organisation/members/`+birch.ID+`/remove"]`).Length() != 1 {
		t.Fatal("no link to remove birch")
	}
	resp, doc := ac.Get(t, "/organisation/members/"+birch.ID+"/remove")
	if resp.StatusCode != http.StatusOK || doc.Find(`form[action="/organisation/members/`+birch.ID+`/remove"]`).Length() != 1 ||
		!strings.Contains(doc.Find("h1").Text(), "Are you sure") {
		t.Fatalf("confirmation page: %d %q", resp.StatusCode, doc.Find("h1").Text())
	}
	if !isMember(t, s, birch.ID, acorn) {
		t.Fatal("opening the confirmation removed birch")
	}
	resp, _ = ac.Submit(t, "/organisation/members/"+birch.ID+"/remove", "/organisation/members/"+birch.ID+"/remove", url.Values{})
	if loc := location(t, resp); loc.Path != "/organisation/members" {
		t.Errorf("after removing: sent to %s", loc)
	}
	if isMember(t, s, birch.ID, acorn) {
		t.Fatal("birch is still a member")
	}
	if got := sessionOrganisation(t, s, bc); got != "" {
		t.Errorf("birch's session still acts for %s", got)
	}
	if resp, _ := bc.Get(t, "/organisation/members"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("removed member's members page: %d, want 403", resp.StatusCode)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'membership.removed' AND actor_id = $1 AND summary->>'user_id' = $2`, ash.ID, birch.ID); n != 1 {
		t.Errorf("%d removals audited, want 1", n)
	}
	// The invitation birch sent no longer admits anyone.
	friend := s.CreateUser(t, "friend@elsewhere.example", []auth.Role{auth.RoleProvider}, "")
	fc := s.SignIn(t, friend, 0)
	if resp, _ := fc.Get(t, friendLink); resp.StatusCode == http.StatusOK && doc.Find(`form[action$="/accept"]`).Length() > 0 {
		t.Error("the removed member's invitation still offers to join")
	}
	fc.Post(t, friendLink+"/accept", url.Values{"_csrf": {fc.CSRF(t, "/")}})
	if isMember(t, s, friend.ID, acorn) {
		t.Error("an invitation sent by a removed member still admitted someone")
	}
	// Ash is now the only member.
	resp, doc = ac.Submit(t, "/organisation/members", "/organisation/members/"+ash.ID+"/remove", url.Values{})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(summaryLinks(doc)["#members"], "only member") {
		t.Errorf("removing the last member: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if !isMember(t, s, ash.ID, acorn) {
		t.Error("the last member was removed")
	}
	for _, id := range []string{birch.ID, noSuchID, "not-an-id"} {
		if resp, _ := ac.Submit(t, "/organisation/members", "/organisation/members/"+id+"/remove", url.Values{}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("removing %s, not a member: %d, want 404", id, resp.StatusCode)
		}
	}
}

// TestSwitchOrganisation: a person in two organisations switches between them; any other
// id is not found and changes nothing.
func TestSwitchOrganisation(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	acorn := s.NewOrganisation(t, "Acorn Fostering Ltd")
	oak := s.NewOrganisation(t, "Oak Homes")
	elm := s.NewOrganisation(t, "Elm Care")
	u := s.CreateUser(t, "ash@acorn.example", []auth.Role{auth.RoleProvider}, acorn)
	if _, err := s.DB.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, u.ID, oak); err != nil {
		t.Fatal(err)
	}
	c := s.SignIn(t, u, 0)
	resp, doc := c.Get(t, "/organisation/switch")
	if resp.StatusCode != http.StatusOK || doc.Find(`input[name="organisation_id"]`).Length() != 2 {
		t.Fatalf("switch page: %d, %d choices", resp.StatusCode, doc.Find(`input[name="organisation_id"]`).Length())
	}
	start := sessionOrganisation(t, s, c)
	other := oak
	if start == oak {
		other = acorn
	}
	for _, id := range []string{elm, noSuchID, "", "'; DROP TABLE sessions; --"} {
		resp, _ := c.Submit(t, "/organisation/switch", "/organisation/switch", url.Values{"organisation_id": {id}})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("switch to %q: %d, want 404", id, resp.StatusCode)
		}
		if got := sessionOrganisation(t, s, c); got != start {
			t.Errorf("switch to %q changed the session to %s", id, got)
		}
	}
	resp, _ = c.Submit(t, "/organisation/switch", "/organisation/switch", url.Values{"organisation_id": {other}})
	if loc := location(t, resp); loc.Path != "/" {
		t.Errorf("after switching: sent to %s", loc)
	}
	if got := sessionOrganisation(t, s, c); got != other {
		t.Errorf("acting for %s, want %s", got, other)
	}
	_, doc = c.Get(t, "/")
	names := map[string]string{acorn: "Acorn Fostering Ltd", oak: "Oak Homes"}
	if got := doc.Find(".app-account__user").Text(); !strings.Contains(got, "for "+names[other]) {
		t.Errorf("header after switching: %q", got)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'organisation.switched' AND object_id = $1`, other); n != 1 {
		t.Errorf("%d switches audited, want 1", n)
	}
}

// invitationLinkTo is the path of the last invitation emailed to an address.
func invitationLinkTo(t *testing.T, s *webtest.Server, email string) string {
	t.Helper()
	var body string
	if err := s.DB.Get(&body, `SELECT body FROM outbox WHERE to_address = $1 AND kind = 'membership_invitation' ORDER BY created_at DESC LIMIT 1`, email); err != nil {
		t.Fatalf("no invitation to %s: %v", email, err)
	}
	m := regexp.MustCompile(`/invitations/[A-Za-z0-9_-]+`).FindString(body)
	if m == "" {
		t.Fatalf("no link in the invitation to %s", email)
	}
	return m
}

// TestCancelAndResendInvitations: a member cancels an invitation (its link stops working)
// and sends another again (a new link; the old one stops working).
func TestCancelAndResendInvitations(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	acorn := s.NewOrganisation(t, "Acorn Fostering Ltd")
	ash := s.CreateUser(t, "ash@acorn.example", []auth.Role{auth.RoleProvider}, acorn)
	ac := s.SignIn(t, ash, 0)
	for _, email := range []string{"cy@elsewhere.example", "di@elsewhere.example"} {
		if resp, _ := ac.Submit(t, "/organisation/members", "/organisation/members", url.Values{"email": {email}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite %s: %d", email, resp.StatusCode)
		}
	}
	cyOld, diOld := invitationLinkTo(t, s, "cy@elsewhere.example"), invitationLinkTo(t, s, "di@elsewhere.example")
	_, doc := ac.Get(t, "/organisation/members")
	if doc.Find("[data-cancel-invitation]").Length() != 2 || doc.Find("[data-resend-invitation]").Length() != 2 {
		t.Fatal("no cancel and resend buttons for the waiting invitations")
	}
	if resp, _ := ac.Submit(t, "/organisation/members", "/organisation/members/invitations/cancel", url.Values{"email": {"cy@elsewhere.example"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", resp.StatusCode)
	}
	if resp, _ := ac.Submit(t, "/organisation/members", "/organisation/members/invitations/cancel", url.Values{"email": {"nobody@elsewhere.example"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("cancelling an invitation that does not exist: %d, want 404", resp.StatusCode)
	}
	if resp, _ := ac.Submit(t, "/organisation/members", "/organisation/members/invitations/resend", url.Values{"email": {"di@elsewhere.example"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resend: %d", resp.StatusCode)
	}
	diNew := invitationLinkTo(t, s, "di@elsewhere.example")
	if diNew == diOld {
		t.Fatal("resending sent the same link")
	}
	for _, tc := range []struct {
		email, link string
		joins       bool
	}{{"cy@elsewhere.example", cyOld, false}, {"di@elsewhere.example", diOld, false}, {"di@elsewhere.example", diNew, true}} {
		u, err := auth.UserByEmail(t.Context(), s.DB, tc.email)
		var tu *webtest.TestUser
		if err != nil {
			tu = s.CreateUser(t, tc.email, []auth.Role{auth.RoleProvider}, "")
		} else {
			tu = &webtest.TestUser{User: u, Password: webtest.Password}
		}
		c := s.SignIn(t, tu, 0)
		c.Post(t, tc.link+"/accept", url.Values{"_csrf": {c.CSRF(t, "/")}})
		if got := isMember(t, s, tu.ID, acorn); got != tc.joins {
			t.Errorf("%s through %s: member %v, want %v", tc.email, tc.link, got, tc.joins)
		}
	}
}
