package db_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/db"
)

// repoRoot is the module root, two levels above this package.
const repoRoot = "../.."

var (
	// writeRE finds the table a statement writes. Words that are not tables ("update the
	// record" in a message, FOR UPDATE OF, DO UPDATE SET) are ignored by the caller.
	writeRE = regexp.MustCompile(`(?is)\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO|COPY)\s+(?:ONLY\s+)?([a-z_][a-z0-9_.]*)`)
	// dynamicRE finds a write whose table name is filled in at run time, which no reader
	// of the source (nor this test) can attribute to an owner.
	dynamicRE = regexp.MustCompile(`(?is)\b(?:INSERT\s+INTO|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO)\s*(?:%[sqv]|$)|\bUPDATE\s+%[sqv]`)
	// statementRE finds SQL statements, which the web package must not hold.
	statementRE = regexp.MustCompile(`(?s)^\s*(?:SELECT|WITH|INSERT|UPDATE|DELETE)\s`)
	createRE    = regexp.MustCompile(`(?i)CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)`)
)

// sqlLiteral is one string literal of the Go source, with where it sits.
type sqlLiteral struct {
	pkg  string // directory under internal/ (or cmd/...)
	pos  string
	text string
}

// goLiterals returns every string literal in the non-test Go files of the module,
// plus the table named by each pq.CopyIn call written as an INSERT, so COPY is caught too.
func goLiterals(t *testing.T) []sqlLiteral {
	t.Helper()
	var out []sqlLiteral
	err := filepath.WalkDir(repoRoot, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", ".git", "var", "static", "views", "migrations":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(repoRoot, filepath.Dir(path))
		pkg := filepath.ToSlash(strings.TrimPrefix(filepath.ToSlash(rel), "internal/"))
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					s, err := strconv.Unquote(n.Value)
					if err == nil {
						out = append(out, sqlLiteral{pkg, fset.Position(n.Pos()).String(), s})
					}
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "CopyIn" || sel.Sel.Name == "CopyInSchema") && len(n.Args) > 0 {
					arg := n.Args[0]
					if sel.Sel.Name == "CopyInSchema" && len(n.Args) > 1 {
						arg = n.Args[1]
					}
					table := "%s" // a name not written as a literal counts as dynamic
					if lit, ok := arg.(*ast.BasicLit); ok {
						table, _ = strconv.Unquote(lit.Value)
					}
					out = append(out, sqlLiteral{pkg, fset.Position(n.Pos()).String(), "INSERT INTO " + table})
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatalf("scan the Go source: %v", err)
	}
	return out
}

// migrationTables lists the tables the migrations create.
func migrationTables(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	tables := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range createRE.FindAllStringSubmatch(string(b), -1) {
			tables[strings.ToLower(m[1])] = true
		}
	}
	return tables
}

// TestEveryTableHasOneOwner fails when a package writes a table it does not own, when a
// write's table is chosen at run time, or when the owner list and the migrations disagree.
func TestEveryTableHasOneOwner(t *testing.T) {
	tables := migrationTables(t)
	for table := range tables {
		if db.TableOwners[table] == "" {
			t.Errorf("table %s (created in migrations) has no owner in db.TableOwners", table)
		}
	}
	for table, owner := range db.TableOwners {
		if !tables[table] {
			t.Errorf("db.TableOwners lists %s, which no migration creates", table)
		}
		if st, err := os.Stat(filepath.Join(repoRoot, "internal", owner)); err != nil || !st.IsDir() {
			t.Errorf("table %s is owned by %s, which is not a package under internal/", table, owner)
		}
	}

	var problems []string
	writers := map[string]map[string]bool{}
	for _, lit := range goLiterals(t) {
		if slices.Contains(db.HarnessPackages, lit.pkg) {
			continue
		}
		if dynamicRE.MatchString(lit.text) {
			problems = append(problems, lit.pos+": package "+lit.pkg+" writes a table named at run time; name the table in the SQL so its owner can be checked")
		}
		for _, m := range writeRE.FindAllStringSubmatch(lit.text, -1) {
			table := strings.TrimPrefix(strings.ToLower(m[1]), "public.")
			if !tables[table] {
				continue
			}
			if writers[table] == nil {
				writers[table] = map[string]bool{}
			}
			writers[table][lit.pkg] = true
			if owner := db.TableOwners[table]; owner != lit.pkg {
				problems = append(problems, lit.pos+": package "+lit.pkg+" writes "+table+", which "+owner+" owns; call "+owner+"'s exported functions instead")
			}
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
	// The scan must see the owners' own writes, or it has stopped working.
	for _, table := range []string{"users", "organisations", "payment_details", "audit_events", "outbox"} {
		if !writers[table][db.TableOwners[table]] {
			t.Errorf("the scan found no write to %s by its owner %s; the scan itself is broken", table, db.TableOwners[table])
		}
	}
}

// TestWebRunsNoSQL keeps SQL out of the HTTP layer: handlers call capability packages,
// which own the queries and the rules that go with them.
func TestWebRunsNoSQL(t *testing.T) {
	seen := false
	for _, lit := range goLiterals(t) {
		if lit.pkg != "web" && !strings.HasPrefix(lit.pkg, "web/") && lit.pkg != "api" && !strings.HasPrefix(lit.pkg, "api/") {
			continue
		}
		seen = true
		if statementRE.MatchString(lit.text) {
			t.Errorf("%s: package %s holds SQL; move it to the package that owns the table", lit.pos, lit.pkg)
		}
	}
	if !seen {
		t.Error("the scan found no web source; the scan itself is broken")
	}
}
