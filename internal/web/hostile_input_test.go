package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// hostileValue is one entry of the hostile input corpus.
type hostileValue struct {
	name  string
	value string
	// invalid values must be refused wherever they are sent: no field of any form may hold
	// them (NUL, control characters, bytes that are not UTF-8, more than any field's limit).
	invalid bool
	// date, when set, is sent in the three boxes of every GOV.UK date input (name-day,
	// name-month, name-year) while the form's other fields keep what the page showed.
	date []string
}

// hostileCorpus is what the walk sends: injection attempts, values no field may hold, numbers
// beyond every range a column has, and dates at the ends of the calendar, both as ISO text
// and in the split boxes.
var hostileCorpus = []hostileValue{
	{name: "SQL tautology", value: "' OR 1=1 --"},
	{name: "SQL statement", value: "'); DROP TABLE providers; --"},
	{name: "script tag", value: "<script>alert(1)</script>"},
	{name: "attribute break-out", value: `"><img src=x onerror=alert(1)>`},
	{name: "100,000 characters", value: strings.Repeat("a", 100_000), invalid: true},
	{name: "10,001 characters", value: strings.Repeat("b", 10_001), invalid: true},
	{name: "NUL byte", value: "a\x00b", invalid: true},
	{name: "escape character", value: "a\x1bb", invalid: true},
	{name: "invalid UTF-8", value: "\xff\xfe\xfd", invalid: true},
	{name: "25-digit number", value: "9999999999999999999999999"},
	{name: "minus one", value: "-1"},
	{name: "below int64", value: "-9223372036854775809"},
	{name: "1e308", value: "1e308"},
	{name: "NaN", value: "NaN"},
	{name: "ISO year 0", value: "0000-01-01"},
	{name: "ISO year 9999", value: "9999-12-31"},
	{name: "date 0/0/0", date: []string{"0", "0", "0"}},
	{name: "date 31/12/9999", date: []string{"31", "12", "9999"}},
	{name: "date -1/-1/-1", date: []string{"-1", "-1", "-1"}},
}

// hostileBogusIDs replace a path parameter in turn: no record has them, and those that are
// not UUIDs must not reach a uuid column as such.
var hostileBogusIDs = []string{"00000000-0000-0000-0000-000000000000", "1' OR '1'='1"}

// TestHostileInput posts a corpus of hostile values (SQL and script injection attempts,
// over-long text, NUL and other control characters, bytes that are not UTF-8, numbers past
// every range, dates in year 0 and 9999, in the ISO form and in GOV.UK date boxes) to every
// field of every form of every POST route, as the role that uses it, over the demonstration
// data; sends the same corpus to every filter form (GET); and posts each form to each route
// with every path parameter in turn replaced by an id that does not exist.
//
// Forms are found, not listed: a crawl visits, as each role, every page it may see (over
// the demonstration data and a few fixtures, with the links in queued mail) and reads each
// form's fields, so a route added later is walked as soon as a page links to its form, and
// before that with every field name the views contain. API routes (/api/) take JSON, not
// forms, and are left to their own tests.
//
// Each POST must be refused: never a 5xx; a 4xx, or the form again with a GOV.UK error
// summary (or a redirect back to the page holding it); and nothing stored. Where the walk
// did not find the form it cannot tell a refusal from an action that takes no input, so
// there only a 5xx or something stored fails. A record that does not exist must be a 4xx.
// Filter forms must never answer 5xx. Nothing stored is checked with a fingerprint of every
// table (hostileUnfingerprinted lists the few a refusal may legitimately write, and why):
// taken after each form's requests, and when it changed, again after each request sent
// anew, to name the one that stored something.
//
// Nothing stored is strict: some corpus values (an SQL fragment, a script tag) are perfectly
// good text, and a form that takes only free text would rightly save them. So every request
// the walk sends is invalid in at least one way the application must reject: values no field
// may hold (NUL, control characters, invalid UTF-8, more than any field's limit) are refused
// by every field, through form.Decode or form.Text; the other values are refused by the
// structured fields of the form (dates, numbers, choices, e-mail addresses, versions), and
// where a form has only free text the walk adds a NUL to the first text field (see
// hostileSubmissions). That such text, saved on its own, is stored verbatim and shown escaped
// is TestHostileTextRoundTrip's to show.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	start := time.Now()
	a := newHostileApp(t)
	a.stepUp(t)
	forms, visited := a.hostileCrawl(t, a.seeds(t))
	t.Logf("set up and crawled in %s", time.Since(start).Round(time.Millisecond))
	targets := a.hostileTargets(t, forms, visited)
	fingerprint := hostileFingerprint(t, a.s)

	tally := &hostileTally{failures: map[string][]string{}, requests: map[string]int{}}
	fail, requests := tally.fail, tally.requests
	withForm, noInput := map[string]bool{}, map[string]bool{}
	// The fingerprint is taken after each request the application did not refuse outright
	// (a 2xx or 3xx: those that could have saved), and after each form's requests. When the
	// latter shows a change none of the former did, a refusal stored something: the refused
	// requests are sent again one at a time, a fingerprint after each, to name it. That keeps
	// the walk well short of a fingerprint per request.
	before := a.state(t, fingerprint)
	stored := func(route string, r hostileRequest, status int) bool {
		after := a.state(t, fingerprint)
		changed := hostileChanged(before, after)
		if len(changed) > 0 {
			fail(route, fmt.Sprintf("%s as %s (status %d) stored something in %s", r.what, r.client.name, status, strings.Join(changed, ", ")))
		}
		before = after
		return len(changed) > 0
	}
	send := func(route string, r hostileRequest) int {
		status, doc, location := r.send(t)
		requests[route]++
		if msg := hostileVerdict(r, status, doc, location); msg != "" {
			detail := ""
			if doc != nil {
				detail = strings.Join(strings.Fields(doc.Find(".govuk-error-summary__list, [data-message], main p").First().Text()), " ")
				if len(detail) > 200 {
					detail = detail[:200]
				}
			}
			fail(route, fmt.Sprintf("%s as %s: %s %s", r.what, r.client.name, msg, detail))
		}
		if status < 400 {
			stored(route, r, status)
		}
		return status
	}
	for _, tg := range targets {
		route := tg.route.Method + " " + tg.route.Path
		if tg.client.name == "finance" {
			a.stepUp(t)
		}
		if tg.form.page != "" && len(tg.form.fields) == 0 {
			noInput[route] = true
		}
		var batch []hostileRequest
		if tg.path != "" {
			withForm[route] = withForm[route] || tg.form.page != ""
			for _, v := range hostileCorpus {
				if tg.form.page == "" && len(v.value) > 50_000 {
					// In each of the hundreds of field names of the views, this would be more
					// than the body limit, refused by the server before any route.
					continue
				}
				for _, r := range hostileSubmissions(tg.form, v) {
					r.client, r.method, r.path, r.page = tg.client, tg.route.Method, tg.path, tg.form.page
					r.what = fmt.Sprintf("%s %s, %s, %s", r.method, r.path, r.what, v.name)
					batch = append(batch, r)
				}
			}
		}
		for _, p := range hostileBogusPaths(tg.route.Path, tg.path) {
			r := hostileRequest{client: tg.client, method: tg.route.Method, path: p, notFound: true, values: url.Values{}}
			for _, fl := range tg.form.fields {
				if !fl.unset && tg.form.page != "" {
					r.values.Set(fl.name, fl.value)
				}
			}
			r.what = fmt.Sprintf("%s %s (no such record)", r.method, p)
			batch = append(batch, r)
		}
		var refused []hostileRequest
		for _, r := range batch {
			if send(route, r) >= 400 {
				refused = append(refused, r)
			}
		}
		if after := a.state(t, fingerprint); len(hostileChanged(before, after)) > 0 {
			tables := hostileChanged(before, after)
			before = after
			found := false
			for _, r := range refused {
				status, _, _ := r.send(t)
				found = stored(route, r, status) || found
			}
			if !found {
				fail(route, fmt.Sprintf("a refused request stored something in %s; sent again one by one, none did", strings.Join(tables, ", ")))
			}
		}
		if tg.client.stage == auth.StageFull && !signedIn(t, tg.client.Client) {
			t.Fatalf("%s: the walk's requests ended %s's session", route, tg.client.name)
		}
	}

	a.walkFilters(t, forms, tally)
	a.walkMissingPages(t, visited, tally)
	tally.report(t)

	total := 0
	for _, r := range a.routes {
		route := r.Method + " " + r.Path
		if r.Method != http.MethodGet && !strings.HasPrefix(r.Path, "/api/") && requests[route] == 0 && !noInput[route] {
			t.Errorf("%s: the walk sent it nothing", route)
		}
	}
	var fallback []string
	for _, tg := range targets {
		route := tg.route.Method + " " + tg.route.Path
		if !withForm[route] && !slices.Contains(fallback, route) {
			fallback = append(fallback, route)
		}
	}
	for _, n := range requests {
		total += n
	}
	// The crawl must have reached the forms of the routes it exists for; were it to find
	// none, the walk would send only the views' field names and prove little.
	for _, want := range []string{"POST /provider/sections/:section", "POST /returns/:id/query", "POST /quality/visits/:id/actions",
		"POST /admin/users", "POST /dpo/breaches", "POST /dpo/breaches/:id/report", "POST /finance/export-profiles", "POST /sign-in",
		"POST /provider/returns/:id", "POST /provider/returns/:id/answer", "POST /password-reset/:token"} {
		if !withForm[want] {
			t.Errorf("the crawl did not find the form of %s", want)
		}
	}
	var none []string
	for route := range noInput {
		none = append(none, route)
	}
	sort.Strings(none)
	t.Logf("%d requests; %d forms found; forms that take no input (only their paths attacked): %s; "+
		"routes without a form found (walked with every field name, or with made-up records only): %s",
		total, len(forms), strings.Join(none, ", "), strings.Join(fallback, ", "))
}

// hostileTally collects the walk's failures by route, to report them grouped, and counts
// its requests by route.
type hostileTally struct {
	failures map[string][]string
	requests map[string]int
}

func (y *hostileTally) fail(route, msg string) { y.failures[route] = append(y.failures[route], msg) }

// report fails the test once per route that failed, with its first few failures.
func (y *hostileTally) report(t *testing.T) {
	t.Helper()
	var routes []string
	for route := range y.failures {
		routes = append(routes, route)
	}
	sort.Strings(routes)
	for _, route := range routes {
		msgs := y.failures[route]
		shown := msgs
		if len(shown) > 8 {
			shown = shown[:8]
		}
		t.Errorf("%s: %d failures:\n  %s", route, len(msgs), strings.Join(shown, "\n  "))
	}
}

// walkFilters sends the corpus to every filter form (a form that GETs): never a 5xx.
func (a *hostileApp) walkFilters(t *testing.T, forms []*hostileForm, tally *hostileTally) {
	t.Helper()
	seen := map[string]bool{}
	for _, f := range forms {
		key := f.action + " " + f.signature()
		if f.method != http.MethodGet || len(f.fields) == 0 || seen[key] {
			continue
		}
		seen[key] = true
		for _, v := range hostileCorpus {
			for _, r := range hostileSubmissions(f, v) {
				r.client, r.method, r.path = f.client, http.MethodGet, f.action
				r.what = fmt.Sprintf("GET %s, %s, %s", f.action, r.what, v.name)
				status, _, _ := r.send(t)
				tally.requests["GET "+f.action]++
				if status >= 500 {
					tally.fail("GET "+f.action, fmt.Sprintf("%s as %s: status %d", r.what, f.client.name, status))
				}
			}
		}
	}
}

// walkMissingPages asks, as each client, for every page with parameters it visited with each
// parameter in turn naming a record that does not exist: a 4xx.
func (a *hostileApp) walkMissingPages(t *testing.T, visited map[*hostileClient][]string, tally *hostileTally) {
	t.Helper()
	for h, paths := range visited {
		done := map[string]bool{}
		for _, p := range paths {
			for _, r := range a.routes {
				if r.Method != http.MethodGet || !strings.Contains(r.Path, ":") || done[r.Path] || !h.may(r.Rule) || !hostilePattern(r.Path).MatchString(p) {
					continue
				}
				done[r.Path] = true
				for _, bp := range hostileBogusPaths(r.Path, p) {
					req := hostileRequest{client: h, method: http.MethodGet, path: bp, what: "GET " + bp + " (no such record)", notFound: true}
					status, _, _ := req.send(t)
					tally.requests["GET "+r.Path]++
					if status < 400 || status >= 500 {
						tally.fail("GET "+r.Path, fmt.Sprintf("%s as %s: status %d, want 4xx", req.what, h.name, status))
					}
				}
			}
		}
	}
}

// TestHostileTextRoundTrip is the other half of TestHostileInput's rule: SQL and markup are
// valid text, so a free-text field saved with nothing else wrong keeps them exactly as typed,
// and every page shows them as text, never as markup or a query.
func TestHostileTextRoundTrip(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Round Trip Fostering Ltd")
	u := s.CreateUser(t, "pat@roundtrip.example", []auth.Role{auth.RoleProvider}, org)
	c, csrf := sessionAs(t, s, u.ID, auth.StageFull)
	for _, name := range []string{"SQL tautology", "SQL statement", "script tag", "attribute break-out"} {
		v := hostileNamed(t, name)
		t.Run(v.name, func(t *testing.T) {
			_, page := c.Get(t, "/provider/sections/organisation")
			values := isoSectionForm("organisation")
			values.Set("legal_name", v.value)
			values.Set("_csrf", csrf)
			values.Set("version", page.Find(`form input[name="version"]`).AttrOr("value", ""))
			resp, doc := c.Post(t, "/provider/sections/organisation", values)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save: status %d, %v", resp.StatusCode, summaryLinks(doc))
			}
			var stored string
			if err := s.DB.Get(&stored, `SELECT data->>'legal_name' FROM provider_sections WHERE organisation_id = $1 AND section = 'organisation'`, org); err != nil {
				t.Fatal(err)
			}
			if stored != v.value {
				t.Errorf("stored %q, want it verbatim: %q", stored, v.value)
			}
			for _, path := range []string{"/provider/sections/organisation", "/provider/sections/organisation/check"} {
				resp, err := c.Client.Get(c.Base + path)
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find("main").Text()+doc.Find("main input#legal_name").AttrOr("value", ""), v.value) {
					t.Errorf("%s: status %d; the name is not shown as typed", path, resp.StatusCode)
				}
				if bytes.Contains(body, []byte(v.value)) && strings.ContainsAny(v.value, `<>"`) {
					t.Errorf("%s: the page carries %q unescaped", path, v.value)
				}
				if n := doc.Find("img[onerror], script:not([src])").Length(); n != 0 {
					t.Errorf("%s: the text became %d elements", path, n)
				}
			}
		})
	}
	// The statement was text, not SQL: every table is still there.
	if n := count(t, s, `SELECT count(*) FROM organisations WHERE id = $1`, org); n != 1 {
		t.Errorf("the organisation is gone: %d", n)
	}
}
