package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/browsertest"
)

// errorRecorder stands in for the test given to AssertAccessible, to keep the failure it
// reports instead of failing this test with it.
type errorRecorder struct {
	*testing.T
	errors []string
}

func (r *errorRecorder) Error(args ...any) { r.errors = append(r.errors, fmt.Sprint(args...)) }

// TestAssertAccessibleReportsViolations checks the scan itself on a page built to break
// rules, so a clean result on the portal's pages means something.
func TestAssertAccessibleReportsViolations(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html><head></head><body><main>`+
			`<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`+
			`<input id="unlabelled" type="text"></main></body></html>`)
	}))
	defer srv.Close()
	tab := browsertest.New(t)
	browsertest.Open(t, tab, srv.URL)

	rec := &errorRecorder{T: t}
	browsertest.AssertAccessible(rec, tab)
	if len(rec.errors) != 1 {
		t.Fatalf("AssertAccessible reported %d failures, want 1: %q", len(rec.errors), rec.errors)
	}
	report := rec.errors[0]
	for _, want := range []string{"html-has-lang (serious)", "document-title", "image-alt (critical)", "label (critical)", "#unlabelled"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report does not mention %q:\n%s", want, report)
		}
	}
}
