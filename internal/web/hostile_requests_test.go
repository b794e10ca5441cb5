package web_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/web"
)

// hostileRequest is one request of the walk and what it must come to.
type hostileRequest struct {
	client *hostileClient
	method string
	path   string
	// what names the request in a failure: route, variant and corpus value.
	what      string
	values    url.Values
	files     map[string]string
	multipart bool
	// notFound requests name a record that does not exist: they must be refused (4xx).
	notFound bool
	// page holds the form ("" when the walk did not find it).
	page string
}

// hostileHeaderLimit is the server's read buffer, which bounds a request's line and headers:
// a query string longer than that is refused by the server before any route.
const hostileHeaderLimit = 16 << 10

// send makes the request with the client's CSRF token and returns the status and, for an
// HTML page, the parsed document. A GET too long for the server's read buffer may see the
// connection closed instead of a status: that is reported as 431 (Request Header Fields Too
// Large), which is what the server answers when it gets to.
func (r hostileRequest) send(t *testing.T) (int, *goquery.Document, string) {
	t.Helper()
	values := url.Values{}
	for k, v := range r.values {
		values[k] = v
	}
	var req *http.Request
	var err error
	switch {
	case r.method == http.MethodGet:
		req, err = http.NewRequest(http.MethodGet, r.client.Base+r.path+"?"+values.Encode(), nil)
	case r.multipart:
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(w.WriteField("_csrf", r.client.csrf))
		for k, vs := range values {
			for _, v := range vs {
				must(w.WriteField(k, v))
			}
		}
		for k, content := range r.files {
			part, err := w.CreateFormFile(k, "hostile.pdf")
			must(err)
			_, err = part.Write([]byte(content))
			must(err)
		}
		must(w.Close())
		req, err = http.NewRequest(r.method, r.client.Base+r.path, &body)
		if err == nil {
			req.Header.Set("Content-Type", w.FormDataContentType())
		}
	default:
		values.Set("_csrf", r.client.csrf)
		req, err = http.NewRequest(r.method, r.client.Base+r.path, strings.NewReader(values.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err // without the URL, which holds the value
		}
		if r.method == http.MethodGet && len(req.URL.RawQuery) > hostileHeaderLimit {
			return http.StatusRequestHeaderFieldsTooLarge, nil, ""
		}
		t.Fatalf("%s: %v", r.what, err)
	}
	defer resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil, resp.Header.Get("Location")
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, doc, resp.Header.Get("Location")
}

// hostileVerdict says what is wrong with a POST's response, or "" when it refused as it
// must: a 4xx, or the form again (200) with a GOV.UK error summary, or a redirect back to
// the page holding the form (where a handler sends a stale submission to be shown the form
// anew: the fingerprint shows it stored nothing). A record that does not exist must be a 4xx.
// Where the walk did not find the form, only a 5xx is wrong here.
func hostileVerdict(r hostileRequest, status int, doc *goquery.Document, location string) string {
	back := ""
	if u, err := url.Parse(location); err == nil {
		back = u.Path
	}
	summary := doc != nil && doc.Find(".govuk-error-summary").Length() > 0
	switch {
	case status >= 500:
		return fmt.Sprintf("status %d", status)
	case !r.notFound && r.page != "" && (status == http.StatusForbidden || status == http.StatusUnauthorized && !summary):
		// The client may use the route: refused as not allowed (a stale CSRF token, a
		// session gone), the request never reached the handler and proves nothing.
		return fmt.Sprintf("status %d: the walk did not reach the handler", status)
	case status >= 400:
		return ""
	case r.notFound:
		return fmt.Sprintf("status %d for a record that does not exist, want 4xx", status)
	case r.page == "":
		// The walk did not find the form, so it cannot tell a refusal from an action that
		// takes no input and ignored every field: only a 5xx or something stored counts.
		return ""
	case status == http.StatusOK && summary:
		return ""
	case status == http.StatusOK:
		return "status 200 without an error summary: the input was accepted"
	case status == http.StatusSeeOther && back != "" && (back == r.page || (r.page == "" && back == r.path)):
		return ""
	}
	return fmt.Sprintf("status %d: the input was accepted", status)
}

// hostileSubmissions are the requests the walk posts to one form (or to a route whose form
// it did not find, with every field the views can render), for one corpus value:
//
//   - "every field": the value in every field, hidden ones and buttons included, the way a
//     script would send it; a date value goes in the date boxes only, the rest of the form
//     as the page showed it;
//   - "visible fields": the value in every field a person can type in or choose, the hidden
//     fields (versions, ids) and the button as the page had them, so the request gets past
//     the version check to validation;
//   - "multipart": every field again as multipart/form-data, for a form that uploads, with
//     the value as the content of each file.
//
// Each request must be refused. A value that is valid text is refused only where a field
// does not take free text; on a form with free text only, the first text field gets the
// value followed by a NUL, so the request is refused still (the round-trip test shows such
// text stored verbatim and shown escaped when it is sent on its own). A form with no field
// at all takes no input: only its path is attacked, with ids that do not exist.
func hostileSubmissions(f *hostileForm, v hostileValue) []hostileRequest {
	rendered := func(fl hostileField) (string, bool) { return fl.value, !fl.unset }
	build := func(variant string, pick func(hostileField) (string, bool)) hostileRequest {
		r := hostileRequest{what: variant, values: url.Values{}}
		for _, fl := range f.fields {
			if val, ok := pick(fl); ok {
				r.values.Set(fl.name, val)
			}
		}
		return r
	}
	poison := func(r hostileRequest, kinds ...string) hostileRequest {
		if v.invalid || f.structured(kinds...) {
			return r
		}
		for _, fl := range f.fields {
			if fl.kind == "text" {
				r.values.Set(fl.name, v.value+"\x00")
				r.what += " (with a NUL in " + fl.name + ")"
				return r
			}
		}
		return r
	}
	var out []hostileRequest
	if v.date != nil {
		if !f.structured("date") {
			return nil
		}
		out = append(out, build("date boxes", func(fl hostileField) (string, bool) {
			for i, suffix := range []string{"-day", "-month", "-year"} {
				if fl.kind == "date" && strings.HasSuffix(fl.name, suffix) {
					return v.date[i], true
				}
			}
			return rendered(fl)
		}))
	} else {
		if len(f.fields) == 0 {
			return nil
		}
		all := func(hostileField) (string, bool) { return v.value, true }
		// Sent urlencoded, a file input is text the handler ignores: it refuses nothing.
		every := poison(build("every field", all), "date", "hidden", "button", "choice", "structured")
		out = append(out, every)
		if f.structured("hidden", "button") && slices.ContainsFunc(f.fields, func(fl hostileField) bool {
			return fl.kind != "hidden" && fl.kind != "button"
		}) {
			out = append(out, poison(build("visible fields", func(fl hostileField) (string, bool) {
				if fl.kind == "hidden" || fl.kind == "button" {
					return rendered(fl)
				}
				return v.value, true
			}), "date", "choice", "structured"))
		}
		if f.multipart {
			mp := every
			mp.what, mp.multipart, mp.files = "multipart "+every.what, true, map[string]string{}
			mp.values = url.Values{}
			for k, vs := range every.values {
				mp.values[k] = vs
			}
			for _, fl := range f.fields {
				if fl.kind == "file" {
					mp.values.Del(fl.name)
					mp.files[fl.name] = v.value
				}
			}
			out = append(out, mp)
		}
	}
	return out
}

// hostileTarget is a POST route with a concrete path and the form (or fallback fields) to
// post there.
type hostileTarget struct {
	route  web.Route
	client *hostileClient
	path   string // "" when no record was found for the route's parameters
	form   *hostileForm
}

// hostileTargets pairs every POST route (API routes aside: they take JSON, not forms) with
// the forms the crawl found for it, one per distinct set of fields, or failing that with the
// fields of every view, a client the rule lets through and the parameters of a page the
// client saw below the same path.
func (a *hostileApp) hostileTargets(t *testing.T, forms []*hostileForm, visited map[*hostileClient][]string) []hostileTarget {
	t.Helper()
	fallback := hostileFallbackFields(t)
	var out []hostileTarget
	for _, r := range a.routes {
		if r.Method == http.MethodGet || strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		re := hostilePattern(r.Path)
		seen := map[string]bool{}
		found := false
		for _, f := range forms {
			if f.method != r.Method || !re.MatchString(f.action) || (r.Rule.Stage != "" && !f.client.may(r.Rule)) || seen[f.signature()] {
				continue
			}
			seen[f.signature()] = true
			found = true
			out = append(out, hostileTarget{route: r, client: f.client, path: f.action, form: f})
		}
		if found {
			continue
		}
		tg := hostileTarget{route: r, form: &hostileForm{method: r.Method, fields: fallback}}
		for _, h := range a.clients {
			if h.may(r.Rule) {
				tg.client = h
				break
			}
		}
		if tg.client == nil {
			t.Fatalf("%s %s: no client of the walk may use it", r.Method, r.Path)
		}
		tg.form.client = tg.client
		tg.path = hostileDerivePath(r.Path, visited[tg.client])
		out = append(out, tg)
	}
	return out
}

// hostileDerivePath fills pattern's parameters from a visited page whose path starts with
// the pattern's up to its last parameter ("/returns/ID" for "/returns/:id/record"), or
// returns "" when no visited page does.
func hostileDerivePath(pattern string, visited []string) string {
	params := regexp.MustCompile(`:[A-Za-z_][A-Za-z0-9_]*`).FindAllStringIndex(pattern, -1)
	if len(params) == 0 {
		return pattern
	}
	prefix := pattern[:params[len(params)-1][1]]
	re := regexp.MustCompile(strings.TrimSuffix(hostilePattern(prefix).String(), "$") + `(?:/|$)`)
	for _, p := range visited {
		if m := re.FindStringSubmatch(p); m != nil {
			return hostileFill(pattern, m[1:])
		}
	}
	return ""
}

// hostileBogusPaths are path with each parameter in turn replaced by each bogus id; a path
// of "" (no record found) gives the pattern with every parameter bogus.
func hostileBogusPaths(pattern, path string) []string {
	re := hostilePattern(pattern)
	n := len(re.SubexpNames()) - 1
	if n == 0 {
		return nil
	}
	real := make([]string, n)
	if m := re.FindStringSubmatch(path); m != nil {
		for i := range real {
			real[i], _ = url.PathUnescape(m[i+1])
		}
	}
	var out []string
	for _, bogus := range hostileBogusIDs {
		if path == "" {
			all := make([]string, n)
			for i := range all {
				all[i] = bogus
			}
			out = append(out, hostileFill(pattern, all))
			continue
		}
		for i := range real {
			values := slices.Clone(real)
			values[i] = bogus
			out = append(out, hostileFill(pattern, values))
		}
	}
	return out
}

// TestHostileWalkHelpers pins how the walk fills paths and builds its requests, so a change
// that made it send nothing hostile (or only valid text) shows here.
func TestHostileWalkHelpers(t *testing.T) {
	if re := hostilePattern("/dashboard/:list.csv"); !re.MatchString("/dashboard/overdue.csv") || re.MatchString("/dashboard/overdue.xlsx") || re.MatchString("/dashboard/a/b.csv") {
		t.Error("hostilePattern(/dashboard/:list.csv)")
	}
	if got := hostileFill("/x/:id/y/:token", []string{"1", "a b"}); got != "/x/1/y/a%20b" {
		t.Errorf("hostileFill = %s", got)
	}
	if got := hostileDerivePath("/returns/:id/record", []string{"/returns", "/returns/r1"}); got != "/returns/r1/record" {
		t.Errorf("hostileDerivePath = %q", got)
	}
	if got := hostileDerivePath("/returns/:id/record", []string{"/contracts/c1"}); got != "" {
		t.Errorf("hostileDerivePath with no record = %q", got)
	}
	bogus := hostileBogusPaths("/x/:id/y/:token", "/x/A/y/B")
	if len(bogus) != 2*len(hostileBogusIDs) || !slices.Contains(bogus, "/x/A/y/"+url.PathEscape(hostileBogusIDs[0])) ||
		!slices.Contains(bogus, "/x/"+url.PathEscape(hostileBogusIDs[1])+"/y/B") {
		t.Errorf("hostileBogusPaths = %v", bogus)
	}
	if got := hostileBogusPaths("/x/:id", ""); len(got) != len(hostileBogusIDs) {
		t.Errorf("hostileBogusPaths without a record = %v", got)
	}

	text := hostileField{name: "notes", kind: "text"}
	version := hostileField{name: "version", kind: "hidden", value: "3"}
	day, month, year := hostileField{name: "d-day", kind: "date", value: "1"}, hostileField{name: "d-month", kind: "date", value: "2"}, hostileField{name: "d-year", kind: "date", value: "2024"}
	sql, nul, date := hostileNamed(t, "SQL tautology"), hostileNamed(t, "NUL byte"), hostileNamed(t, "date 31/12/9999")
	tests := []struct {
		name   string
		form   hostileForm
		value  hostileValue
		want   []url.Values
		files  int
		poison bool
	}{
		{"free text only: a NUL added", hostileForm{fields: []hostileField{text}}, sql, []url.Values{{"notes": {sql.value + "\x00"}}}, 0, true},
		{"a value no field may hold", hostileForm{fields: []hostileField{text}}, nul, []url.Values{{"notes": {nul.value}}}, 0, false},
		{"hidden fields: every field, then the visible ones", hostileForm{fields: []hostileField{text, version}}, sql,
			[]url.Values{{"notes": {sql.value}, "version": {sql.value}}, {"notes": {sql.value + "\x00"}, "version": {"3"}}}, 0, false},
		{"date boxes", hostileForm{fields: []hostileField{text, day, month, year}}, date,
			[]url.Values{{"notes": {""}, "d-day": {"31"}, "d-month": {"12"}, "d-year": {"9999"}}}, 0, false},
		{"no date boxes", hostileForm{fields: []hostileField{text}}, date, nil, 0, false},
		{"no fields", hostileForm{}, nul, nil, 0, false},
		{"an upload", hostileForm{multipart: true, fields: []hostileField{{name: "file", kind: "file"}, {name: "kind", kind: "choice"}}}, sql,
			[]url.Values{{"file": {sql.value}, "kind": {sql.value}}, {"kind": {sql.value}}}, 1, false},
	}
	for _, tt := range tests {
		got := hostileSubmissions(&tt.form, tt.value)
		if len(got) != len(tt.want) || len(got) == 0 {
			if len(got) != len(tt.want) {
				t.Errorf("%s: %d requests, want %d", tt.name, len(got), len(tt.want))
			}
			continue
		}
		for i, r := range got {
			if r.values.Encode() != tt.want[i].Encode() {
				t.Errorf("%s: request %d (%s) sends %v, want %v", tt.name, i, r.what, r.values, tt.want[i])
			}
		}
		if n := len(got[len(got)-1].files); n != tt.files {
			t.Errorf("%s: %d files", tt.name, n)
		}
		if poisoned := strings.Contains(got[0].what, "NUL"); poisoned != tt.poison {
			t.Errorf("%s: %q", tt.name, got[0].what)
		}
	}
}

// hostileNamed is the corpus entry of that name.
func hostileNamed(t *testing.T, name string) hostileValue {
	t.Helper()
	for _, v := range hostileCorpus {
		if v.name == name {
			return v
		}
	}
	t.Fatalf("no corpus entry %q", name)
	return hostileValue{}
}
