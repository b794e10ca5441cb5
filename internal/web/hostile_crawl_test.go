package web_test

import (
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	portal "github.com/council/provider-portal"
	"github.com/council/provider-portal/internal/web"
)

// hostileField is one named control of a form, as the page rendered it.
type hostileField struct {
	name, value string
	// kind is text (free text: text, password and search inputs, textareas), date (a box of
	// a date input), hidden, button, choice (select, radio, checkbox), file, or structured
	// (any other input type, or inputmode numeric).
	kind string
	// unset is a checkbox or radio the page left unticked, or a button other than the one
	// Enter presses: a browser sends nothing for it.
	unset bool
}

// hostileForm is a form found on a page.
type hostileForm struct {
	client    *hostileClient
	page      string
	method    string
	action    string
	multipart bool
	fields    []hostileField
}

// signature names the form's fields, so forms that differ only in the record they name are
// walked once.
func (f *hostileForm) signature() string {
	var names []string
	for _, fl := range f.fields {
		names = append(names, fl.name)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// structured reports whether a field of one of kinds is not free text, so a value that is
// valid text is still refused by it.
func (f *hostileForm) structured(kinds ...string) bool {
	return slices.ContainsFunc(f.fields, func(fl hostileField) bool { return slices.Contains(kinds, fl.kind) })
}

// hostileParam is a parameter of a route's path: ":id", or the wildcard.
var hostileParam = regexp.MustCompile(`:[A-Za-z_][A-Za-z0-9_]*|\*`)

// hostilePatterns caches hostilePattern: the crawl matches every link against every route.
var hostilePatterns sync.Map

// hostilePattern matches a route's path with its parameters filled in.
func hostilePattern(path string) *regexp.Regexp {
	if re, ok := hostilePatterns.Load(path); ok {
		return re.(*regexp.Regexp)
	}
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, m := range hostileParam.FindAllStringIndex(path, -1) {
		b.WriteString(regexp.QuoteMeta(path[last:m[0]]))
		if path[m[0]] == '*' {
			b.WriteString("(.*)")
		} else {
			b.WriteString("([^/]+?)")
		}
		last = m[1]
	}
	b.WriteString(regexp.QuoteMeta(path[last:]))
	b.WriteString("$")
	re := regexp.MustCompile(b.String())
	hostilePatterns.Store(path, re)
	return re
}

// hostileFill replaces the parameters of pattern in order with values.
func hostileFill(pattern string, values []string) string {
	i := 0
	return hostileParam.ReplaceAllStringFunc(pattern, func(string) string {
		v := values[i]
		i++
		return url.PathEscape(v)
	})
}

// hostileDownload reports whether a GET route serves a file rather than a page, which the
// crawl does not need to fetch.
func hostileDownload(pattern string) bool {
	last := pattern[strings.LastIndex(pattern, "/")+1:]
	return strings.Contains(last, ".") || last == "export" || strings.HasPrefix(pattern, "/documents/")
}

// hostileCrawl visits, as each client, every page the client may see and returns the forms
// on them, and for each client the concrete paths visited. It starts from the routes without
// parameters, the seeds and the links in queued mail, and follows links and filter forms.
// Of the pages of one route it visits two, and more (up to eight) while they keep showing
// forms not seen yet: a record's page shows different forms in different states.
func (a *hostileApp) hostileCrawl(t *testing.T, seeds []string) ([]*hostileForm, map[*hostileClient][]string) {
	t.Helper()
	seeds = append(slices.Clone(seeds), a.mailedLinks(t)...)
	var forms []*hostileForm
	seenForm := map[string]bool{}
	visited := map[*hostileClient][]string{}
	for _, h := range a.clients {
		var gets []web.Route
		for _, r := range a.routes {
			if r.Method == http.MethodGet && h.may(r.Rule) && !hostileDownload(r.Path) && !strings.HasPrefix(r.Path, "/api/") {
				gets = append(gets, r)
			}
		}
		routeOf := func(p string) string {
			p, _, _ = strings.Cut(p, "?")
			for _, r := range gets {
				if hostilePattern(r.Path).MatchString(p) {
					return r.Path
				}
			}
			return ""
		}
		queued, visits, stale := map[string]int{}, map[string]int{}, map[string]int{}
		seen := map[string]bool{}
		var queue []string
		enqueue := func(p string) {
			if route := routeOf(p); route != "" && !seen[p] && queued[route] < 8 {
				queued[route]++
				seen[p] = true
				queue = append(queue, p)
			}
		}
		for _, r := range gets {
			if !strings.ContainsAny(r.Path, ":*") {
				enqueue(r.Path)
			}
		}
		for _, p := range seeds {
			enqueue(p)
		}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			route := routeOf(p)
			if visits[route] >= 2 && stale[route] >= 2 {
				continue
			}
			visits[route]++
			newForms := false
			resp, err := h.Client.Client.Get(h.Base + p)
			if err != nil {
				t.Fatalf("%s: GET %s: %v", h.name, p, err)
			}
			if resp.StatusCode >= 500 {
				t.Errorf("%s: GET %s: status %d", h.name, p, resp.StatusCode)
			}
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				resp.Body.Close()
				continue
			}
			doc, err := goquery.NewDocumentFromReader(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			path, _, _ := strings.Cut(p, "?")
			visited[h] = append(visited[h], path)
			doc.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
				if u, err := url.Parse(s.AttrOr("href", "")); err == nil && u.Host == "" && strings.HasPrefix(u.Path, "/") {
					enqueue(u.Path)
				}
			})
			doc.Find("form").Each(func(_ int, s *goquery.Selection) {
				f := hostileReadForm(h, path, s)
				if f.method == http.MethodGet {
					enqueue(f.action)
				}
				key := h.name + " " + f.method + " " + hostileRouteKey(a.routes, f.method, f.action) + " " + f.signature()
				if !seenForm[key] {
					seenForm[key] = true
					newForms = true
					forms = append(forms, f)
				}
			})
			if !newForms && visits[route] > 1 {
				stale[route]++
			}
		}
	}
	return forms, visited
}

// hostileRouteKey is the pattern of the route a form posts to, so forms that differ only in
// the record in their action count once; the action itself when no route matches.
func hostileRouteKey(routes []web.Route, method, action string) string {
	for _, r := range routes {
		if r.Method == method && hostilePattern(r.Path).MatchString(action) {
			return r.Path
		}
	}
	return action
}

// mailedLinks are the paths of the portal's links in queued mail (invitations, password
// resets), which no page links to.
func (a *hostileApp) mailedLinks(t *testing.T) []string {
	t.Helper()
	var bodies []string
	if err := a.s.DB.Select(&bodies, `SELECT body FROM outbox ORDER BY created_at`); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range bodies {
		for _, link := range regexp.MustCompile(`https?://\S+`).FindAllString(b, -1) {
			if strings.HasPrefix(link, a.s.URL+"/") {
				out = append(out, strings.TrimPrefix(link, a.s.URL))
			}
		}
	}
	return out
}

// hostileReadForm reads a form's method, action, encoding and named controls.
func hostileReadForm(h *hostileClient, page string, s *goquery.Selection) *hostileForm {
	f := &hostileForm{client: h, page: page, method: strings.ToUpper(s.AttrOr("method", "GET")), action: page,
		multipart: s.AttrOr("enctype", "") == "multipart/form-data"}
	if action, ok := s.Attr("action"); ok && action != "" {
		if u, err := url.Parse(action); err == nil {
			f.action = u.Path
		}
	}
	// The button a browser sends is the form's first submit control (what Enter presses),
	// named or not; other named buttons are sent only when the walk puts a value in them.
	submits := s.Find(`input[type="submit"], input[type="image"], button:not([type]), button[type="submit"]`)
	pressed := submits.First()
	index := map[string]int{}
	s.Find("input, select, textarea, button").Each(func(_ int, in *goquery.Selection) {
		name := in.AttrOr("name", "")
		if name == "" || name == "_csrf" {
			return
		}
		fl := hostileField{name: name, value: in.AttrOr("value", "")}
		typ := strings.ToLower(in.AttrOr("type", "text"))
		switch goquery.NodeName(in) {
		case "textarea":
			fl.kind, fl.value = "text", in.Text()
		case "select":
			fl.kind = "choice"
			opt := in.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = in.Find("option").First()
			}
			fl.value = opt.AttrOr("value", strings.TrimSpace(opt.Text()))
		case "button":
			fl.kind, fl.unset = "button", !in.IsSelection(pressed)
		default:
			switch {
			case typ == "hidden":
				fl.kind = "hidden"
			case typ == "submit" || typ == "image" || typ == "button":
				fl.kind, fl.unset = "button", !in.IsSelection(pressed)
			case typ == "radio" || typ == "checkbox":
				fl.kind = "choice"
				_, checked := in.Attr("checked")
				fl.unset = !checked
			case typ == "file":
				fl.kind = "file"
			case strings.HasSuffix(name, "-day") || strings.HasSuffix(name, "-month") || strings.HasSuffix(name, "-year"):
				fl.kind = "date"
			case (typ == "text" || typ == "password" || typ == "search") && in.AttrOr("inputmode", "") != "numeric":
				fl.kind = "text"
			default:
				fl.kind = "structured"
			}
		}
		if i, ok := index[name]; ok {
			// A group of radios or checkboxes, or several buttons: one entry, the ticked
			// value (or the pressed button) standing for it.
			if f.fields[i].unset && !fl.unset {
				f.fields[i] = fl
			}
			return
		}
		index[name] = len(f.fields)
		f.fields = append(f.fields, fl)
	})
	return f
}

// hostileFallbackFields are every field name the views can render, for a POST route whose
// form the crawl did not reach: names written in the templates, and the first argument of
// the field, choice and dateField helpers (a date's three boxes).
func hostileFallbackFields(t *testing.T) []hostileField {
	t.Helper()
	names := map[string]string{}
	literal := regexp.MustCompile(`name="([A-Za-z0-9_\-]+)"`)
	helper := regexp.MustCompile(`\((field|choice|dateField)\s+"([A-Za-z0-9_\-]+)"`)
	err := fs.WalkDir(portal.Views, "views", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(portal.Views, path)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			names[m[1]] = "text"
		}
		for _, m := range helper.FindAllStringSubmatch(string(b), -1) {
			switch m[1] {
			case "dateField":
				for _, part := range []string{"-day", "-month", "-year"} {
					names[m[2]+part] = "date"
				}
			case "choice":
				names[m[2]] = "choice"
			default:
				names[m[2]] = "text"
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	delete(names, "_csrf")
	var out []hostileField
	for n, kind := range names {
		out = append(out, hostileField{name: n, kind: kind})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
