package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// siteFiles serve the site's own pages at the root, which have no area of their own.
var siteFiles = map[string]string{
	"/":              "home",
	"/healthz":       "health",
	"/readyz":        "health",
	"/accessibility": "content_pages",
	"/cookies":       "content_pages",
}

// segmentsOf is a path's static segments as a file name writes them: "api-tokens" is
// api_tokens, "providers.csv" is providers; parameters and the API version are left out.
func segmentsOf(path string) []string {
	var out []string
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		if seg == "" || strings.HasPrefix(seg, ":") || seg == "v1" {
			continue
		}
		if i := strings.IndexByte(seg, '.'); i > 0 {
			seg = seg[:i]
		}
		out = append(out, strings.ReplaceAll(seg, "-", "_"))
	}
	return out
}

// forms are a segment's singular and plural.
func forms(seg string) []string { return []string{seg, strings.TrimSuffix(seg, "s")} }

// routeAreas are the names a route's handler file may start with: its first segment, or
// the first segments joined, each singular or plural (a handler for /dpo/breaches/:id/close
// lives in dpo_breach_close.go, whose pages are in views/dpo/breaches/); or another area of
// the site that the URL reaches into (/contracts/:id/kpis/new is the KPIs' form, in
// kpi_form.go, as /kpis/:id is).
func routeAreas(path string, topAreas map[string]bool) []string {
	segs := segmentsOf(path)
	if len(segs) == 0 {
		return nil
	}
	var areas []string
	prefixes := forms(segs[0])
	areas = append(areas, prefixes...)
	for _, seg := range segs[1:] {
		var next []string
		for _, p := range prefixes {
			for _, f := range forms(seg) {
				next = append(next, p+"_"+f)
			}
		}
		areas = append(areas, next...)
		prefixes = next
		for _, f := range forms(seg) {
			if topAreas[f] {
				areas = append(areas, f)
			}
		}
	}
	return areas
}

// TestHandlerFilesNameTheirArea keeps the web package one house: a handler lives in a file
// named for its URL's area (/dpo/breaches → dpo_breach_*.go, whose pages are in
// views/dpo/breaches/), so someone reading a URL knows which file to open.
func TestHandlerFilesNameTheirArea(t *testing.T) {
	methodFiles := serverMethodFiles(t)
	routes := (&Server{}).Routes()
	topAreas := map[string]bool{}
	for _, r := range routes {
		if segs := segmentsOf(r.Path); len(segs) > 0 {
			for _, f := range forms(segs[0]) {
				topAreas[f] = true
			}
		}
	}
	for _, r := range routes {
		fn := runtime.FuncForPC(reflect.ValueOf(r.Handler).Pointer())
		if fn == nil {
			t.Fatalf("%s %s: no function for the handler", r.Method, r.Path)
		}
		// A method value's name ends "(*Server).home-fm"; a handler a function makes ends
		// "importTemplate.func1", and lives in that function's file.
		full := strings.TrimSuffix(fn.Name(), "-fm")
		parts := strings.Split(full, ".")
		method := parts[len(parts)-1]
		if strings.HasPrefix(method, "func") && len(parts) > 1 {
			method = parts[len(parts)-2]
		}
		name, found := methodFiles[method]
		if !found {
			t.Errorf("%s %s: handler %s not found among the package's files", r.Method, r.Path, method)
			continue
		}
		if want, ok := siteFiles[r.Path]; ok {
			if name != want {
				t.Errorf("%s %s is served from %s.go, want %s.go", r.Method, r.Path, name, want)
			}
			continue
		}
		ok := false
		for _, a := range routeAreas(r.Path, topAreas) {
			if name == a || strings.HasPrefix(name, a+"_") {
				ok = true
				break
			}
		}
		if !ok {
			t.Errorf("%s %s is served from %s.go, whose name says nothing of the URL; move it to a file named for one of %v",
				r.Method, r.Path, name, routeAreas(r.Path, topAreas))
		}
	}
}

// serverMethodFiles maps each function and method of the package to the file (without .go)
// declaring it.
func serverMethodFiles(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range parsed.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				out[fd.Name.Name] = strings.TrimSuffix(f, ".go")
			}
		}
	}
	if len(out) < 100 {
		t.Fatalf("found %d functions; the scan is broken", len(out))
	}
	return out
}

// TestViewFoldersNameAreas: every folder of views/ is an area of the site's URLs (or holds
// what every page shares), so a page's template sits where its URL says.
func TestViewFoldersNameAreas(t *testing.T) {
	areas := map[string]bool{"layouts": true, "partials": true, "errors": true, "pages": true}
	for _, r := range (&Server{}).Routes() {
		if segs := segmentsOf(r.Path); len(segs) > 0 {
			areas[segs[0]] = true
		}
	}
	dirs, err := filepath.Glob("../../views/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no view folders: %v", err)
	}
	for _, d := range dirs {
		if name := filepath.Base(d); !areas[name] && !strings.HasSuffix(name, ".html") {
			t.Errorf("views/%s names no area of the site's URLs", name)
		}
	}
}
