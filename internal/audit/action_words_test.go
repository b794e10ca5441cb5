package audit_test

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

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/provider"
)

// actionCode is what an action code looks like: dotted lower-case words.
var actionCode = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

// notProduct are the packages whose audit events are not the product's own (test
// harnesses record made-up actions).
var notProduct = []string{"webtest", "browsertest", "dbtest", "faulttest", "loadbench"}

// dynamicActions are the places that build an action code at run time, by file and
// function, with every code they can build. A new such place fails the test until it is
// listed here and its codes have words.
func dynamicActions() map[string][]string {
	var providerStatuses, contractStatuses []string
	for _, s := range []provider.Status{provider.StatusDraft, provider.StatusSubmitted, provider.StatusChangesRequested,
		provider.StatusResubmitted, provider.StatusApproved, provider.StatusRejected, provider.StatusSuspended} {
		providerStatuses = append(providerStatuses, "provider.status."+string(s))
	}
	for _, o := range contract.StoredStatuses {
		contractStatuses = append(contractStatuses, "contract.status."+o.Value)
	}
	var downloads []string
	// The audited downloads' areas (web.streamAudited): dashboard lists, the directory,
	// the audit log and the disclosure log.
	for _, area := range []string{"dashboard", "directory", "audit", "privacy.disclosures"} {
		for _, end := range []string{"started", "completed", "failed"} {
			downloads = append(downloads, area+".export."+end)
		}
	}
	return map[string][]string{
		"auth/service.go:CheckTOTP":                {"user.totp.signin", "user.totp.signin.failed", "user.totp.step_up", "user.totp.step_up.failed"},
		"auth/signin_code.go:CheckSignInCode":      {"user.signin_code", "user.signin_code.failed"},
		"provider/workflow.go:transition":          providerStatuses,
		"provider/workflow.go:decideSectionChange": {"provider.section_change.accepted", "provider.section_change.declined"},
		"contract/service.go:UpdateContract":       contractStatuses,
		"privacy/rectification.go:Decide":          {"rectification." + privacy.CorrectionInProgress, "rectification." + privacy.CorrectionResolved, "rectification." + privacy.CorrectionRefused},
		"web/download.go:streamAudited":            downloads,
	}
}

// TestEveryActionHasWords reads the source of every product package and finds each audit
// action it records: literal Action fields of audit.Event, literals assigned to a variable
// named action (or to an event's Action), literals passed as the action argument of a
// function that records one, and the codes built at run time (dynamicActions). Each must
// have words for the audit viewer.
func TestEveryActionHasWords(t *testing.T) {
	found := map[string]string{} // code → where
	sites := map[string]bool{}   // dynamic places seen
	dynamic := dynamicActions()
	root := filepath.Join("..")
	type source struct {
		rel  string
		fset *token.FileSet
		f    *ast.File
	}
	var files []source
	// Functions that record the action passed to them, by package directory: name → the
	// parameter's index.
	recordersIn := map[string]map[string]int{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if slices.Contains(notProduct, strings.Split(rel, "/")[0]) {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files = append(files, source{rel, fset, f})
		dir := filepath.Dir(rel)
		if recordersIn[dir] == nil {
			recordersIn[dir] = map[string]int{}
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil || !recordsIdent(fd.Body, "action", f.Name.Name) {
				continue
			}
			i := 0
			for _, field := range fd.Type.Params.List {
				for _, name := range field.Names {
					if name.Name == "action" {
						recordersIn[dir][fd.Name.Name] = i
					}
					i++
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range files {
		rel, fset, f := src.rel, src.fset, src.f
		recorders := recordersIn[filepath.Dir(rel)]
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			site := rel + ":" + funcName(fd)
			add := func(lit ast.Expr, pos token.Pos) bool {
				bl, ok := lit.(*ast.BasicLit)
				if !ok || bl.Kind != token.STRING {
					return false
				}
				s, _ := strconv.Unquote(bl.Value)
				if actionCode.MatchString(s) {
					found[s] = fset.Position(pos).String()
				}
				return true
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CompositeLit:
					if !isAuditEvent(n.Type, f.Name.Name) {
						return true
					}
					for _, e := range n.Elts {
						kv, ok := e.(*ast.KeyValueExpr)
						if k, isIdent := kv.Key.(*ast.Ident); !ok || !isIdent || k.Name != "Action" {
							continue
						}
						if add(kv.Value, kv.Pos()) {
							continue
						}
						if id, ok := kv.Value.(*ast.Ident); ok && id.Name == "action" && recordsParam(fd) {
							continue // a recorder: its callers' literals are collected
						}
						if id, ok := kv.Value.(*ast.Ident); !ok || id.Name != "action" || !literalsOnly(fd.Body) {
							sites[site] = true
						}
					}
				case *ast.AssignStmt:
					for i, l := range n.Lhs {
						if !isActionTarget(l) || i >= len(n.Rhs) {
							continue
						}
						// A form's action or a button's value is no audit action: only a
						// function that records its action variable builds one.
						if !add(n.Rhs[i], n.Pos()) || n.Tok == token.ADD_ASSIGN {
							if id, isIdent := l.(*ast.Ident); isIdent && recordsIdent(fd.Body, id.Name, f.Name.Name) {
								sites[site] = true
							}
						}
					}
				case *ast.CallExpr:
					var name string
					switch fn := n.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						name = fn.Sel.Name
					}
					if i, ok := recorders[name]; ok && i < len(n.Args) && !add(n.Args[i], n.Pos()) {
						if id, ok := n.Args[i].(*ast.Ident); !ok || id.Name != "action" {
							sites[site] = true
						}
					}
				}
				return true
			})
		}
	}
	if len(found) < 100 {
		t.Fatalf("found only %d action codes in the source: the scan is broken", len(found))
	}
	for site := range sites {
		codes, ok := dynamic[site]
		if !ok {
			t.Errorf("%s builds an audit action at run time: list every code it can build in dynamicActions", site)
		}
		for _, c := range codes {
			found[c] = site
		}
	}
	for site := range dynamic {
		if !sites[site] {
			t.Errorf("dynamicActions lists %s, which no longer builds an action: remove it", site)
		}
	}
	var missing []string
	for code, where := range found {
		if _, ok := audit.ActionWords(code); !ok {
			missing = append(missing, code+" ("+where+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("the action %s has no words: add it to actionWords in internal/audit/action_words.go", m)
	}
}

// isAuditEvent reports whether a composite literal's type is audit.Event.
func isAuditEvent(typ ast.Expr, pkg string) bool {
	switch t := typ.(type) {
	case *ast.SelectorExpr:
		x, ok := t.X.(*ast.Ident)
		return ok && x.Name == "audit" && t.Sel.Name == "Event"
	case *ast.Ident:
		return pkg == "audit" && t.Name == "Event"
	}
	return false
}

// isActionTarget reports whether an assignment sets a variable named action or an
// event's Action field.
func isActionTarget(e ast.Expr) bool {
	switch l := e.(type) {
	case *ast.Ident:
		return l.Name == "action"
	case *ast.SelectorExpr:
		return l.Sel.Name == "Action"
	}
	return false
}

// recordsIdent reports whether body puts the identifier name into an audit event's Action.
func recordsIdent(body *ast.BlockStmt, name, pkg string) bool {
	seen := false
	ast.Inspect(body, func(n ast.Node) bool {
		cl, ok := n.(*ast.CompositeLit)
		if !ok || !isAuditEvent(cl.Type, pkg) {
			return !seen
		}
		for _, e := range cl.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				k, kOK := kv.Key.(*ast.Ident)
				v, vOK := kv.Value.(*ast.Ident)
				if kOK && vOK && k.Name == "Action" && v.Name == name {
					seen = true
				}
			}
		}
		return !seen
	})
	return seen
}

// recordsParam reports whether the function takes the action it records as a parameter.
func recordsParam(fd *ast.FuncDecl) bool {
	for _, field := range fd.Type.Params.List {
		for _, name := range field.Names {
			if name.Name == "action" {
				return true
			}
		}
	}
	return false
}

// literalsOnly reports whether every assignment to action in body is a plain literal, so
// the assignments collected are all the codes it can record.
func literalsOnly(body *ast.BlockStmt) bool {
	ok := true
	ast.Inspect(body, func(n ast.Node) bool {
		if as, isAssign := n.(*ast.AssignStmt); isAssign {
			for i, l := range as.Lhs {
				if id, isIdent := l.(*ast.Ident); isIdent && id.Name == "action" && i < len(as.Rhs) {
					if _, isLit := as.Rhs[i].(*ast.BasicLit); !isLit || as.Tok == token.ADD_ASSIGN {
						ok = false
					}
				}
			}
		}
		return ok
	})
	return ok
}

// funcName is a function's name, with its receiver's type for a method.
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	var recv string
	switch r := fd.Recv.List[0].Type.(type) {
	case *ast.StarExpr:
		if id, ok := r.X.(*ast.Ident); ok {
			recv = "(*" + id.Name + ")"
		}
	case *ast.Ident:
		recv = "(" + r.Name + ")"
	}
	if recv == "" || strings.HasPrefix(recv, "(*Service") || strings.HasPrefix(recv, "(*Server") || strings.HasPrefix(recv, "(*Corrections") {
		return fd.Name.Name
	}
	return recv + "." + fd.Name.Name
}
