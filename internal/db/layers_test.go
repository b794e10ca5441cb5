package db_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// layers are the portal's packages from the bottom up: a package may import only packages
// in lower layers, so dependencies point down (DESIGN.md) and no capability reaches up into
// one that builds on it. auth is identity only and sits below the provider record; joining
// an organisation (membership) sits above auth, privacy and provider; HTTP (web) sits above
// every capability, and only the wiring and the commands sit above web.
var layers = [][]string{
	{"apperr", "db", "devdb", "export", "form", "jobs", "settings", "ukid", "vault", "work"},
	{"audit", "config", "notify", "validate"},
	{"auth", "document"},
	{"apitoken", "provider"},
	{"contract", "finance", "privacy"},
	{"regulator"},
	{"membership", "privacy/subject", "quality"},
	{"directory", "importer", "retention", "workqueue"},
	{"web"},
	{"cli/wire"},
	{"cli"},
}

// harnesses build data for demonstrations, benchmarks and tests; they may import anything,
// and only they and the commands may import them.
var harnesses = []string{"seed", "demo", "dbtest", "webtest", "browsertest", "faulttest", "loadbench", "importer/importtest", "export/exporttest"}

const modulePrefix = "github.com/council/provider-portal/internal/"

func TestDependenciesPointDown(t *testing.T) {
	rank := map[string]int{}
	for i, l := range layers {
		for _, p := range l {
			rank[p] = i
		}
	}
	imports := map[string]map[string]bool{}
	err := filepath.WalkDir(filepath.Join(repoRoot, "internal"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(repoRoot, "internal"), filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, modulePrefix) {
				imports[pkg][strings.TrimPrefix(p, modulePrefix)] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < len(rank) {
		t.Fatalf("found %d packages, fewer than the %d layered ones: the scan is broken", len(imports), len(rank))
	}
	for pkg, deps := range imports {
		if slices.Contains(harnesses, pkg) {
			continue
		}
		from, ok := rank[pkg]
		if !ok {
			t.Errorf("package %s is in no layer: add it to layers in %s", pkg, "internal/db/layers_test.go")
			continue
		}
		for dep := range deps {
			if slices.Contains(harnesses, dep) {
				if pkg != "cli" {
					t.Errorf("package %s imports the harness %s; only the commands may", pkg, dep)
				}
				continue
			}
			if to, ok := rank[dep]; ok && to >= from {
				t.Errorf("package %s (layer %d) imports %s (layer %d): dependencies must point down", pkg, from, dep, to)
			}
		}
	}
}
