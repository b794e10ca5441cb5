package web

import (
	"slices"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/config"
	"github.com/gofiber/fiber/v2"
)

// testConfig is a valid development configuration; building the app needs nothing else.
func testConfig(t *testing.T) *config.Config {
	t.Helper()
	env := map[string]string{"PORTAL_ENV": "development", "BASE_URL": "http://127.0.0.1:8080"}
	cfg, err := config.Load(func(k string) string { return env[k] }, false)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// unruled returns "METHOD path" for every route the router has that Routes() does not list
// with a named rule. HEAD routes mirroring a listed GET are fiber's and take the GET's rule.
func unruled(app *fiber.App, routes []Route) []string {
	named := map[string]bool{}
	for _, r := range routes {
		if r.Rule.Name != "" {
			named[r.Method+" "+r.Path] = true
		}
	}
	var out []string
	for _, r := range app.GetRoutes(true) {
		key := r.Method + " " + r.Path
		if r.Method == fiber.MethodHead && named["GET "+r.Path] {
			continue
		}
		if !named[key] {
			out = append(out, key)
		}
	}
	return out
}

// TestEveryRouteHasARule walks the real router: a route added with app.Get (or with an
// empty rule) would have no access check written down, so it fails here.
func TestEveryRouteHasARule(t *testing.T) {
	app, err := New(Deps{Config: testConfig(t)})
	if err != nil {
		t.Fatal(err)
	}
	routes := (&Server{}).Routes()
	if bad := unruled(app, routes); len(bad) > 0 {
		t.Errorf("routes without a rule in Routes(): %s", strings.Join(bad, ", "))
	}

	// And the other way: every listed route is registered, once.
	registered := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		registered[r.Method+" "+r.Path] = true
	}
	seen := map[string]bool{}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		if seen[key] {
			t.Errorf("%s is listed twice in Routes()", key)
		}
		seen[key] = true
		if !registered[key] {
			t.Errorf("%s is in Routes() but the router does not have it", key)
		}
		if r.Handler == nil {
			t.Errorf("%s has no handler", key)
		}
	}
}

// TestUnruledCatchesStrayRoutes shows the walk above can fail: a route added behind
// Routes()' back, or listed with an unnamed rule, is reported.
func TestUnruledCatchesStrayRoutes(t *testing.T) {
	app, err := New(Deps{Config: testConfig(t)})
	if err != nil {
		t.Fatal(err)
	}
	ok := func(c *fiber.Ctx) error { return nil }
	app.Get("/stray", ok) // also registers HEAD /stray, which mirrors no listed GET
	routes := append((&Server{}).Routes(), Route{"GET", "/unnamed", Rule{}, ok})
	app.Add("GET", "/unnamed", ok)
	got := unruled(app, routes)
	for _, want := range []string{"GET /stray", "HEAD /stray", "GET /unnamed"} {
		if !slices.Contains(got, want) {
			t.Errorf("unruled() = %v, want it to include %s", got, want)
		}
	}
}
