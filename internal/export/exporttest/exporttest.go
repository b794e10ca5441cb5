// Package exporttest reads a downloaded workbook the way a spreadsheet does, for tests of
// the portal's XLSX exports: whether a cell holds a number or text, and its number format,
// so a test can check a date is a real date and an amount a real number.
package exporttest

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/export"
	"github.com/xuri/excelize/v2"
)

// Cell is one cell of a workbook as a spreadsheet reads it.
type Cell struct {
	// Raw is the stored value: a serial number for a date, pounds for an amount.
	Raw string
	// Shown is the value with its number format applied.
	Shown string
	// Number is true for a numeric cell, false for text.
	Number bool
	// Format is the cell's number format code ("@" for text).
	Format string
}

// Sheet is one worksheet of a downloaded workbook, with its heading row.
type Sheet struct {
	t       testing.TB
	f       *excelize.File
	name    string
	columns map[string]string
}

// Open reads file's first worksheet; the file is closed when the test ends.
func Open(t testing.TB, file []byte) *Sheet {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatalf("open the workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	s := &Sheet{t: t, f: f, name: f.GetSheetName(0), columns: map[string]string{}}
	header, err := f.GetRows(s.name)
	if err != nil || len(header) == 0 {
		t.Fatalf("the workbook has no heading row (%v)", err)
	}
	for i, h := range header[0] {
		s.columns[h], _ = excelize.ColumnNumberToName(i + 1)
	}
	return s
}

// Rows is the number of rows, the heading included.
func (s *Sheet) Rows() int {
	rows, err := s.f.GetRows(s.name)
	if err != nil {
		s.t.Fatal(err)
	}
	return len(rows)
}

// Cell reads the cell under heading in row (the heading row is 1, the first record 2).
func (s *Sheet) Cell(heading string, row int) Cell {
	s.t.Helper()
	col, ok := s.columns[heading]
	if !ok {
		s.t.Fatalf("no column headed %q", heading)
	}
	ref, _ := excelize.JoinCellName(col, row)
	var c Cell
	var err error
	if c.Shown, err = s.f.GetCellValue(s.name, ref); err != nil {
		s.t.Fatal(err)
	}
	if c.Raw, err = s.f.GetCellValue(s.name, ref, excelize.Options{RawCellValue: true}); err != nil {
		s.t.Fatal(err)
	}
	typ, err := s.f.GetCellType(s.name, ref)
	if err != nil {
		s.t.Fatal(err)
	}
	c.Number = c.Raw != "" && (typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber)
	style, err := s.f.GetCellStyle(s.name, ref)
	if err != nil {
		s.t.Fatal(err)
	}
	st, err := s.f.GetStyle(style)
	if err != nil {
		s.t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		c.Format = *st.CustomNumFmt
	}
	return c
}

// AssertDate fails the test unless the cell is a date cell (a serial number with the date
// format every export uses) for want's calendar day.
func (s *Sheet) AssertDate(heading string, row int, want time.Time) {
	s.t.Helper()
	c := s.Cell(heading, row)
	if !c.Number || c.Format != export.XLSXDateFormat || c.Shown != want.Format("2 January 2006") {
		s.t.Errorf("%s, row %d: %+v, want the date %s as a date cell formatted %q", heading, row, c, want.Format(time.DateOnly), export.XLSXDateFormat)
	}
}

// AssertInstant fails the test unless the cell is a date-and-time cell showing want in UK
// time, to the minute.
func (s *Sheet) AssertInstant(heading string, row int, want time.Time, uk *time.Location) {
	s.t.Helper()
	c := s.Cell(heading, row)
	if !c.Number || c.Format != export.XLSXInstantFormat || c.Shown != want.In(uk).Format("2 January 2006 15:04") {
		s.t.Errorf("%s, row %d: %+v, want %s as a date-and-time cell formatted %q", heading, row, c, want, export.XLSXInstantFormat)
	}
}

// AssertMoney fails the test unless the cell is a number of pounds, exactly pence/100, with
// the currency format.
func (s *Sheet) AssertMoney(heading string, row int, pence int64) {
	s.t.Helper()
	c := s.Cell(heading, row)
	want := strings.TrimRight(strings.TrimRight(export.Pounds(pence), "0"), ".")
	if !c.Number || c.Format != export.XLSXMoneyFormat || c.Raw != want {
		s.t.Errorf("%s, row %d: %+v, want %s as a number formatted %q", heading, row, c, want, export.XLSXMoneyFormat)
	}
}

// AssertCount fails the test unless the cell is the whole number n.
func (s *Sheet) AssertCount(heading string, row int, n int) {
	s.t.Helper()
	c := s.Cell(heading, row)
	if !c.Number || c.Format != export.XLSXCountFormat || c.Raw != strconv.Itoa(n) {
		s.t.Errorf("%s, row %d: %+v, want the count %d", heading, row, c, n)
	}
}

// AssertText fails the test unless the cell is text (formatted as text) reading want.
func (s *Sheet) AssertText(heading string, row int, want string) {
	s.t.Helper()
	c := s.Cell(heading, row)
	if c.Number || c.Format != "@" || c.Raw != want {
		s.t.Errorf("%s, row %d: %+v, want the text %q", heading, row, c, want)
	}
}
