package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apitoken"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/web"
	"github.com/council/provider-portal/internal/webtest"
)

// persona is a kind of visitor: roles held and how far through sign-in their session is.
// No roles is an anonymous visitor (who still has a session, so can carry a CSRF token).
type persona struct {
	name  string
	roles []auth.Role
	stage auth.Stage
}

var personas = []persona{
	{"nobody", nil, auth.StageAnonymous},
	{"provider", []auth.Role{auth.RoleProvider}, auth.StageFull},
	{"officer", []auth.Role{auth.RoleOfficer}, auth.StageFull},
	{"finance", []auth.Role{auth.RoleFinance}, auth.StageFull},
	{"dpo", []auth.Role{auth.RoleDPO}, auth.StageFull},
	{"admin", []auth.Role{auth.RoleAdmin}, auth.StageFull},
	{"officer, code due", []auth.Role{auth.RoleOfficer}, auth.StageMFA},
	{"officer, enrolling", []auth.Role{auth.RoleOfficer}, auth.StageEnrol},
}

// outcome is what a route's rule says should happen to a persona.
type outcome string

const (
	allowed   outcome = "allowed"
	toSignIn  outcome = "sent to sign in"
	forbidden outcome = "forbidden"
	// needsToken is an API route: a session, whatever its roles, gets a 401 problem asking
	// for a bearer token.
	needsToken outcome = "needs a token"
)

// expected reads a rule the way access.go documents it: a public route is for anyone; a
// staged route needs a session at exactly that stage (someone fully signed in is refused
// the sign-in steps; anyone else is sent to sign in); roles need at least one of them. An
// API route's scope is for a bearer token, which no persona's session is.
func expected(r web.Rule, p persona) outcome {
	if r.Scope != "" {
		return needsToken
	}
	if r.Stage == "" {
		return allowed
	}
	if len(p.roles) == 0 {
		return toSignIn
	}
	if p.stage != r.Stage {
		if p.stage == auth.StageFull {
			return forbidden
		}
		return toSignIn
	}
	if len(r.Roles) > 0 && !slices.ContainsFunc(r.Roles, func(want auth.Role) bool { return slices.Contains(p.roles, want) }) {
		return forbidden
	}
	return allowed
}

// noSuchID is a well-formed id that names nothing.
const noSuchID = "00000000-0000-4000-8000-000000000000"

// fill substitutes a route pattern's parameters: the value in known, keyed by the pattern up
// to the parameter ("/admin/users/:id"), where the test has a real one; otherwise a
// well-formed value naming nothing. It reports whether every parameter got a real value.
func fill(pattern string, known map[string]string) (string, bool) {
	segs := strings.Split(pattern, "/")
	allReal := true
	for i, seg := range segs {
		if !strings.HasPrefix(seg, ":") {
			continue
		}
		if v, ok := known[strings.Join(segs[:i+1], "/")]; ok {
			segs[i] = v
			continue
		}
		allReal = false
		if name := seg[1:]; strings.HasSuffix(name, "id") {
			segs[i] = noSuchID
		} else {
			segs[i] = "no-such-" + name
		}
	}
	return strings.Join(segs, "/"), allReal
}

// request sends one request as p with a valid CSRF token, so the rule decides, not CSRF.
func request(t *testing.T, s *webtest.Server, users map[string]string, p persona, method, path string) *http.Response {
	t.Helper()
	c, csrf := sessionAs(t, s, users[p.name], p.stage)
	var resp *http.Response
	if method == http.MethodGet {
		resp, _ = c.Get(t, path)
	} else {
		resp, _ = c.Post(t, path, form(csrf))
	}
	return resp
}

// TestAccessMatrix sends every route in Routes() as every persona and checks the status
// against the route's rule. A new route is covered as soon as it is listed.
func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	users := map[string]string{}
	for _, p := range personas {
		if len(p.roles) == 0 {
			continue
		}
		email := strings.NewReplacer(" ", "", ",", "-").Replace(p.name) + "@example.gov.uk"
		orgID := ""
		if slices.Contains(p.roles, auth.RoleProvider) {
			orgID = org
		}
		users[p.name] = s.CreateUser(t, email, p.roles, orgID).ID
	}
	// The user the /admin/users/:id routes act on: not a persona, so disabling it harms none.
	target := s.CreateUser(t, "target@acorn.example", []auth.Role{auth.RoleProvider}, org)

	known := map[string]string{"/admin/users/:id": target.ID}
	checked := map[outcome]int{}
	for _, r := range web.RouteTable() {
		// Where a parameter names nothing real, an allowed visitor may well get a 404.
		path, allReal := fill(r.Path, known)
		for _, p := range personas {
			want := expected(r.Rule, p)
			checked[want]++
			resp := request(t, s, users, p, r.Method, path)
			got := resp.StatusCode
			where := r.Method + " " + r.Path + " (" + r.Rule.Name + ") as " + p.name
			switch want {
			case allowed:
				if got == http.StatusUnauthorized || got == http.StatusForbidden || got >= 500 {
					t.Errorf("%s: status %d, want it allowed", where, got)
				} else if r.Method == http.MethodGet && allReal && got >= 400 {
					t.Errorf("%s: status %d, want 2xx or 3xx", where, got)
				}
				if r.Rule.Stage != "" && got == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/sign-in?next=") {
					t.Errorf("%s: sent to sign in (%s), want it allowed", where, resp.Header.Get("Location"))
				}
			case toSignIn:
				if r.Method == http.MethodGet {
					if got != http.StatusSeeOther {
						t.Errorf("%s: status %d, want 303 to sign in", where, got)
						continue
					}
					loc := location(t, resp)
					if loc.Path != "/sign-in" || loc.Query().Get("next") != path {
						t.Errorf("%s: redirected to %s, want /sign-in?next=%s", where, loc, path)
					}
				} else if got != http.StatusUnauthorized {
					t.Errorf("%s: status %d, want 401", where, got)
				}
			case forbidden:
				if got != http.StatusForbidden {
					t.Errorf("%s: status %d, want 403", where, got)
				}
			case needsToken:
				if got != http.StatusUnauthorized || resp.Header.Get("Content-Type") != "application/problem+json" ||
					!strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer ") {
					t.Errorf("%s: status %d %s, want a 401 problem with a Bearer challenge", where, got, resp.Header.Get("Content-Type"))
				}
			}
		}
	}
	// The matrix means something only if each outcome occurred.
	for _, o := range []outcome{allowed, toSignIn, forbidden, needsToken} {
		if checked[o] == 0 {
			t.Errorf("no route and persona gave %q", o)
		}
	}
}

// TestExpectedReadsRules pins the reading of rules the matrix relies on, against the
// rules access.go defines.
func TestExpectedReadsRules(t *testing.T) {
	admin := web.Roles(auth.RoleAdmin)
	tests := []struct {
		rule web.Rule
		p    persona
		want outcome
	}{
		{web.Public, personas[0], allowed},
		{web.SignedIn, personas[0], toSignIn},
		{web.SignedIn, personas[1], allowed},
		{web.SignedIn, personas[6], toSignIn},
		{admin, personas[5], allowed},
		{admin, personas[2], forbidden},
		{admin, personas[0], toSignIn},
		{web.SecondFactorDue, personas[5], forbidden},
		{web.SecondFactorDue, personas[6], allowed},
		{web.SecondFactorDue, personas[7], toSignIn},
		{web.EnrolmentDue, personas[7], allowed},
		{web.EnrolmentDue, personas[2], forbidden},
		{web.EnrolmentDue, personas[0], toSignIn},
		{web.Scope(apitoken.ProvidersRead), personas[0], needsToken},
		{web.Scope(apitoken.PaymentsRead), personas[3], needsToken},
		{web.Scope(apitoken.ContractsRead), personas[5], needsToken},
	}
	for _, tt := range tests {
		if got := expected(tt.rule, tt.p); got != tt.want {
			t.Errorf("expected(%s, %s) = %s, want %s", tt.rule.Name, tt.p.name, got, tt.want)
		}
	}
}

func TestFill(t *testing.T) {
	known := map[string]string{"/admin/users/:id": "u1"}
	tests := []struct {
		pattern, want string
		allReal       bool
	}{
		{"/admin/users", "/admin/users", true},
		{"/admin/users/:id/roles", "/admin/users/u1/roles", true},
		{"/documents/:id", "/documents/" + noSuchID, false},
		{"/password-reset/:token", "/password-reset/no-such-token", false},
	}
	for _, tt := range tests {
		if got, allReal := fill(tt.pattern, known); got != tt.want || allReal != tt.allReal {
			t.Errorf("fill(%s) = %s, %v; want %s, %v", tt.pattern, got, allReal, tt.want, tt.allReal)
		}
	}
}

// TestDevOnlyRoutesAbsentInProduction checks that development-only routes do not exist in
// production for anyone, the administrator included, while the rest of the admin area does.
func TestDevOnlyRoutesAbsentInProduction(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, webtest.Options{Env: map[string]string{"PORTAL_ENV": "production"}})
	if s.Config.Development() {
		t.Fatal("the server is not in production")
	}
	users := map[string]string{}
	for _, p := range personas {
		if len(p.roles) > 0 {
			users[p.name] = s.CreateUser(t, strings.NewReplacer(" ", "", ",", "-").Replace(p.name)+"@example.gov.uk", p.roles, "").ID
		}
	}
	target := s.CreateUser(t, "target@acorn.example", []auth.Role{auth.RoleProvider}, "")
	known := map[string]string{"/admin/users/:id": target.ID}
	var devOnly, adminOnly int
	for _, r := range web.RouteTable() {
		path, allReal := fill(r.Path, known)
		if r.Rule.DevOnly {
			devOnly++
			for _, p := range personas {
				if got := request(t, s, users, p, r.Method, path).StatusCode; got != http.StatusNotFound {
					t.Errorf("%s %s as %s in production: status %d, want 404", r.Method, r.Path, p.name, got)
				}
			}
		} else if slices.Contains(r.Rule.Roles, auth.RoleAdmin) && r.Method == http.MethodGet && allReal {
			adminOnly++
			if got := request(t, s, users, personas[5], r.Method, path).StatusCode; got != http.StatusOK {
				t.Errorf("%s %s as admin in production: status %d, want 200", r.Method, r.Path, got)
			}
		}
	}
	if devOnly == 0 || adminOnly == 0 {
		t.Errorf("found %d development-only and %d admin pages; the test needs some of each", devOnly, adminOnly)
	}
}
