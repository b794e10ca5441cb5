package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// checkedRoles lists the role checkboxes ticked on a page.
func checkedRoles(doc *goquery.Document) []string {
	var out []string
	doc.Find(`input[name="roles"][checked]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("value", ""))
	})
	return out
}

// TestAdminAddsStaffUser adds a user through the form and checks that nothing is sent and
// the account stays disabled until a second administrator approves its roles, then the
// invitation, the audit record, the outbox page and the user's page.
func TestAdminAddsStaffUser(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin}, "")
	bea := s.CreateUser(t, "bea@council.example", []auth.Role{auth.RoleAdmin}, "")
	c := s.SignIn(t, admin, 0)
	resp, doc := c.Submit(t, "/admin/users/new", "/admin/users", url.Values{
		"name": {"Nina Okafor"}, "email": {"nina@council.example"}, "roles": {"officer", "finance"}})
	loc := location(t, resp)
	var id string
	if err := s.DB.Get(&id, `SELECT id FROM users WHERE email = 'nina@council.example' AND roles = '{officer,finance}'`); err != nil {
		t.Fatalf("user not stored with the roles chosen: %v (page: %q)", err, heading(doc))
	}
	if loc.Path != "/admin/users/"+id {
		t.Errorf("redirected to %s, want the new user's page", loc)
	}

	var summary []byte
	if err := s.DB.Get(&summary, `SELECT summary FROM audit_events WHERE action = 'user.create' AND object_id = $1 AND actor_id = $2`, id, admin.ID); err != nil {
		t.Fatalf("no user.create audit event by the admin: %v", err)
	}
	var got struct{ Email string }
	if err := json.Unmarshal(summary, &got); err != nil || got.Email != "nina@council.example" {
		t.Errorf("audit summary %s", summary)
	}

	// Until a second administrator approves the roles: disabled, nothing sent, and the
	// administrator who added them cannot approve.
	if n := count(t, s, `SELECT count(*) FROM users WHERE id = $1 AND disabled_at IS NOT NULL`, id); n != 1 {
		t.Error("the new account is usable before its roles are approved")
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE to_address = 'nina@council.example'`); n != 0 {
		t.Errorf("%d emails sent before approval", n)
	}
	_, doc = c.Get(t, "/admin/users/"+id)
	grant := doc.Find("[data-role-grant]")
	if grant.Length() != 1 || grant.Find("[data-approve-grant]").Length() != 0 || grant.Find("[data-grant-not-yours]").Length() != 1 {
		t.Fatalf("the inviter's view of the waiting roles: %q", grant.Text())
	}
	grantID, _ := grant.Attr("data-role-grant")
	if resp, _ := c.Submit(t, "/admin/users/"+id, "/admin/role-grants/"+grantID+"/approve", url.Values{"user_id": {id}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the inviter approving: status %d, want 403", resp.StatusCode)
	}
	second := s.SignIn(t, bea, 0)
	_, doc = second.Get(t, "/admin/users")
	if doc.Find("[data-role-grants] a[href='/admin/users/"+id+"']").Length() != 1 {
		t.Error("the users page does not list the roles waiting")
	}
	if resp, _ := second.Submit(t, "/admin/users/"+id, "/admin/role-grants/"+grantID+"/approve", url.Values{"user_id": {id}}); location(t, resp).Path != "/admin/users/"+id {
		t.Fatalf("second administrator approving: status %d", resp.StatusCode)
	}

	var body string
	if err := s.DB.Get(&body, `SELECT body FROM outbox WHERE to_address = 'nina@council.example' AND kind = 'invitation'`); err != nil {
		t.Fatalf("no invitation queued: %v", err)
	}
	link := resetLink.FindString(body)
	if link == "" {
		t.Fatalf("no link in the invitation:\n%s", body)
	}
	// The link lets them choose a password (8 characters will do: they will have a second factor).
	lu, _ := url.Parse(link)
	_, doc = s.NewClient(t).Get(t, lu.Path)
	if heading(doc) != "Choose a new password" || !strings.Contains(doc.Find("main p").First().Text(), "8 characters") {
		t.Errorf("invitation link page: %q", heading(doc))
	}

	resp, doc = c.Get(t, "/admin/users/"+id)
	if resp.StatusCode != http.StatusOK || heading(doc) != "Nina Okafor" || doc.Find("[data-role-grant]").Length() != 0 {
		t.Errorf("user page after approval: %d %q", resp.StatusCode, heading(doc))
	}
	if roles := checkedRoles(doc); !slices.Equal(roles, []string{"officer", "finance"}) {
		t.Errorf("roles ticked %v", roles)
	}

	resp, doc = c.Get(t, "/admin/outbox")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("outbox: %d", resp.StatusCode)
	}
	entry := doc.Find("[data-outbox-entry]").FilterFunction(func(_ int, e *goquery.Selection) bool {
		return strings.TrimSpace(e.Find("[data-to]").Text()) == "nina@council.example"
	})
	if entry.Length() != 1 || !strings.Contains(entry.Find("[data-body]").Text(), lu.Path) {
		t.Errorf("outbox shows %d entries to the new user, want 1 with the link", entry.Length())
	}
}

// TestAdminAddUserRefused checks that invalid input is refused with 422, the error summary,
// the input kept, and nothing stored or sent.
func TestAdminAddUserRefused(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin}, "")
	c := s.SignIn(t, admin, 0)
	tests := []struct {
		name        string
		userName    string
		email       string
		roles       []string
		field, want string
	}{
		{"bad email", "Nina Okafor", "nina at council", []string{"officer"}, "#email", "Enter an email address in the correct format, like name@example.com"},
		{"no email", "Nina Okafor", "", []string{"officer"}, "#email", "Enter an email address"},
		{"no name", "", "nina@council.example", []string{"officer"}, "#name", "Enter the person's full name"},
		{"no roles", "Nina Okafor", "nina@council.example", nil, "#roles", "Select at least one role"},
		{"provider role", "Nina Okafor", "nina@council.example", []string{"provider"}, "#roles", "Select roles from the list"},
		{"made-up role", "Nina Okafor", "nina@council.example", []string{"officer", "superuser"}, "#roles", "Select roles from the list"},
		{"duplicate email", "Ada Again", "ADA@council.example", []string{"dpo"}, "#email", "A user with this email address already exists"},
	}
	for _, tt := range tests {
		resp, doc := c.Submit(t, "/admin/users/new", "/admin/users", url.Values{"name": {tt.userName}, "email": {tt.email}, "roles": tt.roles})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tt.name, resp.StatusCode)
			continue
		}
		if links := summaryLinks(doc); links[tt.field] != tt.want {
			t.Errorf("%s: error summary %v, want %s: %q", tt.name, links, tt.field, tt.want)
		}
		if target := strings.TrimPrefix(tt.field, "#"); doc.Find("#"+target).Length() != 1 {
			t.Errorf("%s: the summary links to %s, which is not on the page", tt.name, tt.field)
		}
		if v, _ := inputValue(doc, "name"); v != tt.userName {
			t.Errorf("%s: name %q not kept", tt.name, v)
		}
		if v, _ := inputValue(doc, "email"); v != tt.email {
			t.Errorf("%s: email %q not kept", tt.name, v)
		}
		var valid []string
		for _, r := range tt.roles {
			if r != "superuser" && r != "provider" {
				valid = append(valid, r)
			}
		}
		if got := checkedRoles(doc); !slices.Equal(got, valid) {
			t.Errorf("%s: roles ticked %v, want %v", tt.name, got, valid)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM users`); n != 1 {
		t.Errorf("%d users stored, want only the admin", n)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox`); n != 0 {
		t.Errorf("%d mails queued, want none", n)
	}
}

// TestAdminChangesRoles checks a role added waits for a second administrator, is then
// stored and audited, and that a change made from a stale page is refused as a conflict.
func TestAdminChangesRoles(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin}, "")
	bea := s.CreateUser(t, "bea@council.example", []auth.Role{auth.RoleAdmin}, "")
	u := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	c := s.SignIn(t, admin, 0)
	page := "/admin/users/" + u.ID
	_, doc := c.Get(t, page)
	version := doc.Find(`input[name="version"]`).AttrOr("value", "")
	csrf := doc.Find(`input[name="_csrf"]`).AttrOr("value", "")
	if version == "" || csrf == "" {
		t.Fatal("no version or CSRF token in the roles form")
	}
	change := func(roles ...string) (*http.Response, *goquery.Document) {
		return c.Post(t, page+"/roles", url.Values{"_csrf": {csrf}, "version": {version}, "roles": roles})
	}
	resp, _ := change("officer", "dpo")
	if loc := location(t, resp); loc.Path != page {
		t.Fatalf("role change redirected to %s", loc)
	}
	var roles []byte
	if err := s.DB.Get(&roles, `SELECT roles::text FROM users WHERE id = $1`, u.ID); err != nil || string(roles) != "{officer}" {
		t.Fatalf("dpo given before a second administrator approved: %s (%v)", roles, err)
	}
	second := s.SignIn(t, bea, 0)
	_, doc = second.Get(t, page)
	grantID := doc.Find("[data-role-grant]").AttrOr("data-role-grant", "")
	if resp, _ := second.Submit(t, page, "/admin/role-grants/"+grantID+"/approve", url.Values{"user_id": {u.ID}}); location(t, resp).Path != page {
		t.Fatalf("approval: status %d", resp.StatusCode)
	}
	if err := s.DB.Get(&roles, `SELECT roles::text FROM users WHERE id = $1`, u.ID); err != nil || string(roles) != "{officer,dpo}" {
		t.Fatalf("roles stored %s (%v)", roles, err)
	}
	var summary []byte
	if err := s.DB.Get(&summary, `SELECT summary FROM audit_events WHERE action = 'user.roles.change' AND object_id = $1 AND actor_id = $2`, u.ID, bea.ID); err != nil {
		t.Fatalf("no user.roles.change audit event: %v", err)
	}
	var diff struct{ From, To []string }
	if err := json.Unmarshal(summary, &diff); err != nil || !slices.Equal(diff.From, []string{"officer"}) || !slices.Equal(diff.To, []string{"officer", "dpo"}) {
		t.Errorf("audit summary %s", summary)
	}
	_, doc = c.Get(t, page)
	if doc.Find("[data-history] td").FilterFunction(func(_ int, td *goquery.Selection) bool { return td.Text() == "user.roles.change" }).Length() != 1 {
		t.Error("the change is not in the user's history")
	}

	// The same (now stale) version again: someone else changed the user meanwhile.
	resp, doc = change("finance")
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("stale version: status %d, want 409", resp.StatusCode)
	}
	if links := summaryLinks(doc); links["#roles"] == "" {
		t.Errorf("stale version: error summary %v, want a link to #roles", links)
	}
	if got := checkedRoles(doc); !slices.Equal(got, []string{"officer", "dpo"}) {
		t.Errorf("stale version: the page shows roles %v, want the current ones", got)
	}
	if err := s.DB.Get(&roles, `SELECT roles::text FROM users WHERE id = $1`, u.ID); err != nil || string(roles) != "{officer,dpo}" {
		t.Errorf("a stale change was stored: %s", roles)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'user.roles.change'`); n != 1 {
		t.Errorf("%d role changes audited, want 1", n)
	}
	// Mixing provider with a council role is refused.
	_, doc = c.Get(t, page)
	version = doc.Find(`input[name="version"]`).AttrOr("value", "")
	if resp, _ := change("provider", "officer"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("provider and officer: status %d, want 422", resp.StatusCode)
	}
}

// TestAdminCannotLockThemselvesOut checks an administrator can neither disable their own
// account nor change their own roles: not removing administrator, and not giving themselves
// the finance, officer or dpo role that would open bank details or DBS records.
func TestAdminCannotLockThemselvesOut(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin}, "")
	c := s.SignIn(t, admin, 0)
	page := "/admin/users/" + admin.ID
	resp, doc := c.Submit(t, page, page+"/disable", url.Values{})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(doc.Find("main p").First().Text(), "cannot disable your own account") {
		t.Errorf("disabling themselves: status %d %q, want 400 saying why", resp.StatusCode, doc.Find("main p").First().Text())
	}
	if n := count(t, s, `SELECT count(*) FROM users WHERE id = $1 AND disabled_at IS NULL`, admin.ID); n != 1 {
		t.Fatal("the administrator disabled themselves")
	}
	if !signedIn(t, c) {
		t.Fatal("the administrator was signed out")
	}
	_, doc = c.Get(t, page)
	if doc.Find(`form[action="`+page+`/roles"]`).Length() != 0 || doc.Find("[data-own-roles]").Length() != 1 {
		t.Error("an administrator's own page offers to change their roles")
	}
	for _, roles := range [][]string{{"officer"}, {"admin", "finance"}, {"admin", "officer"}, {"admin", "dpo"}} {
		resp, doc = c.Submit(t, page, page+"/roles", url.Values{"version": {"1"}, "roles": roles})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(summaryLinks(doc)["#roles"], "cannot change your own roles") {
			t.Errorf("own roles to %v: status %d, summary %v", roles, resp.StatusCode, summaryLinks(doc))
		}
	}
	if n := count(t, s, `SELECT count(*) FROM users WHERE id = $1 AND roles = '{admin}'`, admin.ID); n != 1 {
		t.Error("the administrator's roles changed")
	}
	if n := count(t, s, `SELECT count(*) FROM role_grants`); n != 0 {
		t.Errorf("%d grants asked for by an administrator for themselves", n)
	}
}
