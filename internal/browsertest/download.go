package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Download clicks the element the CSS selector finds, whose response is a file download,
// lets Chromium save it in a temporary folder through DevTools, and returns its bytes.
func Download(t testing.TB, tab context.Context, css string) []byte {
	t.Helper()
	dir := t.TempDir()
	done := make(chan string, 1)
	chromedp.ListenBrowser(tab, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			select {
			case done <- e.GUID:
			default:
			}
		}
	})
	events := true
	Do(t, tab, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir,
			BrowserContextID: chromedp.FromContext(ctx).BrowserContextID, EventsEnabled: &events})
		return err
	}))
	Do(t, tab, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
	select {
	case guid := <-done:
		b, err := os.ReadFile(filepath.Join(dir, guid))
		if err != nil {
			t.Fatal(err)
		}
		return b
	case <-time.After(StepTimeout):
		t.Fatal("the download did not finish")
	}
	return nil
}
