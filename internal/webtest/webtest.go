// Package webtest runs the real portal for tests: the fiber app from internal/web on a
// loopback port, over a fresh migrated PostgreSQL database from dbtest, with helpers to make
// users and sign in over HTTP as each role. HTTP tests and browser tests both build on it.
package webtest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/cli/wire"
	"github.com/council/provider-portal/internal/config"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
	"github.com/pquerna/otp/totp"
)

// TestAuditKey seals the audit trail of every portal the harness starts.
var TestAuditKey = []byte("provider-portal test audit key!!")

// Password is the password of every user the harness makes.
const Password = "quiet meadow copper lantern"

// Server is a running portal for one test.
type Server struct {
	URL       string
	DB        *sqlx.DB
	Config    *config.Config
	Auth      *auth.Service
	Providers *provider.Service
	Finance   *finance.Service
	Vault     *vault.Vault
	// Services are all the services the app runs on, as wire.New built them.
	Services *wire.Services
}

// Options adjust the configuration before the app is built.
type Options struct {
	// Env overrides configuration variables (e.g. PORTAL_ENV=development).
	Env map[string]string
}

// Start builds the portal on a fresh database and serves it until the test ends.
func Start(t testing.TB, opts ...Options) *Server {
	t.Helper()
	auth.UseArgon2Params(auth.TestArgon2Params)
	d := dbtest.New(t)
	env := map[string]string{
		"PORTAL_ENV": "development", "PORTAL_METRICS_ADDR": "", "LOG_LEVEL": "error",
		"PORTAL_COUNCIL_NAME": "Test Borough Council",
		// The dashboard works its figures out for every view, so a test sees its change at once.
		"PORTAL_DASHBOARD_REFRESH": "0s",
	}
	for _, o := range opts {
		for k, v := range o.Env {
			env[k] = v
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	if _, ok := env["BASE_URL"]; !ok {
		env["BASE_URL"] = base
	}
	cfg, err := config.Load(func(k string) string { return env[k] }, false)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataKey = "test:" + vault.GenerateKey()
	// One audit key for every test server in the process: the key is process-wide
	// (audit.UseKey), like the portal's own.
	cfg.AuditKey = TestAuditKey
	v, err := vault.ParseKeys(cfg.DataKey)
	if err != nil {
		t.Fatal(err)
	}
	logOut := io.Discard
	if os.Getenv("WEBTEST_LOG") != "" {
		logOut = os.Stderr
	}
	// The same wiring the portal runs with, not a copy of it.
	svc := wire.New(cfg, d, v, ukid.DefaultModulusTable(), slog.New(slog.NewJSONHandler(logOut, nil)), time.Now)
	app, err := svc.App(nil)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	return &Server{URL: base, DB: d, Config: cfg, Auth: svc.Auth, Providers: svc.Providers, Finance: svc.Finance, Vault: v, Services: svc}
}

// TestUser is a user the harness made, with what is needed to sign in as them.
type TestUser struct {
	*auth.User
	Password   string
	TOTPSecret string // empty for provider users
	server     *Server
}

// EmailedCode returns the sign-in code the portal last emailed the user, read from the
// outbox as the person would read their inbox.
func (u *TestUser) EmailedCode(t testing.TB) string {
	t.Helper()
	if u.server == nil {
		t.Fatalf("%s was not made by Server.CreateUser: use Server.EmailedCode", u.Email)
	}
	return u.server.EmailedCode(t, u.Email)
}

// signInCodeRE finds the code in a sign-in code email.
var signInCodeRE = regexp.MustCompile(`(?m)^(\d{6})$`)

// EmailedCode returns the last sign-in code emailed to the address.
func (s *Server) EmailedCode(t testing.TB, email string) string {
	t.Helper()
	var body string
	if err := s.DB.Get(&body, `SELECT body FROM outbox WHERE to_address = $1 AND kind = 'signin_code' ORDER BY created_at DESC LIMIT 1`, email); err != nil {
		t.Fatalf("no sign-in code emailed to %s: %v", email, err)
	}
	code := SignInCodeIn(body)
	if code == "" {
		t.Fatalf("no code in the email to %s:\n%s", email, body)
	}
	return code
}

// SignInCodeIn finds the code in a sign-in code email's body, or "".
func SignInCodeIn(body string) string {
	if m := signInCodeRE.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// OrganisationID of the provider organisation CreateUser puts provider users in, unless told otherwise.
func (s *Server) NewOrganisation(t testing.TB, name string) string {
	t.Helper()
	var id string
	if err := s.DB.Get(&id, `INSERT INTO organisations (name) VALUES ($1) RETURNING id`, name); err != nil {
		t.Fatal(err)
	}
	return id
}

// CreateUser makes a user with the given roles; staff get a TOTP secret already enrolled.
// A provider user joins orgID when given.
func (s *Server) CreateUser(t testing.TB, email string, roles []auth.Role, orgID string) *TestUser {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.System)
	var u *auth.User
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		u, err = s.Auth.CreateUser(ctx, tx, auth.NewUser{Email: email, Name: nameFrom(email), Roles: roles, Password: Password, EmailConfirmed: true})
		if err != nil {
			return err
		}
		if orgID != "" {
			if _, err = tx.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, u.ID, orgID); err != nil {
				return err
			}
		}
		if u.Has(auth.RoleProvider) {
			// As registration does: the user has read the current privacy notice.
			_, err = tx.Exec(`INSERT INTO notice_acknowledgements (user_id, notice_id)
				SELECT $1, id FROM privacy_notices WHERE audience = 'provider' AND status = 'published' ORDER BY version DESC LIMIT 1`, u.ID)
		}
		return err
	})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	tu := &TestUser{User: u, Password: Password, server: s}
	if u.IsStaff() {
		secret, _, err := auth.NewTOTPSecret("test", email)
		if err != nil {
			t.Fatal(err)
		}
		sealed, err := s.Vault.Seal(secret, "users:"+u.ID+":totp")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB.Exec(`UPDATE users SET totp_secret = $2 WHERE id = $1`, u.ID, sealed); err != nil {
			t.Fatal(err)
		}
		tu.TOTPSecret = secret
	}
	return tu
}

func nameFrom(email string) string {
	local := email[:strings.Index(email, "@")]
	return "Test " + strings.ToUpper(local[:1]) + local[1:]
}

// Code returns a valid TOTP code for the user for a time step not used yet: the portal
// refuses a code replayed in its step, so each sign-in in a test takes the next step.
func (u *TestUser) Code(t testing.TB, step int) string {
	t.Helper()
	code, err := totp.GenerateCode(u.TOTPSecret, time.Now().Add(time.Duration(step)*30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// Client is a browser-like HTTP client with its own cookie jar, which does not follow
// redirects so tests can see each step.
type Client struct {
	*http.Client
	Base string
}

// NewClient returns a client with an empty cookie jar.
func (s *Server) NewClient(t testing.TB) *Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{Base: s.URL, Client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Get fetches a path and parses the HTML.
func (c *Client) Get(t testing.TB, path string) (*http.Response, *goquery.Document) {
	t.Helper()
	resp, err := c.Client.Get(c.Base + path)
	if err != nil {
		t.Fatal(err)
	}
	return resp, parse(t, resp)
}

// Post sends a form; the CSRF token is taken from the cookie-bound session by fetching
// csrfFrom first, unless form already has one.
func (c *Client) Post(t testing.TB, path string, form url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	resp, err := c.PostForm(c.Base+path, form)
	if err != nil {
		t.Fatal(err)
	}
	return resp, parse(t, resp)
}

// CSRF returns the token from a page's form (the sign-in page for an anonymous client).
func (c *Client) CSRF(t testing.TB, path string) string {
	t.Helper()
	_, doc := c.Get(t, path)
	token, ok := doc.Find(`input[name="_csrf"]`).First().Attr("value")
	if !ok || token == "" {
		t.Fatalf("no CSRF token on %s", path)
	}
	return token
}

// Submit fetches the page at pagePath for its CSRF token and posts form to action.
func (c *Client) Submit(t testing.TB, pagePath, action string, form url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	form.Set("_csrf", c.CSRF(t, pagePath))
	return c.Post(t, action, form)
}

func parse(t testing.TB, resp *http.Response) *goquery.Document {
	t.Helper()
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// SignIn signs the user in through the real pages, with a TOTP code for staff and the code
// emailed to providers, and returns the client holding the session. step picks the TOTP time step (see Code).
func (s *Server) SignIn(t testing.TB, u *TestUser, step int) *Client {
	t.Helper()
	c := s.NewClient(t)
	resp, _ := c.Submit(t, "/sign-in", "/sign-in", url.Values{"email": {u.Email}, "password": {u.Password}, "next": {"/"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: status %d", u.Email, resp.StatusCode)
	}
	switch {
	case u.TOTPSecret != "":
		resp, _ = c.Submit(t, "/sign-in/code", "/sign-in/code", url.Values{"code": {u.Code(t, step)}, "next": {"/"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("TOTP for %s: status %d location %q", u.Email, resp.StatusCode, resp.Header.Get("Location"))
		}
	case strings.HasPrefix(resp.Header.Get("Location"), "/sign-in/email-code"):
		c.EnterEmailedCode(t, u.Email, s.EmailedCode(t, u.Email))
	}
	return c
}

// EnterEmailedCode submits a code emailed to a provider on the emailed-code page, as they
// do after their password, and fails the test unless it signs them in.
func (c *Client) EnterEmailedCode(t testing.TB, email, code string) {
	t.Helper()
	resp, _ := c.Submit(t, "/sign-in/email-code", "/sign-in/email-code", url.Values{"code": {code}, "next": {"/"}})
	if resp.StatusCode != http.StatusSeeOther || strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
		t.Fatalf("emailed code for %s: status %d location %q", email, resp.StatusCode, resp.Header.Get("Location"))
	}
}
