package importer_test

import (
	"maps"
	"testing"

	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/importer/importtest"
)

// LargeFile is 10,000 generated rows with errors planted in known rows (numbered as a
// spreadsheet numbers them), and the errors expected of each.
func largeFile(f *fixture) ([]byte, map[int]map[string]string) {
	rows := f.rows(10000)
	plant := func(row int, column, value string) { rows[row-2][column] = value }
	plant(500, "vat_number", "GB123456789")
	plant(2000, "sort_code", "12-34")
	plant(7777, "legal_name", "=HYPERLINK(\"http://evil.example\")")
	plant(9999, "legal_name", "")
	want := map[int]map[string]string{
		500:  {"vat_number": "Enter a real VAT number – check it against your VAT registration certificate"},
		2000: {"sort_code": "Enter a valid sort code, like 309430"},
		7777: {"legal_name": "Legal name must not start with =, +, - or @"},
		9999: {"legal_name": "Enter the organisation's legal name"},
	}
	return importtest.CSV(rows), want
}

// TestLargeFileReportsExactlyThePlantedErrors checks 10,000 rows and writes none of them
// (all or nothing), reporting exactly the rows and columns with planted errors.
func TestLargeFileReportsExactlyThePlantedErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	file, want := largeFile(f)
	rep := f.run(t, file, importer.Options{Mode: importer.AllOrNothing})
	if len(rep.FileErrors) > 0 || rep.Total != 10000 || rep.Failed != len(want) || rep.Committed {
		t.Fatalf("file errors %v, total %d, failed %d, committed %v", rep.FileErrors, rep.Total, rep.Failed, rep.Committed)
	}
	got := map[int]map[string]string{}
	for _, r := range rep.FailedRows() {
		got[r.Row] = r.Errors
	}
	if !maps.EqualFunc(got, want, func(a, b map[string]string) bool { return maps.Equal(a, b) }) {
		t.Errorf("failed rows\n got %v\nwant %v", got, want)
	}
	if n := f.count(t, `SELECT count(*) FROM organisations`); n != 0 {
		t.Errorf("%d organisations written by a refused import", n)
	}
}
