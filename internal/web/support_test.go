package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// sessionCookie is the session cookie's name whenever cookies are secure (every server the
// harness starts); headers_test.go checks the real one carries it.
const sessionCookie = "__Host-portal_session"

// sessionAs gives a new client a session of its own at the given stage, made the way sign-in
// makes one, so each request of a table can start from a fresh session without spending a
// TOTP time step. userID "" is an anonymous visitor. It returns the session's CSRF token.
func sessionAs(t *testing.T, s *webtest.Server, userID string, stage auth.Stage) (*webtest.Client, string) {
	t.Helper()
	token, sess, err := auth.NewSession(context.Background(), s.DB, userID, stage, "",
		auth.SessionTimeouts{Idle: s.Config.SessionIdle, Absolute: s.Config.SessionAbsolute}, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	c := s.NewClient(t)
	u, _ := url.Parse(s.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: token, Path: "/", Secure: true, HttpOnly: true}})
	return c, sess.CSRFToken
}

// cookieValue is the session token the client's jar holds now ("" for none).
func cookieValue(t *testing.T, c *webtest.Client) string {
	t.Helper()
	u, err := url.Parse(c.Base)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			return ck.Value
		}
	}
	return ""
}

// location is a redirect's target, parsed; it fails the test when resp is not a 303.
func location(t *testing.T, resp *http.Response) *url.URL {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s %s: status %d, want 303", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode)
	}
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("Location %q: %v", resp.Header.Get("Location"), err)
	}
	return u
}

// summaryLinks maps each error summary link's target ("#email") to its text.
func summaryLinks(doc *goquery.Document) map[string]string {
	out := map[string]string{}
	doc.Find(".govuk-error-summary .govuk-error-summary__list li a").Each(func(_ int, a *goquery.Selection) {
		out[a.AttrOr("href", "")] = strings.TrimSpace(a.Text())
	})
	return out
}

// inputValue is the value attribute of the input with the given id, and whether it exists.
func inputValue(doc *goquery.Document, id string) (string, bool) {
	sel := doc.Find("input#" + id)
	if sel.Length() == 0 {
		return "", false
	}
	return sel.AttrOr("value", ""), true
}

// heading is the page's h1.
func heading(doc *goquery.Document) string {
	return strings.TrimSpace(doc.Find("main h1").First().Text())
}

// count runs a SELECT count(*) and returns the number.
func count(t *testing.T, s *webtest.Server, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB.Get(&n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// signedIn reports whether the client's session still gets the home page (rather than a
// redirect to sign in).
func signedIn(t *testing.T, c *webtest.Client) bool {
	t.Helper()
	resp, _ := c.Get(t, "/")
	switch resp.StatusCode {
	case http.StatusOK:
		return true
	case http.StatusSeeOther:
		if loc := location(t, resp); loc.Path != "/sign-in" {
			t.Fatalf("home redirected to %s, want /sign-in", loc)
		}
		return false
	}
	t.Fatalf("home: status %d", resp.StatusCode)
	return false
}

// form posts values with a CSRF token to path.
func form(csrf string, kv ...string) url.Values {
	v := url.Values{"_csrf": {csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}
