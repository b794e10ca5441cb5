package web_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFinancePaymentFilePage: the export page names the suppliers whose names begin with a
// formula character, offers the full file and the changes since the last export (with its
// date), saves a layout for a system, and writes that layout's file without the apostrophe.
func TestFinancePaymentFilePage(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "-Arts Ltd")
	c := w.s.SignIn(t, w.fay, 0)

	_, doc := c.Get(t, "/finance/exports")
	names := doc.Find("[data-formula-names] [data-formula-name] [data-name]")
	if names.Length() != 1 || names.Text() != "-Arts Ltd" {
		t.Errorf("names beginning with a formula character: %d %q", names.Length(), names.Text())
	}
	if label := doc.Find(`label[for="file-2"], input[name="file"][value="changes"] + label`).First().Text(); !strings.Contains(label, "no CSV payment file has been exported yet") {
		t.Errorf("changes option before any file: %q", label)
	}

	// A layout for a system, saved through the form.
	resp, _ := c.Submit(t, "/finance/export-profiles/new", "/finance/export-profiles", url.Values{
		"name": {"Payments system"}, "delimiter": {","}, "date_format": {"ddmmyyyy"}, "options": {"header_row", "for_system"},
		"include-legal_name": {"yes"}, "header-legal_name": {"Name"}, "position-legal_name": {"1"},
		"include-account_name": {"yes"}, "header-account_name": {"Payee"}, "position-account_name": {"2"},
		"include-sort_code": {"yes"}, "header-sort_code": {"Sort"}, "position-sort_code": {"3"},
	})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the layout: %d", resp.StatusCode)
	}
	var profileID string
	if err := w.s.DB.Get(&profileID, `SELECT id FROM export_profiles WHERE name = 'Payments system' AND for_system`); err != nil {
		t.Fatalf("the layout is not saved for a system: %v", err)
	}
	_, doc = c.Get(t, "/finance/exports")
	if got := strings.TrimSpace(doc.Find("[data-profiles] [data-for]").Text()); got != "A system (Bacs characters)" {
		t.Errorf("the layout is listed for %q", got)
	}

	if resp := finStepUp(t, c, w.fay, 1, "/finance/exports"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("step-up: %d", resp.StatusCode)
	}
	download := func(fields url.Values) [][]string {
		t.Helper()
		fields.Set("_csrf", c.CSRF(t, "/finance/exports"))
		resp, err := c.Client.PostForm(c.Base+"/finance/exports/payments", fields)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("export %v: status %d\n%s", fields, resp.StatusCode, body)
		}
		records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return records
	}
	system := download(url.Values{"file": {"full"}, "format": {"csv"}, "profile": {profileID}})
	if len(system) != 2 || strings.Join(system[1], "|") != "-ARTS LTD|ACORN FOSTERING LT|"+w.sortCode {
		t.Errorf("system layout: %q", system)
	}
	// The standard CSV is for a spreadsheet: neutralised.
	if changes := download(url.Values{"file": {"changes"}, "format": {"csv"}}); len(changes) != 1 {
		t.Errorf("nothing changed since the last file, yet: %q", changes)
	}
	_, doc = c.Get(t, "/finance/exports")
	if label := doc.Find(`input[name="file"][value="changes"]`).Parent().Find("label").Text(); !strings.Contains(label, "Changes since the last export (") {
		t.Errorf("changes option after a file: %q", label)
	}
	if full := download(url.Values{"file": {"full"}, "format": {"csv"}}); len(full) != 2 || full[1][1] != "'-Arts Ltd" {
		t.Errorf("standard CSV: %q", full)
	}

	resp, doc = c.Submit(t, "/finance/exports", "/finance/exports/payments", url.Values{"file": {"everything"}, "format": {"csv"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || len(finSummary(doc)) != 1 {
		t.Errorf("an unknown file: %d %v", resp.StatusCode, finSummary(doc))
	}
}
