package web

import (
	"testing"

	"github.com/council/provider-portal/internal/apitoken"
	"github.com/council/provider-portal/internal/auth"
	"github.com/gofiber/fiber/v2"
)

// TestAPIRoutesTakeTokens pins the split between the pages and the API: every route under
// /api/ takes a token scope (or is the public description), is a GET, and no route elsewhere
// takes a token. A route added to the API with a role rule, or a page with a scope, fails.
func TestAPIRoutesTakeTokens(t *testing.T) {
	api := 0
	for _, r := range (&Server{}).Routes() {
		key := r.Method + " " + r.Path
		underAPI := isAPIPath(r.Path)
		switch {
		case underAPI && r.Rule.Scope == "" && r.Path != "/api/v1/openapi.json":
			t.Errorf("%s is under /api/ with rule %q, not a token scope", key, r.Rule.Name)
		case underAPI && r.Method != fiber.MethodGet:
			t.Errorf("%s: the API is read-only; a write would need CSRF-free design and its own review", key)
		case !underAPI && r.Rule.Scope != "":
			t.Errorf("%s takes a token scope but is not under /api/, so its errors would be HTML and sessions would load", key)
		case r.Rule.Scope != "":
			if _, ok := apitoken.ParseScope(string(r.Rule.Scope)); !ok {
				t.Errorf("%s names the unknown scope %q", key, r.Rule.Scope)
			}
			api++
		}
	}
	if api == 0 {
		t.Fatal("no API routes")
	}
}

// TestScopeRuleIgnoresSessions shows a token-scope rule never lets a session through, at
// any stage and with any roles: the decision is always the token's.
func TestScopeRuleIgnoresSessions(t *testing.T) {
	rule := Scope(apitoken.ProvidersRead)
	if rule.Stage != "" || len(rule.Roles) != 0 || rule.Name != "token:providers:read" {
		t.Fatalf("Scope rule %+v", rule)
	}
	all := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		all[i] = string(r)
	}
	for _, stage := range []auth.Stage{auth.StageAnonymous, auth.StageMFA, auth.StageEnrol, auth.StageFull} {
		for _, dev := range []bool{true, false} {
			sess := &auth.Session{Stage: stage}
			u := &auth.User{RoleNames: all}
			if got := rule.decide(sess, u, dev); got != needToken {
				t.Errorf("session at %s (development %v): decision %d, want needToken", stage, dev, got)
			}
		}
	}
	if got := rule.decide(nil, nil, false); got != needToken {
		t.Errorf("no session: decision %d", got)
	}
}

func TestIsAPIPath(t *testing.T) {
	tests := map[string]bool{
		"/api": true, "/api/": true, "/api/v1/providers": true, "/API/v1/providers": true, "/Api/V1": true,
		"/apis": false, "/providers": false, "/": false, "/static/api/x": false, "": false,
	}
	for path, want := range tests {
		if got := isAPIPath(path); got != want {
			t.Errorf("isAPIPath(%q) = %v, want %v", path, got, want)
		}
	}
}

// TestOpenDataRoutesArePublicReads pins the open data as reads for anyone: every route under
// /open-data/ is a public GET, and takes no cookies (isMachinePath).
func TestOpenDataRoutesArePublicReads(t *testing.T) {
	n := 0
	for _, r := range (&Server{}).Routes() {
		if !isMachinePath(r.Path) || isAPIPath(r.Path) {
			continue
		}
		n++
		if r.Method != fiber.MethodGet || r.Rule.Name != Public.Name {
			t.Errorf("%s %s is open data with rule %q: open data is read by anyone", r.Method, r.Path, r.Rule.Name)
		}
	}
	if n == 0 {
		t.Fatal("no open data routes")
	}
}
