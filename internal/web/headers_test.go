package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// directives splits a Content-Security-Policy into directive name → its sources.
func directives(csp string) map[string][]string {
	out := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[f[0]] = f[1:]
		}
	}
	return out
}

// TestSecurityHeaders checks the headers on pages of each kind: public, signed in, a
// redirect and an error.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, "")
	anon := s.NewClient(t)
	user := s.SignIn(t, u, 0)
	pages := []struct {
		name   string
		c      *webtest.Client
		path   string
		status int
	}{
		{"sign-in page", anon, "/sign-in", http.StatusOK},
		{"redirect to sign in", anon, "/", http.StatusSeeOther},
		{"not found", anon, "/no-such-page", http.StatusNotFound},
		{"home", user, "/", http.StatusOK},
		{"forbidden", user, "/admin/users", http.StatusForbidden},
	}
	for _, p := range pages {
		resp, _ := p.c.Get(t, p.path)
		if resp.StatusCode != p.status {
			t.Errorf("%s: status %d, want %d", p.name, resp.StatusCode, p.status)
		}
		h := resp.Header
		csp := directives(h.Get("Content-Security-Policy"))
		if len(csp) == 0 {
			t.Errorf("%s: no Content-Security-Policy", p.name)
		}
		for name, sources := range csp {
			for _, src := range sources {
				if src == "'unsafe-inline'" || src == "'unsafe-eval'" || src == "*" {
					t.Errorf("%s: CSP %s allows %s", p.name, name, src)
				}
			}
		}
		for name, want := range map[string]string{"frame-ancestors": "'none'", "object-src": "'none'", "script-src": "'self'", "default-src": "'self'"} {
			if got := strings.Join(csp[name], " "); got != want {
				t.Errorf("%s: CSP %s is %q, want %q", p.name, name, got, want)
			}
		}
		if hsts := h.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=31536000") || !strings.Contains(hsts, "includeSubDomains") {
			t.Errorf("%s: Strict-Transport-Security %q", p.name, hsts)
		}
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
			"Referrer-Policy":        "strict-origin-when-cross-origin",
			"Cache-Control":          "no-store",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %s is %q, want %q", p.name, name, got, want)
			}
		}
		if h.Get("X-Request-Id") == "" {
			t.Errorf("%s: no X-Request-Id", p.name)
		}
	}

	// Static assets may be cached; they still carry the other headers.
	resp, err := anon.Client.Get(s.URL + "/static/images/favicon.svg")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Cache-Control"), "public") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("static asset: status %d, Cache-Control %q, nosniff %q", resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("X-Content-Type-Options"))
	}
}

// TestSessionCookie checks the session cookie set on a first visit and at sign-in.
func TestSessionCookie(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, "")
	c := s.NewClient(t)
	resp, doc := c.Get(t, "/sign-in")
	check := func(step string, resp *http.Response) {
		t.Helper()
		var found *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == sessionCookie {
				found = ck
			}
		}
		if found == nil {
			t.Fatalf("%s: no %s cookie set (Set-Cookie: %q)", step, sessionCookie, resp.Header.Values("Set-Cookie"))
		}
		if !strings.HasPrefix(found.Name, "__Host-") || !found.Secure || !found.HttpOnly ||
			found.SameSite != http.SameSiteLaxMode || found.Path != "/" || found.Domain != "" || found.Value == "" {
			t.Errorf("%s: cookie %+v, want __Host-, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain", step, found)
		}
	}
	check("first visit", resp)
	csrf := doc.Find(`input[name="_csrf"]`).AttrOr("value", "")
	resp, _ = c.Post(t, "/sign-in", url.Values{"_csrf": {csrf}, "email": {u.Email}, "password": {u.Password}})
	check("sign-in", resp)
}
