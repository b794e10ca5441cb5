package loadbench

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Client is one browser: its own cookies, over a transport shared by all of them. It keeps
// cookies itself rather than in a cookiejar.Jar, because the portal's session cookie is
// Secure (as in production) and a jar would not send it over plain HTTP on loopback.
type Client struct {
	Base    string
	HTTP    *http.Client
	mu      sync.Mutex
	cookies map[string]string
}

// NewTransport is the connection pool the clients share: enough idle connections for every
// client to keep its own alive, as browsers do.
func NewTransport(clients int) *http.Transport {
	return &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, IdleConnTimeout: time.Minute}
}

// NewClient returns a client with no cookies; it does not follow redirects, so each step of
// a flow can be checked.
func NewClient(base string, t http.RoundTripper) *Client {
	return &Client{Base: base, cookies: map[string]string{}, HTTP: &http.Client{Transport: t, Timeout: 5 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Do sends a request with the client's cookies and keeps those the response sets.
func (c *Client) Do(ctx context.Context, method, path string, form url.Values) (*http.Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Origin", c.Base) // as a browser sends with a form post
	c.mu.Lock()
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	c.mu.Unlock()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	c.mu.Unlock()
	return resp, nil
}

// Get fetches a page, reads it whole and checks it is a 200.
func (c *Client) Get(ctx context.Context, path string) (string, error) {
	resp, err := c.Do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return string(b), fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
	}
	return string(b), nil
}

// PostRedirect posts a form and checks the answer is a redirect, returning where to.
func (c *Client) PostRedirect(ctx context.Context, path string, form url.Values) (string, error) {
	resp, err := c.Do(ctx, http.MethodPost, path, form)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("POST %s: status %d: %s", path, resp.StatusCode, errorSummary(string(b)))
	}
	return resp.Header.Get("Location"), nil
}

var (
	csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	nextLink  = regexp.MustCompile(`href="(/providers\?[^"]*after=[^"]+)"`)
	summary   = regexp.MustCompile(`(?s)govuk-error-summary__list">(.*?)</ul>`)
	tags      = regexp.MustCompile(`<[^>]+>`)
)

// CSRF returns the form token on a page.
func CSRF(page string) (string, error) {
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		return "", fmt.Errorf("no CSRF token on the page")
	}
	return html.UnescapeString(m[1]), nil
}

// NextPage returns the directory page's link to the next page, or "" on the last.
func NextPage(page string) string {
	m := nextLink.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// errorSummary is the text of a page's GOV.UK error summary, to say why a form was refused.
func errorSummary(page string) string {
	m := summary.FindStringSubmatch(page)
	if m == nil {
		if len(page) > 200 {
			return page[:200]
		}
		return page
	}
	return strings.Join(strings.Fields(tags.ReplaceAllString(m[1], " ")), " ")
}

// Account is a staff user the benchmark signs in as.
type Account struct {
	Email, Password, TOTPSecret string

	mu       sync.Mutex
	lastStep int64
}

// nextCode returns a code for a time step after the last one this account used, or false
// when none is free now. The portal accepts the steps either side of now but never one at
// or before the last it accepted; a step is only taken when it will still be accepted a
// couple of seconds later, when the code arrives.
func (a *Account) nextCode(now time.Time) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	lo, hi := auth.TOTPStep(now.Add(2*time.Second))-1, auth.TOTPStep(now)+1
	step := max(a.lastStep+1, lo)
	if step > hi {
		return "", false
	}
	code, err := totp.GenerateCodeCustom(a.TOTPSecret, time.Unix(step*auth.TOTPPeriod, 0),
		totp.ValidateOpts{Period: auth.TOTPPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", false
	}
	a.lastStep = step
	return code, true
}

// waitCode returns the account's next code, waiting for a free time step if need be.
func (a *Account) waitCode(ctx context.Context) (string, error) {
	for {
		if code, ok := a.nextCode(time.Now()); ok {
			return code, nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// SignIn goes through the sign-in pages as a person does: the form, the password, the page
// asking for the code, the code. It ends signed in.
func (c *Client) SignIn(ctx context.Context, a *Account, code string) error {
	page, err := c.Get(ctx, "/sign-in")
	if err != nil {
		return err
	}
	token, err := CSRF(page)
	if err != nil {
		return err
	}
	to, err := c.PostRedirect(ctx, "/sign-in", url.Values{"_csrf": {token}, "email": {a.Email}, "password": {a.Password}, "next": {"/"}})
	if err != nil {
		return err
	}
	if !strings.HasPrefix(to, "/sign-in/code") {
		return fmt.Errorf("after the password, sent to %q rather than the code page", to)
	}
	if page, err = c.Get(ctx, to); err != nil {
		return err
	}
	if token, err = CSRF(page); err != nil {
		return err
	}
	if to, err = c.PostRedirect(ctx, "/sign-in/code", url.Values{"_csrf": {token}, "code": {code}, "next": {"/"}}); err != nil {
		return err
	}
	if strings.HasPrefix(to, "/sign-in") {
		return fmt.Errorf("after the code, sent to %q", to)
	}
	return nil
}
