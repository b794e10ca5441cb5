package importer_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/importer/importtest"
)

// csvWith is a CSV file with the given header and rows, written as typed.
func csvWith(header string, lines ...string) []byte {
	return []byte(header + "\r\n" + strings.Join(lines, "\r\n") + "\r\n")
}

func utf16File(s string, bom bool) []byte {
	var b bytes.Buffer
	if bom {
		b.Write([]byte{0xFF, 0xFE})
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
	}
	return b.Bytes()
}

// TestMalformedFiles gives files that cannot be imported and expects a clear file error
// naming the problem, no rows, and nothing written, whatever the mode.
func TestMalformedFiles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	good := string(importtest.CSV(f.rows(3)))
	header := strings.Join(importer.Columns, ",")
	row := func(i int) string { return strings.Join(importtest.ValidRow(i, f.today).Cells(), ",") }
	without := func(drop ...string) string {
		var cols []string
		for _, c := range importer.Columns {
			if !slices.Contains(drop, c) {
				cols = append(cols, c)
			}
		}
		return strings.Join(cols, ",")
	}
	truncated := importtest.XLSX(f.rows(2))
	truncated = truncated[:len(truncated)/2]
	var notSheet bytes.Buffer
	zw := zip.NewWriter(&notSheet)
	w, _ := zw.Create("hello.txt")
	_, _ = w.Write([]byte("not a workbook"))
	_ = zw.Close()
	repeatRow := importtest.ValidRow(1, f.today)
	repeatRow["supplier_ref"] = "imp00000" // the same supplier as row 2's IMP00000, in other case

	tests := []struct {
		name   string
		format importer.Format
		file   []byte
		want   []string // substrings, one per expected file error
	}{
		{"empty", importer.CSV, nil, []string{"The file is empty"}},
		{"only a byte order mark", importer.CSV, []byte("\uFEFF"), []string{"The file is empty"}},
		{"UTF-16 with a byte order mark", importer.CSV, utf16File(good, true), []string{"saved as UTF-16"}},
		{"UTF-16 without one", importer.CSV, utf16File(good, false), []string{"holds binary data"}},
		{"binary", importer.CSV, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), []string{"holds binary data"}},
		{"not UTF-8", importer.CSV, csvWith(header, row(0), strings.Replace(row(1), "Supplier", "Suppli\xe9r", 1)),
			[]string{"Row 3 is not UTF-8 text"}},
		{"an XLSX said to be CSV", importer.CSV, importtest.XLSX(f.rows(1)), []string{"is an XLSX workbook"}},
		{"a CSV said to be XLSX", importer.XLSX, []byte(good), []string{"not an XLSX workbook. If it is a CSV file"}},
		{"an old .xls", importer.XLSX, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), []string{"old Excel workbook (.xls)"}},
		{"a damaged XLSX", importer.XLSX, truncated, []string{"cannot be opened as an XLSX workbook"}},
		{"a zip that is not a workbook", importer.XLSX, notSheet.Bytes(), []string{"cannot be opened as an XLSX workbook"}},
		{"missing columns", importer.CSV, csvWith(without("vat_number", "pl_expiry")), []string{"Missing columns: vat_number, pl_expiry"}},
		{"unknown column", importer.CSV, csvWith(header + ",notes"), []string{`Unknown columns: "notes"`}},
		{"repeated column", importer.CSV, csvWith(header + ",Town"), []string{"Repeated columns: town"}},
		{"wrong and missing columns", importer.CSV, csvWith(without("town") + ",city"),
			[]string{"Missing columns: town", `Unknown columns: "city"`}},
		{"no header", importer.CSV, csvWith(row(0), row(1)), []string{"The first row must be the template's header row"}},
		{"semicolons", importer.CSV, csvWith(strings.ReplaceAll(header, ",", ";")), []string{"not comma-separated"}},
		{"a quote out of place", importer.CSV, csvWith(header, row(0), `IMP9,Bad "quote" Ltd`), []string{"at line 3: a quote mark is out of place"}},
		{"values without a heading", importer.CSV, csvWith(header+",", row(0)+",", row(1)+",surprise"),
			[]string{"Row 3 has values in a column with no heading"}},
		{"repeated references", importer.CSV, importtest.CSV([]importtest.Row{importtest.ValidRow(0, f.today), importtest.ValidRow(2, f.today), repeatRow}),
			[]string{"Supplier reference IMP00000 is in more than one row: rows 2, 4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, mode := range []importer.Mode{importer.AllOrNothing, importer.ValidOnly} {
				rep := f.run(t, tc.file, importer.Options{Format: tc.format, Mode: mode})
				if len(rep.FileErrors) != len(tc.want) {
					t.Fatalf("%s: file errors %q, want %d like %q", mode, rep.FileErrors, len(tc.want), tc.want)
				}
				for i, w := range tc.want {
					if !strings.Contains(rep.FileErrors[i], w) {
						t.Errorf("%s: file error %q does not say %q", mode, rep.FileErrors[i], w)
					}
				}
				if len(rep.Rows) != 0 || rep.Committed || rep.OK() {
					t.Errorf("%s: a bad file gave %d rows, committed %v", mode, len(rep.Rows), rep.Committed)
				}
			}
		})
	}
	if n := f.count(t, `SELECT count(*) FROM organisations`); n != 0 {
		t.Errorf("%d organisations written from bad files", n)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_events WHERE action = 'provider_import.refused'`); n != 2*len(tests) {
		t.Errorf("%d refused imports audited, want %d", n, 2*len(tests))
	}
}

// endlessRows is a CSV file of a million valid rows, made as it is read, counting how much
// of it was read.
type endlessRows struct {
	buf   bytes.Buffer
	next  int
	limit int
	read  int64
	row   []string
}

func (e *endlessRows) Read(p []byte) (int, error) {
	for e.buf.Len() < len(p) && e.next < e.limit {
		if e.next == 0 {
			e.buf.WriteString(strings.Join(importer.Columns, ",") + "\n")
		}
		e.row[0] = fmt.Sprintf("R%07d", e.next)
		e.buf.WriteString(strings.Join(e.row, ",") + "\n")
		e.next++
	}
	if e.buf.Len() == 0 {
		return 0, io.EOF
	}
	n, _ := e.buf.Read(p)
	e.read += int64(n)
	return n, nil
}

// TestTooManyRows stops reading a file of a million rows soon after the limit, and says so.
func TestTooManyRows(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	src := &endlessRows{limit: 1_000_000, row: importtest.ValidRow(0, f.today).Cells()}
	rep, err := f.svc.Run(f.ctx, src, importer.Options{Format: importer.CSV})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.FileErrors) != 1 || !strings.Contains(rep.FileErrors[0], "more than 50,000 rows") {
		t.Fatalf("file errors %q", rep.FileErrors)
	}
	if len(rep.Rows) != 0 || f.count(t, `SELECT count(*) FROM organisations`) != 0 {
		t.Errorf("%d rows reported, or records written", len(rep.Rows))
	}
	if src.next > importer.MaxRows+2000 {
		t.Errorf("read %d of a million rows to find more than %d", src.next, importer.MaxRows)
	}
}

// TestCSVRowNumbers numbers rows as a spreadsheet shows them: after a byte order mark, with
// blank lines as empty rows, and a cell over two lines as one row.
func TestCSVRowNumbers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	row := func(i int) string { return strings.Join(importtest.ValidRow(i, f.today).Cells(), ",") }
	twoLines := strings.Replace(row(1), "2 High Street", "\"2 High Street\r\nFlat 1\"", 1)
	file := "\uFEFF" + string(csvWith(strings.Join(importer.Columns, ","), row(0), "", twoLines, row(2), ",,,", row(3)))
	rep := f.run(t, []byte(file), importer.Options{DryRun: true})
	if len(rep.FileErrors) > 0 {
		t.Fatalf("file errors %v", rep.FileErrors)
	}
	var nums []int
	for _, r := range rep.Rows {
		nums = append(nums, r.Row)
	}
	if !slices.Equal(nums, []int{2, 4, 5, 7}) {
		t.Errorf("rows numbered %v, want 2, 4, 5, 7", nums)
	}
	if got := rep.Rows[1].Errors["address_line_1"]; got != "Address line 1 must be on one line" || rep.Failed != 1 {
		t.Errorf("two-line cell: %q, %d failed", got, rep.Failed)
	}
}
