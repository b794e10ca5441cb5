package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func writeCSV(t *testing.T, opts CSVOptions, header []string, rows ...[]string) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewCSV(&buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	cols := make([]Column, len(header))
	for i, h := range header {
		cols[i] = Column{Header: h}
	}
	if err := w.Header(cols); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Row(Texts(r...)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestExportCSVQuotesPerRFC4180(t *testing.T) {
	tests := []struct {
		name string
		opts CSVOptions
		row  []string
		want string
	}{
		{"plain", CSVOptions{}, []string{"SUP1001", "Acorn Ltd"}, "SUP1001,Acorn Ltd\r\n"},
		{"comma quoted", CSVOptions{}, []string{"1", "Acorn, Oak & Ash"}, "1,\"Acorn, Oak & Ash\"\r\n"},
		{"quotes doubled", CSVOptions{}, []string{"1", `The "Best" Care`}, "1,\"The \"\"Best\"\" Care\"\r\n"},
		{"line break quoted", CSVOptions{}, []string{"1", "Unit 2\r\nHigh St"}, "1,\"Unit 2\r\nHigh St\"\r\n"},
		{"leading zeros kept", CSVOptions{}, []string{"012345", "00733445"}, "012345,00733445\r\n"},
		{"formula neutralised", CSVOptions{}, []string{"1", "=HYPERLINK(\"http://x\")"}, "1,\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"},
		{"neutralised then quoted", CSVOptions{}, []string{"1", "\nX"}, "1,\"'\nX\"\r\n"},
		{"pipe delimiter", CSVOptions{Delimiter: '|'}, []string{"a,b", "c|d"}, "a,b|\"c|d\"\r\n"},
		{"tab delimiter", CSVOptions{Delimiter: '\t'}, []string{"a", "b c"}, "a\tb c\r\n"},
		{"empty cells", CSVOptions{}, []string{"", ""}, ",\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := writeCSV(t, tt.opts, []string{"A", "B"}, tt.row)
			_, body, _ := strings.Cut(got, "\r\n")
			if body != tt.want {
				t.Errorf("row written as %q, want %q", body, tt.want)
			}
		})
	}
}

// TestCSVReadsBack checks a standard reader recovers every cell, neutralised.
func TestExportCSVReadsBack(t *testing.T) {
	rows := [][]string{
		{"SUP1001", "Acorn, Oak & Ash \"Care\"", "line1\nline2"},
		{"SUP1002", "@risk", "-5"},
	}
	out := writeCSV(t, CSVOptions{BOM: true}, []string{"Ref", "Name", "Notes"}, rows...)
	if !strings.HasPrefix(out, "\uFEFF") {
		t.Fatal("no byte order mark")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF")))
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Ref", "Name", "Notes"},
		{"SUP1001", "Acorn, Oak & Ash \"Care\"", "line1\nline2"},
		{"SUP1002", "'@risk", "'-5"},
	}
	if len(got) != len(want) {
		t.Fatalf("read %d records, want %d", len(got), len(want))
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("record %d cell %d = %q, want %q", i, j, got[i][j], want[i][j])
			}
		}
	}
}

func TestExportCSVOptions(t *testing.T) {
	if out := writeCSV(t, CSVOptions{NoHeader: true}, []string{"A"}, []string{"x"}); out != "x\r\n" {
		t.Errorf("without header: %q", out)
	}
	if out := writeCSV(t, CSVOptions{}, []string{"A"}); strings.HasPrefix(out, "\uFEFF") {
		t.Errorf("BOM written when not asked for: %q", out)
	}
	for _, d := range []rune{'"', '\n', '\r'} {
		if _, err := NewCSV(&bytes.Buffer{}, CSVOptions{Delimiter: d}); err == nil {
			t.Errorf("delimiter %q accepted", d)
		}
	}
	var buf bytes.Buffer
	w, _ := NewCSV(&buf, CSVOptions{})
	_ = w.Header([]Column{{Header: "A"}, {Header: "B"}})
	if err := w.Row(Texts("only one")); err == nil {
		t.Error("a short row was accepted")
	}
}

func TestExportCSVExtension(t *testing.T) {
	for d, want := range map[rune]string{',': "csv", ';': "csv", '|': "txt", '\t': "txt"} {
		w, _ := NewCSV(&bytes.Buffer{}, CSVOptions{Delimiter: d})
		if w.Extension() != want {
			t.Errorf("delimiter %q: extension %s, want %s", d, w.Extension(), want)
		}
	}
}
