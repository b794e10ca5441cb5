package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/apitoken"
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	formpkg "github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/vault"
	"github.com/council/provider-portal/internal/web"
	"github.com/council/provider-portal/internal/webtest"
)

// apiSecretPattern is the shape of a token's secret.
var apiSecretPattern = regexp.MustCompile(`^pp_[a-z2-7]{8}_[a-z2-7]{52}$`)

// apiLondon is where token expiry dates are days.
var apiLondon, _ = time.LoadLocation("Europe/London")

// apiExpiry is an expiry date a month away, as the form takes it.
func apiExpiry() formpkg.DateInput {
	d := time.Now().In(apiLondon).AddDate(0, 1, 0)
	return formpkg.DateInput{Day: strconv.Itoa(d.Day()), Month: strconv.Itoa(int(d.Month())), Year: strconv.Itoa(d.Year())}
}

// tokenMakers counts the administrators apiToken makes, so each has an address of its own.
var tokenMakers atomic.Int64

// apiToken makes a token holding scopes through the token store, made by an administrator
// (by, or when nil a new administrator with the finance role, who may hand on every scope),
// and returns it with its secret.
func apiToken(t *testing.T, s *webtest.Server, by *webtest.TestUser, name string, scopes ...apitoken.Scope) *apitoken.Created {
	t.Helper()
	if by == nil {
		by = s.CreateUser(t, fmt.Sprintf("api-maker-%d@council.example", tokenMakers.Add(1)), []auth.Role{auth.RoleAdmin, auth.RoleFinance}, "")
	}
	actor := audit.Actor{UserID: by.ID, Email: by.Email, Roles: by.RoleNames}
	names := make([]string, len(scopes))
	for i, sc := range scopes {
		names[i] = string(sc)
	}
	c, err := apitoken.Create(audit.WithActor(context.Background(), actor), s.DB,
		apitoken.NewToken{Name: name, Scopes: names, Expires: apiExpiry()}, time.Now())
	if err != nil {
		t.Fatalf("create token %s: %v", name, err)
	}
	return c
}

// apiRequest sends a GET to path with the secret as bearer token ("" for none), changed by
// adjust when given, and returns the response with its body read.
func apiRequest(t *testing.T, client *http.Client, base, secret, path string, adjust func(*http.Request)) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	if adjust != nil {
		adjust(req)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// apiGet sends a GET with the bearer token from a client with no cookies.
func apiGet(t *testing.T, s *webtest.Server, secret, path string) (*http.Response, []byte) {
	t.Helper()
	return apiRequest(t, http.DefaultClient, s.URL, secret, path, nil)
}

// apiJSON decodes a successful JSON response into v, failing the test on any other.
func apiJSON(t *testing.T, resp *http.Response, body []byte, v any) {
	t.Helper()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s: status %d, %s: %s", resp.Request.URL, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", resp.Request.URL, err)
	}
}

// apiProblemBody is an API error as the client sees it.
type apiProblemBody struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail"`
	Instance  string            `json:"instance"`
	RequestID string            `json:"request_id"`
	Errors    map[string]string `json:"errors"`
}

// apiProblem decodes a problem response, failing unless it is application/problem+json with
// the given status and its status, instance and request id agree with the response.
func apiProblem(t *testing.T, resp *http.Response, body []byte, status int) apiProblemBody {
	t.Helper()
	where := resp.Request.Method + " " + resp.Request.URL.String()
	if resp.StatusCode != status {
		t.Errorf("%s: status %d, want %d: %s", where, resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: Content-Type %q, want application/problem+json", where, ct)
	}
	var p apiProblemBody
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("%s: not a problem document: %v\n%s", where, err, body)
	}
	if p.Status != resp.StatusCode || p.Type == "" || p.Title == "" || p.Instance != resp.Request.URL.Path ||
		p.RequestID == "" || p.RequestID != resp.Header.Get("X-Request-Id") {
		t.Errorf("%s: problem %+v (X-Request-Id %q)", where, p, resp.Header.Get("X-Request-Id"))
	}
	if resp.Header.Get("Set-Cookie") != "" {
		t.Errorf("%s: an API response sets a cookie: %s", where, resp.Header.Get("Set-Cookie"))
	}
	return p
}

// TestAPITokenLifecycle goes through the admin pages: the form keeps input on error, the
// secret is shown once on creation and nowhere after, the token works until revoked (after
// a confirmation), last use is shown, and creation and revocation are audited without
// the secret.
func TestAPITokenLifecycle(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin}, "")
	c := s.SignIn(t, admin, 0)

	resp, doc := c.Get(t, "/admin/api-tokens")
	if resp.StatusCode != http.StatusOK || doc.Find("[data-api-tokens] tbody tr").Length() != 0 {
		t.Fatalf("empty list: %d, %d rows", resp.StatusCode, doc.Find("[data-api-tokens] tbody tr").Length())
	}
	if doc.Find(`nav a[href="/admin/api-tokens"][aria-current="page"]`).Length() != 1 {
		t.Error("the navigation has no link to the API tokens")
	}

	// A form with mistakes comes back with what was typed and a message per field.
	tooFar := time.Now().In(apiLondon).AddDate(1, 0, 3)
	bad := url.Values{"name": {""}, "scopes": {"contracts:read", "payments:read"}, "expires-day": {strconv.Itoa(tooFar.Day())},
		"expires-month": {strconv.Itoa(int(tooFar.Month()))}, "expires-year": {strconv.Itoa(tooFar.Year())}}
	resp, doc = c.Submit(t, "/admin/api-tokens/new", "/admin/api-tokens", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("create with mistakes: status %d", resp.StatusCode)
	}
	links := summaryLinks(doc)
	// An administrator without the finance role may not hand out access to bank details.
	if links["#name"] == "" || !strings.HasPrefix(links["#expires"], "The date the token expires must be within 1 year") ||
		!strings.HasPrefix(links["#scopes"], "Only an administrator who also has the finance role") || len(links) != 3 {
		t.Errorf("error summary %v", links)
	}
	var checked []string
	doc.Find(`input[name="scopes"][checked]`).Each(func(_ int, in *goquery.Selection) {
		checked = append(checked, in.AttrOr("value", ""))
	})
	if !slices.Equal(checked, []string{"contracts:read", "payments:read"}) {
		t.Errorf("scopes kept: %v", checked)
	}
	if v, _ := inputValue(doc, "expires-year"); v != strconv.Itoa(tooFar.Year()) {
		t.Errorf("expiry year kept as %q", v)
	}
	if n := count(t, s, `SELECT count(*) FROM api_tokens`); n != 0 {
		t.Fatalf("%d tokens after a refused form", n)
	}

	// Created: the secret is on the response to the POST, once.
	exp := apiExpiry()
	resp, doc = c.Submit(t, "/admin/api-tokens/new", "/admin/api-tokens", url.Values{"name": {"Directory sync"},
		"scopes": {"providers:read"}, "expires-day": {exp.Day}, "expires-month": {exp.Month}, "expires-year": {exp.Year}})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: status %d, Cache-Control %q %v", resp.StatusCode, resp.Header.Get("Cache-Control"), summaryLinks(doc))
	}
	secret := doc.Find("[data-secret]").AttrOr("value", "")
	if !apiSecretPattern.MatchString(secret) {
		t.Fatalf("the page shows %q as the secret", secret)
	}
	prefix := secret[:strings.LastIndexByte(secret, '_')]
	key := secret[len(prefix)+1:]

	resp, doc = c.Get(t, "/admin/api-tokens")
	row := doc.Find(`[data-api-tokens] tr[data-token="` + prefix + `"]`)
	if row.Length() != 1 {
		t.Fatalf("the list has no row for %s", prefix)
	}
	for sel, want := range map[string]string{"[data-scopes]": "providers:read", "[data-created-by]": admin.Name, "[data-last-used]": "Never",
		"[data-state]": "Active"} {
		if got := cellText(row.Find(sel)); got != want {
			t.Errorf("list %s: %q, want %q", sel, got, want)
		}
	}
	if got, want := cellText(row.Find("[data-expires]")), exp.Day+" "; !strings.HasPrefix(got, want) {
		t.Errorf("expires %q, want the %s", got, exp.Day)
	}
	if body, _ := doc.Html(); strings.Contains(body, key) {
		t.Error("the list shows the secret")
	}

	// The token works, and its use shows.
	if resp, body := apiGet(t, s, secret, "/api/v1/providers"); resp.StatusCode != http.StatusOK {
		t.Fatalf("using the new token: %d %s", resp.StatusCode, body)
	}
	_, doc = c.Get(t, "/admin/api-tokens")
	if got := cellText(doc.Find(`tr[data-token="` + prefix + `"] [data-last-used]`)); got == "Never" || got == "" {
		t.Errorf("last used %q after a request", got)
	}

	// Revoking asks first; the question changes nothing.
	var id string
	if err := s.DB.Get(&id, `SELECT id FROM api_tokens WHERE prefix = $1`, prefix); err != nil {
		t.Fatal(err)
	}
	csrf := c.CSRF(t, "/admin/api-tokens")
	resp, doc = c.Post(t, "/admin/api-tokens/"+id+"/revoke", form(csrf))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(heading(doc), "Are you sure you want to revoke Directory sync") {
		t.Fatalf("revoke without confirming: %d %q", resp.StatusCode, heading(doc))
	}
	if resp, _ := apiGet(t, s, secret, "/api/v1/providers"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the question revoked the token: %d", resp.StatusCode)
	}
	resp, _ = c.Post(t, "/admin/api-tokens/"+id+"/revoke", form(csrf, "confirm", "yes"))
	if loc := location(t, resp); loc.Path != "/admin/api-tokens" {
		t.Errorf("after revoking: to %s", loc)
	}
	resp, body := apiGet(t, s, secret, "/api/v1/providers")
	if p := apiProblem(t, resp, body, http.StatusUnauthorized); p.Type != "urn:provider-portal:problem:token-revoked" {
		t.Errorf("a revoked token: %+v", p)
	}
	_, doc = c.Get(t, "/admin/api-tokens")
	if got := cellText(doc.Find(`tr[data-token="` + prefix + `"] [data-state] .govuk-tag`)); got != "Revoked" {
		t.Errorf("state after revoking %q", got)
	}
	if doc.Find(`tr[data-token="`+prefix+`"] form`).Length() != 0 {
		t.Error("a revoked token can still be revoked from the list")
	}
	if flash := strings.TrimSpace(doc.Find(".govuk-notification-banner__heading").Text()); !strings.HasPrefix(flash, "Token revoked") {
		t.Errorf("flash %q", flash)
	}

	// Both changes are audited, by the administrator, and no audit row holds the secret.
	for _, action := range []string{"api_token.created", "api_token.revoked"} {
		if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = $1 AND object_id = $2 AND actor_id = $3`, action, id, admin.ID); n != 1 {
			t.Errorf("%d %s events", n, action)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events e WHERE position($1 in e::text) > 0`, key); n != 0 {
		t.Errorf("%d audit events hold the secret", n)
	}
	if n := count(t, s, `SELECT count(*) FROM api_tokens t WHERE position($1 in t::text) > 0`, key); n != 0 {
		t.Error("the token table holds the secret")
	}
}

// TestAPIRefusesWithoutAUsableToken checks every way of not having a usable token: each is
// a 401 problem with a Bearer challenge, and none is ever served from a session.
func TestAPIRefusesWithoutAUsableToken(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	olive := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	good := apiToken(t, s, nil, "Directory sync", apitoken.ProvidersRead)
	expired := apiToken(t, s, nil, "Old sync", apitoken.ProvidersRead)
	if _, err := s.DB.Exec(`UPDATE api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = $1`,
		expired.Token.ID); err != nil {
		t.Fatal(err)
	}
	revoked := apiToken(t, s, nil, "Retired sync", apitoken.ProvidersRead)
	if err := apitoken.Revoke(audit.WithActor(context.Background(), audit.System), s.DB, revoked.Token.ID); err != nil {
		t.Fatal(err)
	}
	provider := s.SignIn(t, pat, 0)
	officer := s.SignIn(t, olive, 0)
	providerSession := cookieValue(t, provider)

	const (
		missing   = "urn:provider-portal:problem:token-missing"
		invalid   = "urn:provider-portal:problem:token-invalid"
		isExpired = "urn:provider-portal:problem:token-expired"
		isRevoked = "urn:provider-portal:problem:token-revoked"
	)
	header := func(v string) func(*http.Request) { return func(r *http.Request) { r.Header.Set("Authorization", v) } }
	tests := []struct {
		name   string
		client *http.Client
		adjust func(*http.Request)
		want   string
	}{
		{"no header", http.DefaultClient, nil, missing},
		{"another scheme", http.DefaultClient, header("Basic " + good.Secret), missing},
		{"bearer with nothing", http.DefaultClient, header("Bearer "), invalid},
		{"malformed", http.DefaultClient, header("Bearer not-a-token"), invalid},
		{"an unknown prefix", http.DefaultClient, header("Bearer pp_aaaaaaaa_" + strings.Repeat("a", 52)), invalid},
		{"a known prefix with another key", http.DefaultClient, header("Bearer " + good.Token.Prefix + "_" + strings.Repeat("a", 52)), invalid},
		{"expired", http.DefaultClient, header("Bearer " + expired.Secret), isExpired},
		{"revoked", http.DefaultClient, header("Bearer " + revoked.Secret), isRevoked},
		{"a provider user's session", provider.Client, nil, missing},
		{"an officer's session", officer.Client, nil, missing},
		{"a session token as the bearer token", http.DefaultClient, header("Bearer " + providerSession), invalid},
		{"a session and an expired token", officer.Client, header("Bearer " + expired.Secret), isExpired},
	}
	for _, tt := range tests {
		for _, path := range []string{"/api/v1/providers", "/api/v1/ocds/releases", "/API/v1/providers"} {
			resp, body := apiRequest(t, tt.client, s.URL, "", path, tt.adjust)
			p := apiProblem(t, resp, body, http.StatusUnauthorized)
			if p.Type != tt.want {
				t.Errorf("%s, %s: type %s, want %s", tt.name, path, p.Type, tt.want)
			}
			challenge := resp.Header.Get("WWW-Authenticate")
			if !strings.HasPrefix(challenge, `Bearer realm="Provider Portal API"`) ||
				strings.Contains(challenge, "invalid_token") != (tt.want != missing) {
				t.Errorf("%s, %s: WWW-Authenticate %q", tt.name, path, challenge)
			}
		}
	}
	// The sessions were neither used nor touched: both still work for their pages.
	if !signedIn(t, provider) || !signedIn(t, officer) {
		t.Error("an API request ended a session")
	}
	// With a usable token the session is irrelevant.
	if resp, body := apiRequest(t, officer.Client, s.URL, good.Secret, "/api/v1/providers", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("a token sent with a session cookie: %d %s", resp.StatusCode, body)
	}
}

// TestAPIScopes walks every API route with a token holding its scope and one holding every
// other scope: the first is let through, the second refused with 403 and the scope named.
func TestAPIScopes(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	var scopes []apitoken.Scope
	for _, i := range apitoken.Scopes {
		scopes = append(scopes, i.Scope)
	}
	routes := 0
	for _, r := range web.RouteTable() {
		if r.Rule.Scope == "" {
			if strings.HasPrefix(r.Path, "/api/") && r.Rule.Name != web.Public.Name {
				t.Errorf("%s %s is under /api/ with rule %q: API routes take a token scope", r.Method, r.Path, r.Rule.Name)
			}
			continue
		}
		routes++
		path, _ := fill(r.Path, nil)
		others := slices.DeleteFunc(slices.Clone(scopes), func(s apitoken.Scope) bool { return s == r.Rule.Scope })
		with := apiToken(t, s, nil, "With "+string(r.Rule.Scope), r.Rule.Scope)
		without := apiToken(t, s, nil, "Without "+string(r.Rule.Scope), others...)
		if resp, body := apiGet(t, s, with.Secret, path); resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden ||
			resp.StatusCode >= 500 {
			t.Errorf("%s %s with %s: %d %s", r.Method, path, r.Rule.Scope, resp.StatusCode, body)
		}
		resp, body := apiGet(t, s, without.Secret, path)
		p := apiProblem(t, resp, body, http.StatusForbidden)
		if p.Type != "urn:provider-portal:problem:scope-missing" || !strings.Contains(p.Detail, string(r.Rule.Scope)) {
			t.Errorf("%s %s without %s: %+v", r.Method, path, r.Rule.Scope, p)
		}
		if got, want := resp.Header.Get("WWW-Authenticate"), `error="insufficient_scope", scope="`+string(r.Rule.Scope)+`"`; !strings.Contains(got, want) {
			t.Errorf("%s %s without %s: WWW-Authenticate %q", r.Method, path, r.Rule.Scope, got)
		}
	}
	if routes < 7 {
		t.Errorf("only %d API routes take a scope", routes)
	}
}

// apiSeedProviders stores n providers with names that repeat (so the order's tie-break by
// id is exercised), statuses in turn and updated times apart.
func apiSeedProviders(t *testing.T, s *webtest.Server, n int) {
	t.Helper()
	if _, err := s.DB.Exec(`INSERT INTO organisations (name, status, service_categories, updated_at)
		SELECT 'Provider ' || lpad((g % 40)::text, 2, '0'),
			(ARRAY['draft','submitted','approved','approved','suspended'])[g % 5 + 1],
			ARRAY[(ARRAY['childrens_homes','short_breaks','youth_services'])[g % 3 + 1]],
			now() - g * interval '1 minute'
		FROM generate_series(1, $1) g`, n); err != nil {
		t.Fatal(err)
	}
}

// apiWalk follows links.next from path to the last page, returning the ids in order and
// how many pages it took.
func apiWalk(t *testing.T, s *webtest.Server, secret, path string) ([]string, int) {
	t.Helper()
	var ids []string
	pages := 0
	for next := s.URL + path; next != ""; pages++ {
		if pages > 200 {
			t.Fatal("the pages do not end")
		}
		resp, body := apiRequest(t, http.DefaultClient, "", secret, next, nil)
		var page struct {
			Data []struct {
				ID string `json:"id"`
			} `json:"data"`
			NextCursor *string `json:"next_cursor"`
			Links      struct {
				Next *string `json:"next"`
			} `json:"links"`
		}
		apiJSON(t, resp, body, &page)
		for _, p := range page.Data {
			ids = append(ids, p.ID)
		}
		if (page.NextCursor == nil) != (page.Links.Next == nil) {
			t.Fatalf("next_cursor %v and links.next %v disagree", page.NextCursor, page.Links.Next)
		}
		next = ""
		if page.Links.Next != nil {
			u, err := url.Parse(*page.Links.Next)
			if err != nil || u.Query().Get("cursor") != *page.NextCursor {
				t.Fatalf("links.next %s does not carry next_cursor", *page.Links.Next)
			}
			next = s.URL + u.RequestURI()
		}
	}
	return ids, pages
}

// TestAPIProvidersPagination walks 120 providers page by page, in each order and with a
// filter: every provider comes once, in the order the database sorts them.
func TestAPIProvidersPagination(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	apiSeedProviders(t, s, 120)
	secret := apiToken(t, s, nil, "Directory sync", apitoken.ProvidersRead).Secret
	order := func(where, orderBy string) []string {
		var ids []string
		if err := s.DB.Select(&ids, `SELECT id FROM organisations o `+where+` ORDER BY `+orderBy); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	byName := "lower(coalesce(nullif(o.legal_name, ''), o.name)), o.id"
	tests := []struct {
		path  string
		want  []string
		pages int
	}{
		{"/api/v1/providers", order("", byName), 3},
		{"/api/v1/providers?limit=7", order("", byName), 18},
		{"/api/v1/providers?limit=100", order("", byName), 2},
		{"/api/v1/providers?sort=updated&limit=11", order("", "o.updated_at DESC, o.id DESC"), 11},
		{"/api/v1/providers?status=approved&limit=9", order("WHERE status = 'approved'", byName), 6},
		{"/api/v1/providers?category=short_breaks&sort=status&limit=13", order("WHERE 'short_breaks' = ANY(service_categories)",
			`CASE status WHEN 'draft' THEN 1 WHEN 'submitted' THEN 2 WHEN 'approved' THEN 5 WHEN 'suspended' THEN 6 END, `+byName), 4},
		{"/api/v1/providers?q=Provider%2007", order("WHERE name = 'Provider 07'", byName), 1},
		{"/api/v1/providers?rag=red", nil, 1},
	}
	for _, tt := range tests {
		ids, pages := apiWalk(t, s, secret, tt.path)
		if !slices.Equal(ids, tt.want) {
			t.Errorf("%s: %d ids, want %d, in the database's order", tt.path, len(ids), len(tt.want))
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				t.Errorf("%s: %s appears twice", tt.path, id)
			}
			seen[id] = true
		}
		if pages != tt.pages {
			t.Errorf("%s: %d pages, want %d", tt.path, pages, tt.pages)
		}
	}

	// The first page says what it is: 50 by default, with a cursor to the next.
	resp, body := apiGet(t, s, secret, "/api/v1/providers?status=approved")
	var first struct {
		Data       []map[string]any `json:"data"`
		NextCursor string           `json:"next_cursor"`
		Links      struct{ Self string }
	}
	apiJSON(t, resp, body, &first)
	if len(first.Data) != 48 || first.NextCursor != "" || first.Links.Self != s.URL+"/api/v1/providers?status=approved" {
		t.Errorf("approved providers: %d on the page, cursor %q, self %s", len(first.Data), first.NextCursor, first.Links.Self)
	}

	// Bad parameters are a 400 naming each one.
	resp, body = apiGet(t, s, secret, "/api/v1/providers?limit=7")
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	apiJSON(t, resp, body, &page)
	cursor := page.NextCursor
	tampered := []byte(cursor)
	tampered[3] ^= 1
	bad := []struct {
		query string
		param string
	}{
		{"limit=0", "limit"}, {"limit=101", "limit"}, {"limit=ten", "limit"},
		{"status=pending", "status"}, {"rag=purple", "rag"}, {"category=zoos", "category"}, {"rating=fine", "rating"},
		{"route=sideways", "route"}, {"sort=random", "sort"}, {"stauts=approved", "stauts"},
		{"status=approved&status=draft", "status"}, {"q=" + url.QueryEscape("a\x01b"), "q"},
		{"cursor=" + string(tampered), "cursor"}, {"cursor=nonsense", "cursor"},
		{"sort=updated&cursor=" + cursor, "cursor"},
	}
	// A second token for the refusals: the walk above may have used most of the first
	// token's burst of requests, and a fast machine would meet the rate limit, not the check.
	secret = apiToken(t, s, nil, "Directory sync, bad requests", apitoken.ProvidersRead).Secret
	for _, b := range bad {
		resp, body := apiGet(t, s, secret, "/api/v1/providers?"+b.query)
		p := apiProblem(t, resp, body, http.StatusBadRequest)
		if p.Type != "urn:provider-portal:problem:invalid-parameter" || p.Errors[b.param] == "" {
			t.Errorf("?%s: %+v, want a message for %s", b.query, p, b.param)
		}
	}
	resp, body = apiGet(t, s, secret, "/api/v1/providers?status=pending")
	if p := apiProblem(t, resp, body, http.StatusBadRequest); p.Errors["status"] !=
		"status must be one of: draft, submitted, resubmitted, changes_requested, approved, suspended, rejected." {
		t.Errorf("the status message: %q", p.Errors["status"])
	}
}

// TestAPIProviderRecord reads an approved provider: the record as approved, without bank
// details or DBS data, and its compliance with reasons.
func TestAPIProviderRecord(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	s := w.s
	def, _ := provider.SectionByKey(string(provider.SectionSafeguarding))
	past := time.Now().AddDate(-1, 0, 0)
	staff := &provider.SafeguardingAnswers{Staff: []provider.StaffMember{{Name: "Sam Safeguard", Role: "Carer", Level: "enhanced",
		CertificateNumber: "009876543210", IssueDate: formpkg.DateInput{Day: strconv.Itoa(past.Day()), Month: strconv.Itoa(int(past.Month())),
			Year: strconv.Itoa(past.Year())}, UpdateService: "no", LastCheckResult: "not_checked"}}}
	if err := s.Providers.SaveSection(finActor(w.pat), w.org, def, staff, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`UPDATE provider_sections SET approved_data = data WHERE organisation_id = $1`, w.org); err != nil {
		t.Fatal(err)
	}
	secret := apiToken(t, s, nil, "Case management", apitoken.ProvidersRead).Secret

	resp, body := apiGet(t, s, secret, "/api/v1/providers/"+w.org)
	var got struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Status string `json:"status"`
		Record map[string]json.RawMessage
	}
	apiJSON(t, resp, body, &got)
	if got.ID != w.org || got.Name != w.legalName || got.Status != "approved" {
		t.Errorf("provider %+v", got)
	}
	var sections []string
	for k, v := range got.Record {
		if string(v) != "null" {
			sections = append(sections, k)
		}
	}
	slices.Sort(sections)
	if !slices.Equal(sections, []string{"addresses", "contacts", "organisation"}) {
		t.Errorf("sections with answers: %v", sections)
	}
	var contacts struct {
		KeyContact struct{ Email string } `json:"key_contact"`
	}
	if err := json.Unmarshal(got.Record["contacts"], &contacts); err != nil || contacts.KeyContact.Email != w.keyContact {
		t.Errorf("contacts %s (%v)", got.Record["contacts"], err)
	}
	// Need to know: nothing of the bank details or the DBS checks, in any form.
	for _, secret := range []string{w.account, w.account[4:], w.sortCode, "Sam Safeguard", "9876543210", "3210", "sealed", "bank", "safeguarding", "certificate_number"} {
		if strings.Contains(string(body), secret) {
			t.Errorf("the provider's record shows %q", secret)
		}
	}

	resp, body = apiGet(t, s, secret, "/api/v1/providers/"+w.org+"/compliance")
	var comp struct {
		ProviderID string `json:"provider_id"`
		RAG        string `json:"rag"`
		AsOf       string `json:"as_of"`
		Reasons    []struct {
			Rule, RAG, Why string
		} `json:"reasons"`
	}
	apiJSON(t, resp, body, &comp)
	if comp.ProviderID != w.org || !slices.Contains([]string{"red", "amber", "green"}, comp.RAG) || len(comp.Reasons) == 0 || comp.AsOf == "" {
		t.Errorf("compliance %+v", comp)
	}
	for _, r := range comp.Reasons {
		if r.Rule == "" || r.Why == "" {
			t.Errorf("reason %+v", r)
		}
	}

	for _, path := range []string{"/api/v1/providers/" + noSuchID, "/api/v1/providers/not-an-id", "/api/v1/providers/" + noSuchID + "/compliance",
		"/api/v1/nothing-here"} {
		resp, body := apiGet(t, s, secret, path)
		if p := apiProblem(t, resp, body, http.StatusNotFound); p.Type != "about:blank" || p.Title != "Not Found" {
			t.Errorf("%s: %+v", path, p)
		}
	}
	// A write to the API is not a CSRF failure nor an HTML page: there is no such route.
	req, err := http.NewRequest(http.MethodPost, s.URL+"/api/v1/providers", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	postResp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	postBody, _ := io.ReadAll(postResp.Body)
	postResp.Body.Close()
	apiProblem(t, postResp, postBody, http.StatusNotFound)
}

// TestAPIPaymentDetailsAudited reads a provider's payment details: in full, and every read
// is in the audit trail naming the token and the administrator who made it.
func TestAPIPaymentDetailsAudited(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	s := w.s
	admin := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin, auth.RoleFinance}, "")
	payments := apiToken(t, s, admin, "Finance system", apitoken.PaymentsRead)
	providersOnly := apiToken(t, s, admin, "Directory sync", apitoken.ProvidersRead)
	reveals := func() int {
		return count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'finance.bank_details.revealed'`)
	}

	for i := 1; i <= 2; i++ {
		resp, body := apiGet(t, s, payments.Secret, "/api/v1/providers/"+w.org+"/payment-details")
		var got struct {
			ProviderID            string  `json:"provider_id"`
			SortCode              string  `json:"sort_code"`
			AccountNumber         string  `json:"account_number"`
			SortCodeAsIssued      string  `json:"sort_code_as_issued"`
			AccountNumberAsIssued string  `json:"account_number_as_issued"`
			AccountName           string  `json:"account_name"`
			RollNumber            *string `json:"roll_number"`
		}
		apiJSON(t, resp, body, &got)
		if got.ProviderID != w.org || got.SortCode != w.sortCode || got.AccountNumber != w.account || got.RollNumber != nil ||
			got.SortCodeAsIssued != w.sortCode || got.AccountNumberAsIssued != w.account {
			t.Errorf("payment details %+v", got)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
		}
		var ev struct {
			Actor  string  `db:"actor_email"`
			ID     *string `db:"actor_id"`
			Reason string  `db:"reason"`
			Org    string  `db:"org"`
		}
		if err := s.DB.Get(&ev, `SELECT actor_email, actor_id, summary->>'reason' AS reason, summary->>'organisation_id' AS org
			FROM audit_events WHERE action = 'finance.bank_details.revealed' ORDER BY id DESC LIMIT 1`); err != nil {
			t.Fatal(err)
		}
		if n := reveals(); n != i {
			t.Errorf("after %d reads, %d audit events", i, n)
		}
		if ev.ID != nil || !strings.HasPrefix(ev.Actor, "api-token:"+payments.Token.Prefix) || ev.Org != w.org ||
			!strings.Contains(ev.Reason, payments.Token.Prefix) || !strings.Contains(ev.Reason, `"Finance system"`) || !strings.Contains(ev.Reason, admin.Email) {
			t.Errorf("audit event %+v", ev)
		}
	}

	// Refused or absent reads reveal nothing, so record nothing.
	other := s.NewOrganisation(t, "Birch Homes Ltd")
	for _, tt := range []struct {
		secret, path string
		status       int
	}{
		{providersOnly.Secret, "/api/v1/providers/" + w.org + "/payment-details", http.StatusForbidden},
		{"", "/api/v1/providers/" + w.org + "/payment-details", http.StatusUnauthorized},
		{payments.Secret, "/api/v1/providers/" + other + "/payment-details", http.StatusNotFound},
		{payments.Secret, "/api/v1/providers/" + noSuchID + "/payment-details", http.StatusNotFound},
	} {
		resp, body := apiGet(t, s, tt.secret, tt.path)
		apiProblem(t, resp, body, tt.status)
		if strings.Contains(string(body), w.account) {
			t.Errorf("%s: the refusal shows the account", tt.path)
		}
	}
	if n := reveals(); n != 2 {
		t.Errorf("%d audit events after refused reads, want 2", n)
	}
	// The details are not to be had through the other scopes' endpoints.
	_, body := apiGet(t, s, providersOnly.Secret, "/api/v1/providers/"+w.org)
	if strings.Contains(string(body), w.account) || strings.Contains(string(body), w.sortCode) {
		t.Error("the provider record shows the bank details")
	}
}

// TestAPIRateLimit spends a token's allowance: the burst is let through whole, then a 429
// problem says when to retry, and another token is unaffected.
func TestAPIRateLimit(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	busy := apiToken(t, s, nil, "Busy client", apitoken.ContractsRead)
	calm := apiToken(t, s, nil, "Calm client", apitoken.ContractsRead)
	// A request the token's scope refuses is the cheapest: it is counted all the same.
	const path = "/api/v1/providers"
	for i := 1; i <= 60; i++ {
		resp, body := apiGet(t, s, busy.Secret, path)
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("request %d of the burst: %d %s", i, resp.StatusCode, body)
		}
		if resp.Header.Get("RateLimit-Limit") != "60" || resp.Header.Get("RateLimit-Remaining") == "" || resp.Header.Get("RateLimit-Reset") == "" {
			t.Fatalf("request %d: RateLimit headers %v", i, resp.Header)
		}
	}
	// The bucket refills at 10 a second, so however slow this machine, requests sent one
	// after another soon outrun it; the bound only stops a broken limiter looping forever.
	var limited *http.Response
	var limitedBody []byte
	for i := 0; i < 2000 && limited == nil; i++ {
		resp, body := apiGet(t, s, busy.Secret, path)
		if resp.StatusCode == http.StatusTooManyRequests {
			limited, limitedBody = resp, body
		}
	}
	if limited == nil {
		t.Fatal("2,060 requests and no 429")
	}
	p := apiProblem(t, limited, limitedBody, http.StatusTooManyRequests)
	if p.Type != "urn:provider-portal:problem:rate-limited" {
		t.Errorf("problem %+v", p)
	}
	if n, err := strconv.Atoi(limited.Header.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("Retry-After %q", limited.Header.Get("Retry-After"))
	}
	if limited.Header.Get("RateLimit-Remaining") != "0" || limited.Header.Get("RateLimit-Limit") != "60" {
		t.Errorf("RateLimit headers on the 429: %v", limited.Header)
	}
	if resp, body := apiGet(t, s, calm.Secret, "/api/v1/contracts"); resp.StatusCode != http.StatusOK {
		t.Errorf("another token: %d %s", resp.StatusCode, body)
	}
}

// TestAPIContracts reads contracts through the API, with filters and pages.
func TestAPIContracts(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	secret := apiToken(t, w.s, nil, "Contracts register", apitoken.ContractsRead).Secret
	resp, body := apiGet(t, w.s, secret, "/api/v1/contracts")
	var list struct {
		Data []struct {
			ID        string `json:"id"`
			OCID      string `json:"ocid"`
			Reference string `json:"reference"`
			Status    string `json:"status"`
			Provider  struct {
				ID, Name string
			} `json:"provider"`
			Value struct {
				Currency   string `json:"currency"`
				TotalPence int64  `json:"total_pence"`
			} `json:"value"`
		} `json:"data"`
		Total int `json:"total"`
		Links struct {
			Next *string `json:"next"`
		} `json:"links"`
	}
	apiJSON(t, resp, body, &list)
	if list.Total != 1 || len(list.Data) != 1 || list.Links.Next != nil {
		t.Fatalf("contracts %+v", list)
	}
	ct := list.Data[0]
	if ct.ID != w.contractID || ct.Reference != "CYP-2025-001" || ct.OCID != "ocds-xxxxxx-"+w.contractID || ct.Provider.Name != "Acorn Care Ltd" ||
		ct.Value.Currency != "GBP" || ct.Value.TotalPence <= 0 {
		t.Errorf("contract %+v", ct)
	}
	for query, want := range map[string]int{"status=" + ct.Status: 1, "status=terminated": 0, "provider_id=" + ct.Provider.ID: 1,
		"provider_id=" + noSuchID: 0, "q=CYP-2025": 1, "q=nothing": 0, "page=2": 0} {
		resp, body := apiGet(t, w.s, secret, "/api/v1/contracts?"+query)
		var page struct {
			Data  []json.RawMessage `json:"data"`
			Total int               `json:"total"`
		}
		apiJSON(t, resp, body, &page)
		if len(page.Data) != want {
			t.Errorf("?%s: %d contracts, want %d", query, len(page.Data), want)
		}
	}
	resp, body = apiGet(t, w.s, secret, "/api/v1/contracts/"+w.contractID)
	var one struct {
		ID string `json:"id"`
	}
	apiJSON(t, resp, body, &one)
	if one.ID != w.contractID {
		t.Errorf("contract %s", body)
	}
	for path, status := range map[string]int{"/api/v1/contracts/" + noSuchID: http.StatusNotFound, "/api/v1/contracts?status=lost": http.StatusBadRequest,
		"/api/v1/contracts?provider_id=acorn": http.StatusBadRequest, "/api/v1/contracts?page=0": http.StatusBadRequest} {
		resp, body := apiGet(t, w.s, secret, path)
		apiProblem(t, resp, body, status)
	}
	// The API's pages are for tokens: the officer's own session is refused there.
	if resp, body := apiRequest(t, w.oc.Client, w.s.URL, "", "/api/v1/contracts", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an officer's session on the API: %d %s", resp.StatusCode, body)
	}
}

// TestAPITokenPaymentsScopeNeedsFinance: a token that reads bank details can be made only by
// an administrator who may see them in the portal, that is, one who also has the finance role.
func TestAPITokenPaymentsScopeNeedsFinance(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	both := s.CreateUser(t, "fay@council.example", []auth.Role{auth.RoleAdmin, auth.RoleFinance}, "")
	c := s.SignIn(t, both, 0)
	exp := apiExpiry()
	resp, doc := c.Submit(t, "/admin/api-tokens/new", "/admin/api-tokens", url.Values{"name": {"Finance system"},
		"scopes": {"payments:read"}, "expires-day": {exp.Day}, "expires-month": {exp.Month}, "expires-year": {exp.Year}})
	if resp.StatusCode != http.StatusOK || !apiSecretPattern.MatchString(doc.Find("[data-secret]").AttrOr("value", "")) {
		t.Fatalf("admin with finance role: status %d, errors %v", resp.StatusCode, summaryLinks(doc))
	}
	if n := count(t, s, `SELECT count(*) FROM api_tokens WHERE 'payments:read' = ANY(scopes)`); n != 1 {
		t.Errorf("%d payments:read tokens, want 1", n)
	}
}

// TestAPITokenEndsWithItsMakersRoles: a token carries only what its maker may still hand
// on. A payments:read token stops reading payment details when its maker loses the finance
// role, and every token stops when its maker is disabled; the store refuses to make a
// payments:read token for an administrator without finance, whatever path asks.
func TestAPITokenEndsWithItsMakersRoles(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	s := w.s
	ada := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin, auth.RoleFinance}, "")
	bea := s.CreateUser(t, "bea@council.example", []auth.Role{auth.RoleAdmin}, "")
	payments := apiToken(t, s, ada, "Finance system", apitoken.PaymentsRead, apitoken.ProvidersRead)
	path := "/api/v1/providers/" + w.org + "/payment-details"
	if resp, body := apiGet(t, s, payments.Secret, path); resp.StatusCode != http.StatusOK {
		t.Fatalf("while ada holds finance: %d %s", resp.StatusCode, body)
	}

	_, err := apitoken.Create(audit.WithActor(context.Background(), audit.Actor{UserID: bea.ID, Email: bea.Email, Roles: bea.RoleNames}), s.DB,
		apitoken.NewToken{Name: "Round the role", Scopes: []string{string(apitoken.PaymentsRead)}, Expires: apiExpiry()}, time.Now())
	if apperr.FieldsOf(err)["scopes"] == "" {
		t.Errorf("an administrator without finance made a payments:read token: %v", err)
	}

	// Bea takes finance away from Ada (taking a role away needs no second person).
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: bea.ID, Email: bea.Email, Roles: bea.RoleNames})
	if _, err := s.Auth.SetRoles(ctx, ada.ID, []auth.Role{auth.RoleAdmin}, ada.Version); err != nil {
		t.Fatal(err)
	}
	resp, body := apiGet(t, s, payments.Secret, path)
	apiProblem(t, resp, body, http.StatusForbidden)
	if !strings.Contains(string(body), "no longer holds the roles") {
		t.Errorf("after ada lost finance: %s", body)
	}
	if resp, body := apiGet(t, s, payments.Secret, "/api/v1/providers"); resp.StatusCode != http.StatusOK {
		t.Errorf("providers:read still within ada's roles: %d %s", resp.StatusCode, body)
	}
	if err := s.Auth.Disable(ctx, ada.ID); err != nil {
		t.Fatal(err)
	}
	resp, body = apiGet(t, s, payments.Secret, "/api/v1/providers")
	apiProblem(t, resp, body, http.StatusUnauthorized)
	if !strings.Contains(string(body), "disabled or gone") {
		t.Errorf("after ada was disabled: %s", body)
	}
}

// A finance system reading payment details through the API gets the pair it pays: a 10-digit
// NatWest number as its last eight digits, with the number as issued beside it, as the
// payment file gives it. Details no bank could have issued (approved before the portal
// checked long numbers by bank) are refused with a problem, never handed over to be paid.
func TestAPIPaymentDetailsArePayable(t *testing.T) {
	t.Parallel()
	w := finSetUpWith(t, "Cedar Care Ltd", "601613", "0010000003")
	s := w.s
	admin := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin, auth.RoleFinance}, "")
	payments := apiToken(t, s, admin, "Finance system", apitoken.PaymentsRead)
	path := "/api/v1/providers/" + w.org + "/payment-details"
	resp, body := apiGet(t, s, payments.Secret, path)
	var got struct {
		SortCode              string `json:"sort_code"`
		AccountNumber         string `json:"account_number"`
		SortCodeAsIssued      string `json:"sort_code_as_issued"`
		AccountNumberAsIssued string `json:"account_number_as_issued"`
	}
	apiJSON(t, resp, body, &got)
	if got.SortCode != "601613" || got.AccountNumber != "10000003" || got.SortCodeAsIssued != "601613" || got.AccountNumberAsIssued != "0010000003" {
		t.Errorf("payment details %+v, want 601613 10000003 to pay, 0010000003 as issued", got)
	}

	// Reseal the details as a 10-digit number at a Barclays sort code, as an account approved
	// before the check could be.
	var id string
	if err := s.DB.Get(&id, `SELECT id FROM payment_details WHERE organisation_id = $1`, w.org); err != nil {
		t.Fatal(err)
	}
	sealed, err := s.Vault.SealBankAccount(vault.Row("payment_details", id), vault.BankAccount{SortCode: "200000", AccountNumber: "0010000003"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`UPDATE payment_details SET sort_code_sealed = $2, account_number_sealed = $3, sort_code_last2 = $4, account_last4 = $5
		WHERE id = $1`, id, sealed.SortCode, sealed.AccountNumber, sealed.SortCodeLast2, sealed.AccountLast4); err != nil {
		t.Fatal(err)
	}
	resp, body = apiGet(t, s, payments.Secret, path)
	apiProblem(t, resp, body, http.StatusConflict)
	if strings.Contains(string(body), "0010000003") {
		t.Errorf("the refusal shows the account: %s", body)
	}
}
