package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// typedColumns are one column of each kind, and a text column holding a number that must
// stay text.
var typedColumns = []Column{
	{Header: "Account number"}, {Header: "Ends on", Kind: KindDate}, {Header: "Updated", Kind: KindInstant},
	{Header: "Value", Kind: KindMoney}, {Header: "Staff", Kind: KindCount},
}

func typedRows() [][]Cell {
	bst := time.Date(2026, 7, 1, 13, 30, 0, 0, time.UTC) // 14:30 in London, summer time
	return [][]Cell{
		{Text("00733445"), Date(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)), Instant(bst), Money(123456789), Count(1200)},
		{Text("06774744"), Empty, Instant(time.Date(2026, 1, 15, 9, 5, 0, 0, time.UTC)), Money(-5), Count(0)},
		{Text("=1+1"), OptionalDate(nil), Empty, Money(10), Empty},
	}
}

func writeTypedXLSX(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewXLSX(&buf, XLSXOptions{Sheet: "Typed"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Header(typedColumns); err != nil {
		t.Fatal(err)
	}
	for _, r := range typedRows() {
		if err := w.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sheetCell is a cell of a worksheet's XML as the file holds it.
type sheetCell struct {
	Ref    string `xml:"r,attr"`
	Type   string `xml:"t,attr"`
	Style  int    `xml:"s,attr"`
	Value  string `xml:"v"`
	Inline string `xml:"is>t"`
}

// rawSheet reads the first worksheet's cells straight from the file's XML, so the test
// checks what a spreadsheet reads, not what a library makes of it.
func rawSheet(t *testing.T, file []byte) map[string]sheetCell {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	body, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	var ws struct {
		Rows []struct {
			Cells []sheetCell `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := xml.Unmarshal(body, &ws); err != nil {
		t.Fatal(err)
	}
	out := map[string]sheetCell{}
	for _, r := range ws.Rows {
		for _, c := range r.Cells {
			out[c.Ref] = c
		}
	}
	return out
}

func TestExportXLSXCellsAreTypedByColumn(t *testing.T) {
	file := writeTypedXLSX(t)
	raw := rawSheet(t, file)
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	numFmt := func(ref string) string {
		t.Helper()
		id, err := f.GetCellStyle("Typed", ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.CustomNumFmt == nil {
			return ""
		}
		return *st.CustomNumFmt
	}
	tests := []struct {
		ref, value, format, shown string
		number                    bool
	}{
		{"A2", "00733445", "@", "00733445", false},
		{"A4", "'=1+1", "@", "'=1+1", false},
		// 7 December 2026 is day 46363 counting from 30 December 1899.
		{"B2", "46363", XLSXDateFormat, "7 December 2026", true},
		// 1 July 2026 13:30 UTC is 14:30 in London.
		{"C2", "46204.604166666664", XLSXInstantFormat, "1 July 2026 14:30", true},
		{"C3", "46037.37847222222", XLSXInstantFormat, "15 January 2026 09:05", true},
		{"D2", "1234567.89", XLSXMoneyFormat, "", true},
		{"D3", "-0.05", XLSXMoneyFormat, "", true},
		{"D4", "0.1", XLSXMoneyFormat, "", true},
		{"E2", "1200", XLSXCountFormat, "1,200", true},
		{"E3", "0", XLSXCountFormat, "0", true},
	}
	for _, tt := range tests {
		c, ok := raw[tt.ref]
		if !ok {
			t.Errorf("%s is missing", tt.ref)
			continue
		}
		value := c.Value
		if c.Type == "inlineStr" {
			value = c.Inline
		}
		if tt.number && c.Type != "" && c.Type != "n" {
			t.Errorf("%s has type %q, want a number", tt.ref, c.Type)
		}
		if !tt.number && c.Type != "inlineStr" && c.Type != "s" {
			t.Errorf("%s has type %q, want text", tt.ref, c.Type)
		}
		if value != tt.value {
			t.Errorf("%s holds %q, want %q", tt.ref, value, tt.value)
		}
		if got := numFmt(tt.ref); got != tt.format {
			t.Errorf("%s has number format %q, want %q", tt.ref, got, tt.format)
		}
		if tt.shown != "" {
			if got, _ := f.GetCellValue("Typed", tt.ref); got != tt.shown {
				t.Errorf("%s shows %q, want %q", tt.ref, got, tt.shown)
			}
		}
	}
	for _, ref := range []string{"B3", "B4", "C4", "E4"} {
		if c := raw[ref]; c.Value != "" || c.Inline != "" {
			t.Errorf("%s = %+v, want an empty cell", ref, c)
		}
	}
	// A value typed into an empty row later gets its column's format.
	for col, want := range map[string]string{"A": "@", "B": XLSXDateFormat, "C": XLSXInstantFormat, "D": XLSXMoneyFormat, "E": XLSXCountFormat} {
		id, err := f.GetColStyle("Typed", col)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.CustomNumFmt == nil || *st.CustomNumFmt != want {
			t.Errorf("column %s is styled %v, want %q", col, st.CustomNumFmt, want)
		}
	}
	if w, _ := f.GetColWidth("Typed", "B"); w < 18 {
		t.Errorf("date column width %v is too narrow for \"30 September 2026\"", w)
	}
}

func TestExportCSVWritesTypedCellsInISO(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewCSV(&buf, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Header(typedColumns); err != nil {
		t.Fatal(err)
	}
	for _, r := range typedRows() {
		if err := w.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "Account number,Ends on,Updated,Value,Staff\r\n" +
		"00733445,2026-12-07,2026-07-01T13:30:00Z,1234567.89,1200\r\n" +
		"06774744,,2026-01-15T09:05:00Z,-0.05,0\r\n" +
		"'=1+1,,,0.10,\r\n"
	if got := buf.String(); got != want {
		t.Errorf("CSV =\n%q\nwant\n%q", got, want)
	}

	buf.Reset()
	w, _ = NewCSV(&buf, CSVOptions{DateLayout: "02/01/2006", NoHeader: true})
	_ = w.Header([]Column{{Header: "Effective", Kind: KindDate}})
	_ = w.Row([]Cell{Date(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC))})
	_ = w.Close()
	if got := buf.String(); got != "04/03/2026\r\n" {
		t.Errorf("a finance system's date layout: %q", got)
	}
}

func TestExportRowsMustMatchColumnKinds(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		var w Writer
		if format == "csv" {
			w, _ = NewCSV(io.Discard, CSVOptions{})
		} else {
			w, _ = NewXLSX(io.Discard, XLSXOptions{})
		}
		if err := w.Header(typedColumns); err != nil {
			t.Fatal(err)
		}
		bad := [][]Cell{
			{Text("x"), Text("2026-12-07"), Empty, Empty, Empty},
			{Text("x"), Empty, Empty, Text("£12.00"), Empty},
			{Money(1), Empty, Empty, Empty, Empty},
			{Text("x"), Instant(time.Now()), Empty, Empty, Empty},
			{Text("x"), Empty, Empty, Empty, Money(3)},
		}
		for i, r := range bad {
			if err := w.Row(r); err == nil || !strings.Contains(err.Error(), "export: column") {
				t.Errorf("%s: row %d of the wrong kinds gave %v", format, i, err)
			}
		}
		if err := w.Row(typedRows()[0]); err != nil {
			t.Errorf("%s: a good row after bad ones: %v", format, err)
		}
		w.Close()
	}
}

func TestExportPoundsIsExact(t *testing.T) {
	tests := []struct {
		pence int64
		want  string
	}{
		{0, "0.00"}, {5, "0.05"}, {-5, "-0.05"}, {100, "1.00"}, {123456789, "1234567.89"},
		{-9223372036854775808, "-92233720368547758.08"}, {9223372036854775807, "92233720368547758.07"},
	}
	for _, tt := range tests {
		if got := Pounds(tt.pence); got != tt.want {
			t.Errorf("Pounds(%d) = %q, want %q", tt.pence, got, tt.want)
		}
	}
	// Every amount up to the float limit reads back as exactly its pence.
	for _, p := range []int64{1, 7, 10, 99, 101, 333_333, 1_000_000_01, 999_999_999_999_999, -999_999_999_999_999} {
		want := strings.TrimRight(strings.TrimRight(Pounds(p), "0"), ".") // "1.10" is written "1.1"
		if got := formatFloat(moneyValue(p).(float64)); got != want {
			t.Errorf("moneyValue(%d) is written %q, want %q", p, got, want)
		}
	}
	if _, isText := moneyValue(maxExactPence + 1).(string); !isText {
		t.Error("an amount beyond float precision was written as a rounded number")
	}
}

// formatFloat writes v as excelize does.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
