package faulttest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/webtest"
)

// client is a browser-like HTTP client: a cookie jar, no following of redirects, and the
// forms of the pages it gets, so a test posts what a browser would (CSRF token and
// version included). Unlike webtest.Client it returns errors instead of failing the test,
// because in these tests requests are meant to fail, from goroutines too.
type client struct {
	base string
	hc   *http.Client
}

func newClient(t testing.TB, base string) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{base: base, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// at returns a client for another base URL (another instance) sharing this one's cookies.
func (c *client) at(base string) *client {
	return &client{base: base, hc: c.hc}
}

// page is a response with its body read and parsed.
type page struct {
	Status   int
	Location string
	Body     string
	Doc      *goquery.Document
}

func (c *client) get(path string) (*page, error) {
	return c.do(http.MethodGet, path, nil)
}

func (c *client) post(path string, form url.Values) (*page, error) {
	return c.do(http.MethodPost, path, form)
}

func (c *client) do(method, path string, form url.Values) (*page, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s %s: parse: %w", method, path, err)
	}
	return &page{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: string(b), Doc: doc}, nil
}

// mustGet fetches a page that must answer want.
func (c *client) mustGet(t testing.TB, path string, want int) *page {
	t.Helper()
	p, err := c.get(path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if p.Status != want {
		t.Fatalf("GET %s: status %d, want %d\n%s", path, p.Status, want, p.text())
	}
	return p
}

// mustPost posts a form that must answer want.
func (c *client) mustPost(t testing.TB, path string, form url.Values, want int) *page {
	t.Helper()
	p, err := c.post(path, form)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	if p.Status != want {
		t.Fatalf("POST %s: status %d, want %d\n%s", path, p.Status, want, p.text())
	}
	return p
}

// form returns the fields a browser would send from the form posting to action: inputs
// (checked ones only, for boxes and radios), selected options and text areas, without
// the values of submit buttons.
func (p *page) form(t testing.TB, action string) url.Values {
	t.Helper()
	v, err := p.formValues(action)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// formValues is form for goroutines, which must not call t.Fatal.
func (p *page) formValues(action string) (url.Values, error) {
	f := p.Doc.Find(`form[action="` + action + `"]`).First()
	if f.Length() == 0 {
		return nil, fmt.Errorf("no form posting to %s on the page (status %d):\n%s", action, p.Status, p.text())
	}
	v := url.Values{}
	f.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		typ := strings.ToLower(s.AttrOr("type", "text"))
		switch typ {
		case "submit", "button", "image", "file", "reset":
			return
		case "checkbox", "radio":
			if _, checked := s.Attr("checked"); !checked {
				return
			}
		}
		v.Add(name, s.AttrOr("value", ""))
	})
	f.Find("textarea[name]").Each(func(_ int, s *goquery.Selection) {
		v.Add(s.AttrOr("name", ""), s.Text())
	})
	f.Find("select[name]").Each(func(_ int, s *goquery.Selection) {
		v.Add(s.AttrOr("name", ""), s.Find("option[selected]").AttrOr("value", ""))
	})
	if v.Get("_csrf") == "" {
		return nil, fmt.Errorf("the form posting to %s carries no CSRF token", action)
	}
	return v, nil
}

// text is the page's visible text, squeezed, for failure messages.
func (p *page) text() string {
	s := strings.Join(strings.Fields(p.Doc.Find("main").Text()), " ")
	if s == "" {
		s = strings.Join(strings.Fields(p.Doc.Text()), " ")
	}
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

// signIn signs a provider user in through the sign-in pages: the password, then the code
// the portal emailed them, read from the outbox as they would read their inbox.
func (w *world) signIn(t testing.TB, c *client, email, password string) {
	t.Helper()
	f := c.mustGet(t, "/sign-in", http.StatusOK).form(t, "/sign-in")
	f.Set("email", email)
	f.Set("password", password)
	f.Set("next", "/provider")
	p := c.mustPost(t, "/sign-in", f, http.StatusSeeOther)
	if !strings.HasPrefix(p.Location, "/sign-in/email-code") {
		t.Fatalf("sign in %s: redirected to %q, want the emailed code's page", email, p.Location)
	}
	var body string
	if err := w.DB.Get(&body, `SELECT body FROM outbox WHERE to_address = $1 AND kind = 'signin_code' ORDER BY created_at DESC LIMIT 1`, email); err != nil {
		t.Fatalf("no sign-in code emailed to %s: %v", email, err)
	}
	code := webtest.SignInCodeIn(body)
	if code == "" {
		t.Fatalf("no code in the email to %s", email)
	}
	f = c.mustGet(t, p.Location, http.StatusOK).form(t, "/sign-in/email-code")
	f.Set("code", code)
	if p = c.mustPost(t, "/sign-in/email-code", f, http.StatusSeeOther); p.Location != "/provider" {
		t.Fatalf("sign in %s: the code redirected to %q, want /provider", email, p.Location)
	}
}
