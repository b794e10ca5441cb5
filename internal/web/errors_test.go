package web_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// leaks are signs of internals on an error page: a Go stack, a panic, SQL or a driver error.
var leaks = []string{"goroutine ", "panic", ".go:", "SELECT ", "INSERT ", "pq: ", "sql: ", "runtime error"}

// checkErrorPage checks an error page: the status, its heading, a reference matching the
// X-Request-Id header, and nothing of the internals.
func checkErrorPage(t *testing.T, name string, resp *http.Response, doc *goquery.Document, status int, wantHeading string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("%s: status %d, want %d", name, resp.StatusCode, status)
	}
	if got := heading(doc); got != wantHeading {
		t.Errorf("%s: heading %q, want %q", name, got, wantHeading)
	}
	ref := strings.TrimSpace(doc.Find("[data-reference]").Text())
	if ref == "" || ref != resp.Header.Get("X-Request-Id") {
		t.Errorf("%s: reference %q, X-Request-Id %q: want the same, not empty", name, ref, resp.Header.Get("X-Request-Id"))
	}
	text := doc.Text()
	for _, l := range leaks {
		if strings.Contains(text, l) {
			t.Errorf("%s: the page shows %q", name, l)
		}
	}
}

// TestErrorPages checks the pages for unknown addresses and malformed ids.
func TestErrorPages(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin}, "")
	anon := s.NewClient(t)
	c := s.SignIn(t, admin, 0)
	tests := []struct {
		name    string
		c       *webtest.Client
		path    string
		status  int
		heading string
	}{
		{"unknown path", anon, "/no/such/page", http.StatusNotFound, "Page not found"},
		{"unknown path, signed in", c, "/admin/nothing-here", http.StatusNotFound, "Page not found"},
		{"malformed user id", c, "/admin/users/not-a-uuid", http.StatusNotFound, "Page not found"},
		{"malformed id with SQL in it", c, "/admin/users/" + url.PathEscape("1' OR '1'='1"), http.StatusNotFound, "Page not found"},
		{"unknown user id", c, "/admin/users/00000000-0000-4000-8000-000000000000", http.StatusNotFound, "Page not found"},
		{"not signed in", anon, "/admin/users/not-a-uuid", http.StatusSeeOther, ""},
	}
	for _, tt := range tests {
		resp, doc := tt.c.Get(t, tt.path)
		if tt.status == http.StatusSeeOther {
			// The rule is checked before the id is looked at.
			if loc := location(t, resp); loc.Path != "/sign-in" {
				t.Errorf("%s: redirected to %s", tt.name, loc)
			}
			continue
		}
		checkErrorPage(t, tt.name, resp, doc, tt.status, tt.heading)
	}
	// A malformed id in a form's address is also a 404, not a database error.
	resp, doc := c.Submit(t, "/admin/users", "/admin/users/not-a-uuid/disable", url.Values{})
	checkErrorPage(t, "disable a malformed id", resp, doc, http.StatusNotFound, "Page not found")
}

// TestOversizedBody checks that a request over the body limit gets the 413 page. The
// request announces 13 MB and the server answers from the headers, without reading it all.
func TestOversizedBody(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	u, _ := url.Parse(s.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const size = 13 << 20
	fmt.Fprintf(conn, "POST /sign-in HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", u.Host, size)
	go func() {
		// Keep sending until the server stops reading; the write error that ends it is expected.
		chunk := strings.Repeat("a", 64<<10)
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := io.WriteString(conn, chunk); err != nil {
				return
			}
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
	if got := heading(doc); got != "What you sent is too large" {
		t.Errorf("heading %q", got)
	}
	// The server refuses this before any middleware runs; the page must still have what
	// every response has.
	if ref := strings.TrimSpace(doc.Find("[data-reference]").Text()); ref == "" {
		t.Error("the 413 page has an empty reference")
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Cache-Control"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("the 413 page has no %s header", h)
		}
	}
	for _, l := range leaks {
		if strings.Contains(doc.Text(), l) {
			t.Errorf("the page shows %q", l)
		}
	}
}

// TestHealthAndReadiness checks /healthz and /readyz with the database up, then with the
// pool closed: not ready, still alive, and pages fail with a 500 page that shows nothing of
// the cause.
func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.NewClient(t)
	get := func(path string) (int, string) {
		resp, err := c.Client.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if status, _ := get(path); status != http.StatusOK {
			t.Errorf("%s with the database up: %d, want 200", path, status)
		}
	}
	if err := s.DB.Close(); err != nil {
		t.Fatal(err)
	}
	if status, body := get("/readyz"); status != http.StatusServiceUnavailable || strings.Contains(body, "sql:") {
		t.Errorf("/readyz with the pool closed: %d %q, want 503 without the cause", status, body)
	}
	if status, _ := get("/healthz"); status != http.StatusOK {
		t.Errorf("/healthz with the pool closed: %d, want 200", status)
	}
	resp, doc := c.Get(t, "/sign-in")
	checkErrorPage(t, "sign-in with the pool closed", resp, doc, http.StatusInternalServerError, "Sorry, there is a problem with the service")
}
