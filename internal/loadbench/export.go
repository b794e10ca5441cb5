package loadbench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// exportPayments downloads the supplier payment file (CSV, every column) through the
// portal's export endpoint, as a finance officer does: a fresh code to step up, then the
// form. It measures the time to the last byte and the portal's peak resident memory while it
// ran, and counts the suppliers in the file.
func exportPayments(ctx context.Context, s *Server, transport http.RoundTripper, fin *Account, providers int) (ExportRun, error) {
	c := NewClient(s.URL, transport)
	code, err := fin.waitCode(ctx)
	if err != nil {
		return ExportRun{}, err
	}
	if err := c.SignIn(ctx, fin, code); err != nil {
		return ExportRun{}, fmt.Errorf("finance sign-in: %w", err)
	}
	page, err := c.Get(ctx, "/finance/step-up?next=%2Ffinance%2Fexports")
	if err != nil {
		return ExportRun{}, err
	}
	token, err := CSRF(page)
	if err != nil {
		return ExportRun{}, err
	}
	if code, err = fin.waitCode(ctx); err != nil {
		return ExportRun{}, err
	}
	if _, err := c.PostRedirect(ctx, "/finance/step-up", url.Values{"_csrf": {token}, "code": {code}, "next": {"/finance/exports"}}); err != nil {
		return ExportRun{}, fmt.Errorf("step up: %w", err)
	}
	if page, err = c.Get(ctx, "/finance/exports"); err != nil {
		return ExportRun{}, err
	}
	if token, err = CSRF(page); err != nil {
		return ExportRun{}, err
	}
	if err := resetPeak(s.PID()); err != nil {
		return ExportRun{}, fmt.Errorf("reset the portal's peak memory: %w", err)
	}
	before, _, err := memory(s.PID())
	if err != nil {
		return ExportRun{}, err
	}
	start := time.Now()
	resp, err := c.Do(ctx, http.MethodPost, "/finance/exports/payments", url.Values{"_csrf": {token}, "format": {"csv"}, "profile": {""}})
	if err != nil {
		return ExportRun{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "csv") {
		b, _ := io.ReadAll(resp.Body)
		return ExportRun{}, fmt.Errorf("export: status %d, %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), errorSummary(string(b)))
	}
	lines := &lineCounter{}
	n, err := io.Copy(lines, resp.Body)
	if err != nil {
		return ExportRun{}, fmt.Errorf("export: %w", err)
	}
	took := time.Since(start)
	_, peak, err := memory(s.PID())
	if err != nil {
		return ExportRun{}, err
	}
	return ExportRun{Providers: providers, Suppliers: lines.n - 1, Bytes: n, Took: took, RSSBefore: before, Peak: peak}, nil
}

// lineCounter counts the lines written to it (CSV quotes no newlines in these fields).
type lineCounter struct{ n int }

func (l *lineCounter) Write(p []byte) (int, error) {
	l.n += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}
