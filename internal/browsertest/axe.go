package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeTags are the axe-core rule tags AssertAccessible runs: WCAG 2.2 level AA, which the
// public sector accessibility regulations require, with the A and AA rules of the earlier
// versions it includes.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// axeScript is the axe-core bundle from node_modules (installed by `npm ci`, which
// `make test` runs first), read once per test process.
var axeScript = sync.OnceValues(func() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(root, "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		return "", fmt.Errorf("%w (run `npm ci` at the repository root, or `make test`, which does)", err)
	}
	return string(b), nil
})

// repoRoot walks up from the working directory (the package's, under go test) to the
// folder holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// axeViolation is the part of an axe-core violation a failure message needs.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []string `json:"target"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// axeRun runs axe on the whole document and keeps only the violations, flattened, so
// little crosses the DevTools connection. A target is a list of selectors (more than one
// for an element inside an iframe or shadow root); nested lists are shown as JSON.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})
  .then(r => r.violations.map(v => ({
    id: v.id, impact: v.impact || '', help: v.help,
    nodes: v.nodes.map(n => ({
      target: n.target.map(s => typeof s === 'string' ? s : JSON.stringify(s)),
      summary: n.failureSummary || ''
    }))
  })))`

// AssertAccessible scans the page in the tab with axe-core against WCAG 2.2 AA and fails
// the test listing each violation: its rule, impact, what to fix and the elements it
// found. The script goes in through DevTools, which the page's Content Security Policy
// does not govern, so the page needs no change to be scanned. In a tab where
// DisableJavaScript turned scripts off, they are on only while axe runs; the page's own
// scripts, skipped when it loaded, stay unrun.
func AssertAccessible(t testing.TB, ctx context.Context) {
	t.Helper()
	script, err := axeScript()
	if err != nil {
		t.Fatalf("axe-core: %v", err)
	}
	if scriptsDisabled(ctx) {
		setScriptsDisabled(t, ctx, false)
		defer setScriptsDisabled(t, ctx, true)
	}
	loaded, err := Run(t, ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object'`))
	if err != nil {
		t.Fatalf("axe-core: %v", err)
	}
	if !loaded {
		if _, err := Run(t, ctx, chromedp.Evaluate[chromedp.Void](script)); err != nil {
			t.Fatalf("loading axe-core into the page: %v", err)
		}
	}
	tags := `['` + strings.Join(AxeTags, `','`) + `']`
	violations, err := Run(t, ctx, chromedp.Evaluate[[]axeViolation](fmt.Sprintf(axeRun, tags), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	if len(violations) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d accessibility violations (WCAG 2.2 AA):", Location(t, ctx), len(violations))
	for _, v := range violations {
		fmt.Fprintf(&b, "\n- %s (%s): %s", v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    %s", strings.Join(n.Target, " "))
			if n.Summary != "" {
				fmt.Fprintf(&b, "\n      %s", strings.ReplaceAll(n.Summary, "\n", "\n      "))
			}
		}
	}
	t.Error(b.String())
}
