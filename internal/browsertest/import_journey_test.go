package browsertest_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/importer/importtest"
	"github.com/council/provider-portal/internal/webtest"
)

// importRows is the size of the journey's file: the "done" is a 10,000-row file.
const importRows = 10000

// importPlanted are the rows of the journey's file given a mistake, by the row number a
// spreadsheet shows (the header is row 1), with the column the mistake is in and the bad
// value: the first and last rows, a run of neighbours, and rows across the file.
var importPlanted = []struct {
	row           int
	column, value string
}{
	{2, "vat_number", "GB123456789"},
	{57, "legal_name", ""},
	{1234, "key_contact_email", "not an email address"},
	{4999, "postcode", "NOT A POSTCODE"},
	{5000, "vat_number", "GB999999999"},
	{5001, "el_cover_pence", "100"},
	{7777, "el_expiry", "2001-01-31"},
	{9998, "account_number", "12345678"},
	{importRows + 1, "vat_number", "GB000000001"},
}

// TestImportJourney walks the bulk import in the browser: an admin checks a
// 10,000-row file with mistakes planted in known rows, sees the progress and then a report
// listing exactly those rows, and imports the good rows. The progress bar is shown first
// on a job the test holds at a known point, with JavaScript (the bar moves as the job does)
// and without it (the page refreshes itself), so neither depends on how fast the machine
// is. The import pages are scanned with axe on the way.
func TestImportJourney(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	admin := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin}, "")
	tab := browsertest.NewTab(t, browser)
	file := filepath.Join(t.TempDir(), "suppliers.csv")
	if err := os.WriteFile(file, importJourneyFile(t), 0o600); err != nil {
		t.Fatal(err)
	}
	var bad []int
	for _, p := range importPlanted {
		bad = append(bad, p.row)
	}
	var checkPath string

	halted := false
	step := func(name string, fn func(t *testing.T)) {
		t.Helper()
		if halted {
			return
		}
		finished := false
		t.Run(name, func(t *testing.T) {
			fn(t)
			finished = true // not reached when fn stops the step with t.Fatal
		})
		halted = !finished
	}

	step("the admin finds the import page", func(t *testing.T) {
		browsertest.SignIn(t, tab, s.URL, admin)
		press(t, tab, `nav a[href="/imports"]`, http.StatusOK, "/imports")
		if browsertest.Count(t, tab, `[data-import-templates] a[href="/imports/template.xlsx"]`) != 1 {
			t.Error("no link to the XLSX template")
		}
		browsertest.AssertAccessible(t, tab)
	})

	step("an upload without its options comes back with errors", func(t *testing.T) {
		browsertest.Do(t, tab, chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}))
		if got := browsertest.Click(t, tab, "form[data-import-form] button[type=submit]"); got != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", got)
		}
		assertSummaryLinks(t, tab, "mode")
		assertSummaryLinks(t, tab, "action")
		browsertest.AssertAccessible(t, tab)
	})

	step("a running job's progress bar moves with the job", func(t *testing.T) {
		jobs := &importer.Jobs{DB: s.DB, Vault: s.Vault}
		ctx := audit.WithActor(context.Background(), audit.Actor{UserID: admin.ID, Email: admin.Email, Roles: []string{"admin"}})
		held, err := jobs.Create(ctx, importer.NewJob{FileName: "held.csv", Format: importer.CSV, Content: []byte("x"), Mode: importer.ValidOnly, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		path := "/imports/" + held.ID
		setJob := func(status string, done, total int) {
			t.Helper()
			if _, err := s.DB.Exec(`UPDATE import_jobs SET status = $2, done = $3, total = $4, heartbeat_at = now() WHERE id = $1`,
				held.ID, status, done, total); err != nil {
				t.Fatal(err)
			}
		}
		setJob("running", 2500, 10000)
		if got := browsertest.Open(t, tab, s.URL+path); got != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, got)
		}
		if got := importBarValue(t, tab); got != 25 {
			t.Errorf("the bar shows %v, want 25", got)
		}
		browsertest.AssertAccessible(t, tab)
		setJob("running", 7000, 10000)
		importWait(t, tab, `document.querySelector('[data-import-progress-bar]')?.value === 70`, "the bar to reach 70")
		if got := browsertest.Text(t, tab, "[data-import-progress-status]"); got != "70% done" {
			t.Errorf("the status line reads %q", got)
		}

		if browsertest.Count(t, tab, `meta[http-equiv="refresh"]`) != 0 {
			t.Error("with JavaScript the page also refreshes itself")
		}

		// Without JavaScript the page refreshes itself until the job is done, unless told not
		// to: axe rightly flags any timed refresh, so it scans the page with it turned off.
		plain := browsertest.NewTab(t, browser)
		browsertest.SignIn(t, plain, s.URL, admin)
		browsertest.DisableJavaScript(t, plain)
		browsertest.Open(t, plain, s.URL+path)
		if got := importBarValue(t, plain); got != 70 {
			t.Errorf("without JavaScript the bar shows %v, want 70", got)
		}
		if browsertest.Count(t, plain, `meta[http-equiv="refresh"]`) != 1 {
			t.Error("without JavaScript the page does not refresh itself")
		}
		press(t, plain, "[data-auto-refresh] a", http.StatusOK, path)
		if browsertest.Count(t, plain, `meta[http-equiv="refresh"]`) != 0 {
			t.Error("the page still refreshes itself after being told not to")
		}
		browsertest.AssertAccessible(t, plain)
		browsertest.Open(t, plain, s.URL+path)

		if _, err := s.DB.Exec(`UPDATE import_jobs SET status = 'done', finished_at = now(),
			report = '{"file_errors": [], "total": 3, "failed": 0, "created": 0, "updated": 0, "committed": false}' WHERE id = $1`, held.ID); err != nil {
			t.Fatal(err)
		}
		importWait(t, tab, `document.querySelector('[data-import-summary]') !== null`, "the report after the job finished")
		importWait(t, plain, `document.querySelector('[data-import-summary]') !== null`, "the report without JavaScript")
	})

	step("the admin checks the 10,000-row file", func(t *testing.T) {
		browsertest.Open(t, tab, s.URL+"/imports")
		browsertest.Do(t, tab, chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}))
		tick(t, tab, "mode", "valid-only")
		tick(t, tab, "action", "check")
		if got := browsertest.Click(t, tab, "form[data-import-form] button[type=submit]"); got != http.StatusOK {
			t.Fatalf("uploading: status %d%s", got, errorSummary(t, tab))
		}
		checkPath = browsertest.Location(t, tab).Path
		if browsertest.Count(t, tab, "[data-import-progress]") == 1 {
			t.Logf("progress shown at %v%%", importBarValue(t, tab))
		}
		importWait(t, tab, `document.querySelector('[data-import-summary]') !== null`, "the check's report")
		if got := importListedRows(t, tab); !slices.Equal(got, bad) {
			t.Errorf("the report lists rows %v, want %v", got, bad)
		}
		for _, p := range importPlanted {
			sel := fmt.Sprintf(`tr[data-row="%d"] li[data-column=%q]`, p.row, p.column)
			if p.column != "account_number" && browsertest.Count(t, tab, sel) != 1 {
				t.Errorf("row %d has no message for %s", p.row, p.column)
			}
		}
		if got := browsertest.Text(t, tab, `[data-count="failed"]`); got != strconv.Itoa(len(bad)) {
			t.Errorf("rows with problems: %s, want %d", got, len(bad))
		}
		browsertest.AssertAccessible(t, tab)
	})

	step("the admin imports the good rows", func(t *testing.T) {
		want := importRows - len(bad)
		if got := browsertest.Text(t, tab, "form[data-import-commit] button"); got != fmt.Sprintf("Import %d rows", want) {
			t.Errorf("the button reads %q", got)
		}
		if got := browsertest.Click(t, tab, "form[data-import-commit] button"); got != http.StatusOK {
			t.Fatalf("importing: status %d%s", got, errorSummary(t, tab))
		}
		if p := browsertest.Location(t, tab).Path; p == checkPath || !strings.HasPrefix(p, "/imports/") {
			t.Fatalf("importing led to %s", p)
		}
		// Read in one evaluation: under load the progress page may still be reloading into the
		// report when it first appears, and a node read across the reload is lost.
		importWait(t, tab, fmt.Sprintf(`(document.querySelector('[data-import-summary] [data-count="created"]')?.textContent ?? '').trim() === %q`, strconv.Itoa(want)),
			fmt.Sprintf("the import's report to count %d suppliers added", want))
		if got := importListedRows(t, tab); !slices.Equal(got, bad) {
			t.Errorf("the import's report lists rows %v, want %v", got, bad)
		}
		var saved int
		if err := s.DB.Get(&saved, `SELECT count(*) FROM organisations WHERE supplier_ref LIKE 'BT%'`); err != nil {
			t.Fatal(err)
		}
		if saved != want {
			t.Errorf("%d suppliers saved, want %d", saved, want)
		}
		browsertest.AssertAccessible(t, tab)
	})
}

// importJourneyFile is the journey's CSV: importRows suppliers that pass every check
// (importtest), each with its own reference, name, company number and key contact, except
// for the planted mistakes. VAT numbers and bank accounts repeat every thousand rows:
// computing 10,000 distinct ones takes longer under the race detector than the rest of the
// test, and an import allows suppliers to share them.
func importJourneyFile(t *testing.T) []byte {
	t.Helper()
	distinct := importtest.ValidRows(1000, time.Now())
	rows := make([]importtest.Row, importRows)
	for i := range rows {
		r := importtest.Row{}
		for k, v := range distinct[i%len(distinct)] {
			r[k] = v
		}
		r["supplier_ref"] = fmt.Sprintf("BT%05d", i)
		r["legal_name"] = fmt.Sprintf("Supplier BT%05d Ltd", i)
		r["companies_house_number"] = fmt.Sprintf("%08d", 20000000+i)
		r["key_contact_email"] = fmt.Sprintf("kim.bt%05d@supplier.example.org", i)
		for _, p := range importPlanted {
			if p.row == i+2 {
				r[p.column] = p.value
			}
		}
		rows[i] = r
	}
	return importtest.CSV(rows)
}

// importWait waits, up to three minutes, for a script expression to be true on the tab's
// page; the page may reload meanwhile. The limit is a guard against a job that never ends,
// not a speed target.
func importWait(t *testing.T, tab context.Context, expr, what string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		ok, err := browsertest.Run(t, tab, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited three minutes for %s (last error: %v)%s", what, err, errorSummary(t, tab))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// importBarValue is the progress bar's value.
func importBarValue(t *testing.T, tab context.Context) float64 {
	t.Helper()
	v, err := browsertest.Run(t, tab, chromedp.Evaluate[float64](`document.querySelector('[data-import-progress-bar]').value`))
	if err != nil {
		t.Fatalf("reading the progress bar: %v", err)
	}
	return v
}

// importListedRows are the row numbers the report's table lists.
func importListedRows(t *testing.T, tab context.Context) []int {
	t.Helper()
	rows, err := browsertest.Run(t, tab, chromedp.Evaluate[[]int](
		`[...document.querySelectorAll('table[data-failed-rows] tbody tr')].map(tr => Number(tr.dataset.row))`))
	if err != nil {
		t.Fatalf("reading the report's rows: %v", err)
	}
	return rows
}
