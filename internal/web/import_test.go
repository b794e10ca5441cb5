package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/importer/importtest"
	"github.com/council/provider-portal/internal/webtest"
)

// importCSV is a file of n rows that pass every check, with refs prefix00000,
// prefix00001...; the rows numbered in bad (as a spreadsheet numbers them: the first data
// row is 2) have an impossible VAT number.
func importCSV(t *testing.T, prefix string, n int, bad ...int) []byte {
	t.Helper()
	rows := importtest.ValidRows(n, time.Now())
	for i, r := range rows {
		r["supplier_ref"] = fmt.Sprintf("%s%05d", prefix, i)
		if slices.Contains(bad, i+2) {
			r["vat_number"] = "GB123456789"
		}
	}
	return importtest.CSV(rows)
}

// importClient is a signed-in staff user's client and CSRF token.
type importClient struct {
	c    *webtest.Client
	csrf string
}

func newImportClient(t *testing.T, s *webtest.Server, email string, roles ...auth.Role) importClient {
	t.Helper()
	u := s.CreateUser(t, email, roles, "")
	c, csrf := sessionAs(t, s, u.ID, auth.StageFull)
	return importClient{c: c, csrf: csrf}
}

// upload posts the import form with a file and returns the response.
func (ic importClient) upload(t *testing.T, name string, content []byte, kv ...string) (*http.Response, *goquery.Document) {
	t.Helper()
	values := url.Values{"_csrf": {ic.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		values.Add(kv[i], kv[i+1])
	}
	var files []fileUpload
	if name != "" {
		files = append(files, fileUpload{field: "file", filename: name, content: content})
	}
	return postMultipart(t, ic.c, "/imports", "/imports", values, files...)
}

// runImport uploads a file, follows the redirect to the job and waits for it to finish.
// It returns the job's path.
func (ic importClient) runImport(t *testing.T, name string, content []byte, kv ...string) string {
	t.Helper()
	resp, doc := ic.upload(t, name, content, kv...)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload %s: status %d, errors %v", name, resp.StatusCode, summaryLinks(doc))
	}
	path := location(t, resp).Path
	ic.wait(t, path)
	return path
}

// wait polls the job's progress until it has finished. The deadline is a guard against a
// job that never ends, not a speed target.
func (ic importClient) wait(t *testing.T, jobPath string) importProgressJSON {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		p := ic.progress(t, jobPath)
		if p.Status == "done" || p.Status == "failed" {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still %s after two minutes (%d of %d)", jobPath, p.Status, p.Done, p.Total)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type importProgressJSON struct {
	Status  string `json:"status"`
	Total   int    `json:"total"`
	Done    int    `json:"done"`
	Percent int    `json:"percent"`
}

func (ic importClient) progress(t *testing.T, jobPath string) importProgressJSON {
	t.Helper()
	resp, err := ic.c.Client.Get(ic.c.Base + jobPath + "/progress")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("progress of %s: status %d, %s", jobPath, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var p importProgressJSON
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// failedRows are the row numbers the report's table lists on the page at path.
func failedRows(t *testing.T, doc *goquery.Document) []int {
	t.Helper()
	var out []int
	doc.Find("table[data-failed-rows] tbody tr").Each(func(_ int, tr *goquery.Selection) {
		n, err := strconv.Atoi(tr.AttrOr("data-row", ""))
		if err != nil {
			t.Fatalf("row %q: %v", tr.AttrOr("data-row", ""), err)
		}
		out = append(out, n)
	})
	return out
}

func reportCount(doc *goquery.Document, what string) string {
	return strings.TrimSpace(doc.Find(`[data-import-summary] [data-count="` + what + `"]`).Text())
}

func TestImportDryRunReportsExactlyTheFailedRows(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := newImportClient(t, s, "ada@council.example", auth.RoleAdmin)
	bad := []int{2, 17, 60, 251}
	path := admin.runImport(t, "suppliers.csv", importCSV(t, "DRY", 250, bad...), "mode", "valid-only", "action", "check")

	resp, doc := admin.c.Get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("report: status %d", resp.StatusCode)
	}
	if got := failedRows(t, doc); !slices.Equal(got, bad) {
		t.Errorf("report lists rows %v, want %v", got, bad)
	}
	doc.Find("table[data-failed-rows] tbody tr").Each(func(_ int, tr *goquery.Selection) {
		row, _ := strconv.Atoi(tr.AttrOr("data-row", ""))
		if ref := strings.TrimSpace(tr.Find("[data-supplier-ref]").Text()); ref != fmt.Sprintf("DRY%05d", row-2) {
			t.Errorf("row %d: supplier_ref %q", row, ref)
		}
		if tr.Find(`li[data-column="vat_number"]`).Length() != 1 {
			t.Errorf("row %d: no message for vat_number: %q", row, strings.Join(strings.Fields(tr.Text()), " "))
		}
	})
	if reportCount(doc, "total") != "250" || reportCount(doc, "failed") != "4" {
		t.Errorf("counts: total %q, failed %q", reportCount(doc, "total"), reportCount(doc, "failed"))
	}
	if n := count(t, s, `SELECT count(*) FROM organisations WHERE supplier_ref LIKE 'DRY%'`); n != 0 {
		t.Errorf("a dry run saved %d suppliers", n)
	}
	if doc.Find(`form[data-import-commit][action="`+path+`/commit"]`).Length() != 1 {
		t.Error("the report of a check with good rows has no button to import them")
	}
	if doc.Find(`meta[http-equiv="refresh"]`).Length() != 0 || doc.Find("[data-import-progress]").Length() != 0 {
		t.Error("a finished job's page still refreshes itself")
	}

	// The problems download lists the same rows.
	resp, err := admin.c.Client.Get(admin.c.Base + path + "/errors.csv")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("errors.csv: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []int
	for _, r := range recs[1:] {
		n, _ := strconv.Atoi(r[0])
		if !slices.Contains(rows, n) {
			rows = append(rows, n)
		}
	}
	if !slices.Equal(recs[0], []string{"row", "supplier_ref", "column", "problem"}) || !slices.Equal(rows, bad) {
		t.Errorf("errors.csv header %v, rows %v, want %v", recs[0], rows, bad)
	}
}

func TestImportReportIsPaginated(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	officer := newImportClient(t, s, "olu@council.example", auth.RoleOfficer)
	var bad []int
	for r := 2; r < 2+130; r++ {
		bad = append(bad, r)
	}
	path := officer.runImport(t, "many.csv", importCSV(t, "PAG", 140, bad...), "mode", "all-or-nothing", "action", "check")
	_, doc := officer.c.Get(t, path)
	if got := failedRows(t, doc); !slices.Equal(got, bad[:100]) {
		t.Errorf("page 1 lists %d rows (%v…), want rows 2 to 101", len(got), got[:min(3, len(got))])
	}
	next := doc.Find(`.govuk-pagination a[rel="next"]`).AttrOr("href", "")
	if next == "" {
		t.Fatal("no link to page 2")
	}
	_, doc = officer.c.Get(t, next)
	if got := failedRows(t, doc); !slices.Equal(got, bad[100:]) {
		t.Errorf("page 2 lists %v, want %v", got, bad[100:])
	}
	if doc.Find("form[data-import-commit]").Length() != 0 {
		t.Error("an all-or-nothing check with failed rows offers to import")
	}
	if resp, _ := officer.c.Get(t, path+"?page=3"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("page 3 of 2: status %d, want 404", resp.StatusCode)
	}
}

func TestImportModes(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := newImportClient(t, s, "ada@council.example", auth.RoleAdmin)
	bad := []int{3, 9}
	tests := []struct {
		name, prefix, mode string
		wantSaved          int
		wantCreated        string
		repeatWantsUpdated string
	}{
		{"all or nothing saves nothing when a row fails", "AON", "all-or-nothing", 0, "0", ""},
		{"valid only saves the good rows", "VAL", "valid-only", 10 - len(bad), "8", "8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := importCSV(t, tt.prefix, 10, bad...)
			path := admin.runImport(t, "suppliers.csv", file, "mode", tt.mode, "action", "import")
			_, doc := admin.c.Get(t, path)
			if got := failedRows(t, doc); !slices.Equal(got, bad) {
				t.Errorf("report lists rows %v, want %v", got, bad)
			}
			if got := reportCount(doc, "created"); got != tt.wantCreated {
				t.Errorf("created %q, want %s", got, tt.wantCreated)
			}
			if n := count(t, s, `SELECT count(*) FROM organisations WHERE supplier_ref LIKE $1`, tt.prefix+"%"); n != tt.wantSaved {
				t.Errorf("%d suppliers saved, want %d", n, tt.wantSaved)
			}
			if tt.repeatWantsUpdated == "" {
				return
			}
			// The same file again updates the same suppliers: matched on supplier_ref.
			path = admin.runImport(t, "suppliers.csv", file, "mode", tt.mode, "action", "import")
			_, doc = admin.c.Get(t, path)
			if reportCount(doc, "created") != "0" || reportCount(doc, "updated") != tt.repeatWantsUpdated {
				t.Errorf("again: created %q updated %q", reportCount(doc, "created"), reportCount(doc, "updated"))
			}
			if n := count(t, s, `SELECT count(*) FROM organisations WHERE supplier_ref LIKE $1`, tt.prefix+"%"); n != tt.wantSaved {
				t.Errorf("after importing twice %d suppliers, want %d", n, tt.wantSaved)
			}
		})
	}
}

func TestImportCommitsACheckedFile(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	officer := newImportClient(t, s, "olu@council.example", auth.RoleOfficer)
	check := officer.runImport(t, "suppliers.csv", importCSV(t, "CHK", 6, 4), "mode", "valid-only", "action", "check")
	_, doc := officer.c.Get(t, check)
	if doc.Find("[data-bank-details]").Length() != 1 || doc.Find("#bank_verified").Length() != 0 || doc.Find("form[data-import-commit]").Length() != 1 {
		t.Errorf("check's page: bank details %q, a confirmation box %d", doc.Find("[data-bank-details]").Text(), doc.Find("#bank_verified").Length())
	}
	if n := count(t, s, `SELECT count(*) FROM bank_detail_changes`); n != 0 {
		t.Errorf("%d bank-detail requests from a check", n)
	}

	// A check's file is imported with nothing more to confirm: its bank details are never
	// payment details, but requests finance verifies and approves.
	resp, _ := officer.c.Post(t, check+"/commit", form(officer.csrf))
	imp := location(t, resp).Path
	if imp == check {
		t.Fatal("the import redirected to the check")
	}
	officer.wait(t, imp)
	_, doc = officer.c.Get(t, imp)
	if reportCount(doc, "created") != "5" || reportCount(doc, "bank-requests") != "5" {
		t.Errorf("import: created %q, bank-detail requests %q", reportCount(doc, "created"), reportCount(doc, "bank-requests"))
	}
	if n := count(t, s, `SELECT count(*) FROM organisations WHERE supplier_ref LIKE 'CHK%'`); n != 5 {
		t.Errorf("%d suppliers saved, want 5", n)
	}
	if n := count(t, s, `SELECT count(*) FROM bank_detail_changes c JOIN organisations o ON o.id = c.organisation_id
		WHERE o.supplier_ref LIKE 'CHK%' AND c.status = 'pending_verification' AND c.requested_by IS NOT NULL`); n != 5 {
		t.Errorf("%d pending bank-detail requests, want 5", n)
	}
	if n := count(t, s, `SELECT count(*) FROM payment_details`); n != 0 {
		t.Errorf("%d payment details made by an import", n)
	}

	// Pressing the button again leads to the same import; the check links to it.
	resp, _ = officer.c.Post(t, check+"/commit", form(officer.csrf))
	if again := location(t, resp).Path; again != imp {
		t.Errorf("second press went to %s, want %s", again, imp)
	}
	_, doc = officer.c.Get(t, check)
	if doc.Find(`[data-imported-as] a[href="`+imp+`"]`).Length() != 1 || doc.Find("form[data-import-commit]").Length() != 0 {
		t.Error("the check's page does not link to its import instead of offering another")
	}
}

func TestImportRefusesFilesItCannotRead(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := newImportClient(t, s, "ada@council.example", auth.RoleAdmin)
	good := importCSV(t, "BAD", 1)
	big := append(bytes.Repeat([]byte("x"), 10<<20), good...)
	tests := []struct {
		name, file string
		content    []byte
		want       string
	}{
		{"no file", "", nil, "Select a CSV or XLSX file"},
		{"a PDF", "suppliers.pdf", []byte("%PDF-1.4\n"), "The selected file must be a CSV or XLSX file"},
		{"an old workbook", "suppliers.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "The selected file must be a CSV or XLSX file"},
		{"a workbook named .csv", "suppliers.csv", []byte("PK\x03\x04\x14\x00\x06\x00"), "The selected file is a workbook, not CSV. Save it as CSV, or upload it with a name ending in .xlsx"},
		{"text named .xlsx", "suppliers.xlsx", good, "The selected file is not an XLSX workbook. Save it from your spreadsheet as an Excel Workbook (.xlsx) or as CSV"},
		{"an image named .csv", "suppliers.csv", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "The selected file is not a CSV file. Save your spreadsheet as CSV (comma delimited) or as an Excel Workbook (.xlsx)"},
		{"an empty file", "suppliers.csv", []byte{}, "The selected file is empty"},
		{"over 10 MB", "suppliers.csv", big, "The selected file must be smaller than 10 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, doc := admin.upload(t, tt.file, tt.content, "mode", "valid-only", "action", "check")
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", resp.StatusCode)
			}
			if got := summaryLinks(doc); got["#file"] != tt.want || len(got) != 1 {
				t.Errorf("error summary %v, want #file: %q", got, tt.want)
			}
			if msg := strings.TrimSpace(doc.Find("#file-error").Text()); !strings.HasSuffix(msg, tt.want) {
				t.Errorf("message by the field: %q", msg)
			}
			// What was chosen is kept.
			if _, ok := doc.Find(`input#mode-valid-only[checked]`).Attr("checked"); !ok {
				t.Error("the mode chosen was not kept")
			}
			if doc.Find(`input#action[checked]`).Length() != 1 {
				t.Error("the action was not kept")
			}
			if doc.Find(`#bank_verified`).Length() != 0 || doc.Find(`[data-import-bank-details]`).Length() != 1 {
				t.Error("the form offers to import bank details as verified, or does not say they go to finance")
			}
		})
	}
	t.Run("no options", func(t *testing.T) {
		resp, doc := admin.upload(t, "suppliers.csv", good)
		links := summaryLinks(doc)
		if resp.StatusCode != http.StatusUnprocessableEntity || links["#mode"] == "" || links["#action"] == "" || links["#file"] != "" {
			t.Errorf("status %d, errors %v", resp.StatusCode, links)
		}
	})
	if n := count(t, s, `SELECT count(*) FROM import_jobs`); n != 0 {
		t.Errorf("%d jobs stored from refused uploads", n)
	}
}

func TestImportReportsAMalformedFile(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := newImportClient(t, s, "ada@council.example", auth.RoleAdmin)
	path := admin.runImport(t, "notes.csv", []byte("name,colour\nAcorn,green\n"), "mode", "valid-only", "action", "import")
	_, doc := admin.c.Get(t, path)
	if doc.Find("[data-file-errors] li").Length() == 0 {
		t.Errorf("no file errors shown: %q", strings.Join(strings.Fields(doc.Find("main").Text()), " "))
	}
	if doc.Find("form[data-import-commit]").Length() != 0 || doc.Find("table[data-failed-rows]").Length() != 0 {
		t.Error("a malformed file's report offers an import or lists rows")
	}
	if n := count(t, s, `SELECT count(*) FROM organisations`); n != 0 {
		t.Errorf("a malformed file saved %d organisations", n)
	}
}

func TestImportTemplates(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	officer := newImportClient(t, s, "olu@council.example", auth.RoleOfficer)
	_, doc := officer.c.Get(t, "/imports")
	for _, href := range []string{"/imports/template.csv", "/imports/template.xlsx"} {
		if doc.Find(`[data-import-templates] a[href="`+href+`"]`).Length() != 1 {
			t.Errorf("the import page does not link to %s", href)
		}
	}
	tests := []struct {
		path, contentType string
		check             func(body []byte) bool
	}{
		{"/imports/template.csv", "text/csv", func(b []byte) bool {
			rec, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).Read()
			return err == nil && slices.Equal(rec, importer.Columns)
		}},
		{"/imports/template.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", func(b []byte) bool {
			return bytes.HasPrefix(b, []byte("PK\x03\x04"))
		}},
	}
	for _, tt := range tests {
		resp, err := officer.c.Client.Get(officer.c.Base + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.contentType) ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s: %d %q %q", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}
		if !tt.check(body) {
			t.Errorf("%s: not the template (%d bytes: %.40q)", tt.path, len(body), body)
		}
	}
}

func TestImportIsForAdminsAndOfficers(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	officer := newImportClient(t, s, "olu@council.example", auth.RoleOfficer)
	path := officer.runImport(t, "suppliers.csv", importCSV(t, "ACC", 2), "mode", "valid-only", "action", "check")
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	others := map[string]*webtest.Client{}
	for _, r := range []auth.Role{auth.RoleFinance, auth.RoleDPO} {
		u := s.CreateUser(t, string(r)+"@council.example", []auth.Role{r}, "")
		others[string(r)], _ = sessionAs(t, s, u.ID, auth.StageFull)
	}
	p := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	others["provider"], _ = sessionAs(t, s, p.ID, auth.StageFull)
	for who, c := range others {
		for _, target := range []string{"/imports", path, path + "/progress", path + "/errors.csv", "/imports/template.csv"} {
			if resp, _ := c.Get(t, target); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET %s: status %d, want 403", who, target, resp.StatusCode)
			}
		}
	}
	// Another officer or an admin sees the same job: jobs belong to the import role, not to
	// whoever uploaded them.
	admin := newImportClient(t, s, "ada@council.example", auth.RoleAdmin)
	if resp, _ := admin.c.Get(t, path); resp.StatusCode != http.StatusOK {
		t.Errorf("admin GET %s: status %d", path, resp.StatusCode)
	}
	_, doc := admin.c.Get(t, "/imports")
	if doc.Find(`[data-import-jobs] a[href="`+path+`"]`).Length() != 1 {
		t.Error("the officer's upload is not in the recent list")
	}
	if doc.Find(`.govuk-service-navigation a[href="/imports"]`).Length() != 1 {
		t.Error("no link to the import page in the navigation")
	}
	if resp, _ := admin.c.Get(t, "/imports/not-an-id"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a malformed job id: status %d, want 404", resp.StatusCode)
	}
}

func TestImportInvitesKeyContacts(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	admin := newImportClient(t, s, "ada@council.example", auth.RoleAdmin)
	admin.runImport(t, "suppliers.csv", importCSV(t, "INV", 3), "mode", "all-or-nothing", "action", "import")
	_, doc := admin.c.Get(t, "/imports")
	button := strings.TrimSpace(doc.Find("[data-invite-key-contacts]").Text())
	if button != "Invite key contacts (3)" {
		t.Fatalf("invite button %q, want it to count the 3 imported suppliers", button)
	}
	resp, _ := admin.c.Post(t, "/imports/invitations", form(admin.csrf))
	if loc := location(t, resp); loc.Path != "/imports" {
		t.Fatalf("invitations redirected to %s", loc)
	}
	_, doc = admin.c.Get(t, "/imports")
	if flash := strings.TrimSpace(doc.Find(".govuk-notification-banner__heading").Text()); flash != "3 key contacts invited to claim their supplier records." {
		t.Errorf("banner %q", flash)
	}
	if doc.Find("[data-invite-key-contacts]").Length() != 0 || doc.Find("[data-no-invitations]").Length() != 1 {
		t.Error("after inviting everyone the page still offers to invite")
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE to_address LIKE 'kim%@supplier%.example.org' AND kind = 'claim_invitation'`); n != 3 {
		t.Errorf("%d invitation emails queued, want 3", n)
	}
	// Besides the invitation, each key contact was told by finance, at the import, that their
	// bank details will be confirmed by phone; nothing else was sent to them.
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE to_address LIKE 'kim%@supplier%.example.org' AND kind = 'bank_details_change'`); n != 3 {
		t.Errorf("%d bank-detail request emails queued, want 3", n)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE to_address LIKE 'kim%@supplier%.example.org'`); n != 6 {
		t.Errorf("%d emails queued to the key contacts, want 6", n)
	}
}
