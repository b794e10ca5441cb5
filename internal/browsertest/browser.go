// Package browsertest drives the real portal (internal/webtest) in headless Chromium
// through chromedp, so tests see what a person sees: pages after CSS and JavaScript, forms
// submitted by clicking, and an axe-core accessibility scan.
//
// A test function starts one browser and opens a fresh tab, with its own cookies, for
// each journey or subtest:
//
//	func TestSomething(t *testing.T) {
//		browser := browsertest.New(t) // skips (or fails with REQUIRE_BROWSER=1) without Chromium
//		s := webtest.Start(t)
//		t.Run("provider", func(t *testing.T) {
//			tab := browsertest.NewTab(t, browser)
//			browsertest.SignIn(t, tab, s.URL, s.CreateUser(t, "pat@acorn.example", ...))
//			browsertest.Open(t, tab, s.URL+"/somewhere")
//			browsertest.AssertAccessible(t, tab)
//		})
//	}
//
// Every helper fails the test itself, so a journey reads as a list of steps.
package browsertest

import (
	"context"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// RequireEnv names the environment variable that turns a missing Chromium from a skip into
// a failure, so CI cannot pass by silently skipping every browser test.
const RequireEnv = "REQUIRE_BROWSER"

// StepTimeout bounds each helper call, so a page that never loads or an element that never
// appears fails the test with the step that hung instead of stalling until the go test
// timeout. It is a guard against hangs, not a speed target.
const StepTimeout = 60 * time.Second

// chromiumNames are the executables tried on PATH, Debian's first.
var chromiumNames = []string{"chromium", "chromium-browser"}

// New starts a headless Chromium for the test, with a fresh profile, and returns the
// context of its first tab. The browser closes when the test ends. Subtests should take
// their own tab with NewTab, so their cookies do not mix.
//
// Without Chromium the test is skipped, or fails when REQUIRE_BROWSER=1. Call New before
// anything slow, such as webtest.Start, so a skip costs nothing.
func New(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		const install = "install it with `apt-get install chromium`"
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("browser tests need Chromium, which is not on PATH (%s); %s=1 forbids skipping them", install, RequireEnv)
		}
		t.Skipf("browser tests were skipped: Chromium is not on PATH (%s; set %s=1 to fail instead of skipping)", install, RequireEnv)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox, // we run as root, where Chromium refuses its sandbox
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// No traffic but ours: the network is closed and Chromium otherwise keeps trying.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 1024),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// The first Do starts the browser and ties it to ctx, so it must carry no timeout.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	t.Cleanup(func() {
		closeCtx, cancelClose := context.WithTimeout(ctx, StepTimeout)
		defer cancelClose()
		if err := chromedp.Cancel(closeCtx); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("closing Chromium: %v", err)
		}
		cancel()
		cancelAlloc()
	})
	return ctx
}

func chromiumPath() string {
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// NewTab opens a tab in the browser of parent (from New), in a new browser context: its
// own cookies and storage, like a private window, so each subtest starts signed out. The
// tab closes when t ends.
func NewTab(t testing.TB, parent context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("opening a tab: %v", err)
	}
	t.Cleanup(cancel)
	return ctx
}

// DisableJavaScript turns off page scripts in the tab, for the pages it loads from now on,
// to check that a journey works as plain HTML (progressive enhancement). The helpers of
// this package still work, as DevTools runs their scripts, and AssertAccessible scans the
// page as it rendered without scripts.
func DisableJavaScript(t testing.TB, ctx context.Context) {
	t.Helper()
	setScriptsDisabled(t, ctx, true)
	key := chromedp.FromContext(ctx)
	scriptsOff.Store(key, struct{}{})
	t.Cleanup(func() { scriptsOff.Delete(key) })
}

// scriptsOff holds the tabs (their *chromedp.Context) that DisableJavaScript turned
// scripts off in: axe needs timers, which do not run there, so AssertAccessible turns
// scripts back on while it scans.
var scriptsOff sync.Map

func scriptsDisabled(ctx context.Context) bool {
	_, off := scriptsOff.Load(chromedp.FromContext(ctx))
	return off
}

func setScriptsDisabled(t testing.TB, ctx context.Context, disabled bool) {
	t.Helper()
	Do(t, ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: disabled})
		return err
	}))
}

// Do runs chromedp actions in the tab, failing the test if one fails or StepTimeout passes.
func Do(t testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if _, err := Run(t, ctx, chromedp.Steps(actions...)); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// Run runs one chromedp action that returns a value, under StepTimeout. It returns the
// error rather than failing, for the callers that want to word the failure.
func Run[T any](t testing.TB, ctx context.Context, action chromedp.Action[T]) (T, error) {
	t.Helper()
	stepCtx, cancel := context.WithTimeout(ctx, StepTimeout)
	defer cancel()
	return chromedp.Run(stepCtx, action)
}

// Open loads rawURL in the tab and returns the HTTP status of the page (after redirects).
func Open(t testing.TB, ctx context.Context, rawURL string) int {
	t.Helper()
	resp, err := Run(t, ctx, chromedp.NavigateResponse(rawURL))
	if err != nil {
		t.Fatalf("opening %s: %v", rawURL, err)
	}
	return int(resp.Status)
}

// Fill types each value into the text input or textarea with that id ("email" or
// "#email"), replacing what it held. It types key by key, as a person does, so it works
// with JavaScript off.
func Fill(t testing.TB, ctx context.Context, values map[string]string) {
	t.Helper()
	for id, v := range values {
		sel := chromedp.ID(id)
		// chromedp.Clear fails on an empty textarea (it has no text node to remove), which
		// is already clear: type into it all the same. It works with JavaScript off, unlike
		// setting the value through script.
		clearCtx, cancel := context.WithTimeout(ctx, StepTimeout)
		_, err := chromedp.Run(clearCtx, chromedp.Clear(sel))
		cancel()
		if err != nil && !strings.Contains(err.Error(), "does not have child #text node") {
			t.Fatalf("clearing #%s: %v", id, err)
		}
		if _, err := Run(t, ctx, chromedp.SendKeys(sel, v)); err != nil {
			t.Fatalf("filling #%s: %v", id, err)
		}
	}
}

// Click clicks the element the CSS selector finds, once it is visible, and waits for the
// page it loads: use it for submit buttons and links. It returns that page's HTTP status
// (after redirects). A click that loads no page fails after StepTimeout; use Do with
// chromedp.Click for those.
func Click(t testing.TB, ctx context.Context, css string) int {
	t.Helper()
	stepCtx, cancel := context.WithTimeout(ctx, StepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(stepCtx, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("clicking %s: %v", css, err)
	}
	return int(resp.Status)
}

// Text returns the visible text (innerText) of the first element the CSS selector finds,
// trimmed, waiting for the element to appear.
func Text(t testing.TB, ctx context.Context, css string) string {
	t.Helper()
	s, err := Run(t, ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("reading the text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// Count returns how many elements the CSS selector finds now, without waiting for any.
func Count(t testing.TB, ctx context.Context, css string) int {
	t.Helper()
	nodes, err := Run(t, ctx, chromedp.Nodes(chromedp.CSSAll(css), chromedp.AtLeast(0)))
	if err != nil {
		t.Fatalf("counting %s: %v", css, err)
	}
	return len(nodes)
}

// Location returns the tab's current URL.
func Location(t testing.TB, ctx context.Context) *url.URL {
	t.Helper()
	loc, err := Run(t, ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("reading the location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("location %q: %v", loc, err)
	}
	return u
}
