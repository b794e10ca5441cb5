package export

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// XLSXOptions shape a workbook of one sheet.
type XLSXOptions struct {
	// Sheet names the worksheet; "Sheet1" unless set.
	Sheet string
}

// XLSX writes a workbook through excelize's StreamWriter, which keeps rows in a temporary
// file rather than in memory. Each column is styled by its kind, so a value typed into it
// later keeps the same format: text columns are formatted as text ("@"), so sort codes and
// account numbers keep their leading zeros even when someone edits them; dates are date
// serials shown as XLSXDateFormat, moments date-time serials in UK time, amounts pounds shown
// as XLSXMoneyFormat and counts whole numbers. The heading row is bold and frozen, and each
// column is as wide as its heading, kind or declared width. The workbook is written to w by
// Close.
type XLSX struct {
	out    io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	styles [KindCount + 1]int
	header int
	row    int
	cols   []Column
	buf    []any
}

// kindFormats are the number formats of each kind's cells.
var kindFormats = [KindCount + 1]string{
	KindText: "@", KindDate: XLSXDateFormat, KindInstant: XLSXInstantFormat, KindMoney: XLSXMoneyFormat, KindCount: XLSXCountFormat,
}

// NewXLSX starts a workbook that Close writes to w.
func NewXLSX(w io.Writer, opts XLSXOptions) (*XLSX, error) {
	f := excelize.NewFile()
	sheet := opts.Sheet
	if sheet == "" {
		sheet = "Sheet1"
	}
	if sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			f.Close()
			return nil, fmt.Errorf("export: sheet name: %w", err)
		}
	}
	x := &XLSX{out: w, f: f}
	for k, numFmt := range kindFormats {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &numFmt})
		if err != nil {
			f.Close()
			return nil, err
		}
		x.styles[k] = id
	}
	textFmt := kindFormats[KindText]
	header, err := f.NewStyle(&excelize.Style{CustomNumFmt: &textFmt, Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F3F2F1"}}})
	if err != nil {
		f.Close()
		return nil, err
	}
	x.header = header
	if x.sw, err = f.NewStreamWriter(sheet); err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
}

// Header sets the column widths and styles, freezes the first row and writes the headings.
func (x *XLSX) Header(cols []Column) error {
	if x.row != 0 {
		return errors.New("export: the header must come first")
	}
	if len(cols) == 0 {
		return errors.New("export: no columns")
	}
	x.cols = cols
	for i, col := range cols {
		if col.Kind > KindCount {
			return fmt.Errorf("export: column %q has an unknown kind", col.Header)
		}
		if err := x.sw.SetColWidth(i+1, i+1, columnWidth(col)); err != nil {
			return err
		}
		if err := x.sw.SetColStyle(i+1, i+1, x.styles[col.Kind]); err != nil {
			return err
		}
	}
	if err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	x.buf = make([]any, len(cols))
	cells := make([]any, len(cols))
	for i, col := range cols {
		cells[i] = excelize.Cell{StyleID: x.header, Value: NeutraliseCell(col.Header)}
	}
	x.row = 1
	return x.sw.SetRow("A1", cells, excelize.RowOpts{StyleID: x.header})
}

// kindWidths are the narrowest columns that show a whole value of each kind: "30 September
// 2026 12:00" needs more room than its heading often gives it.
var kindWidths = [KindCount + 1]float64{KindDate: 18, KindInstant: 24, KindMoney: 14}

// columnWidth is the declared width, or the heading's length with a little room (and at
// least what the kind needs), within limits a reader can work with.
func columnWidth(c Column) float64 {
	w := c.Width
	if w == 0 {
		w = float64(utf8.RuneCountInString(c.Header)) + 4
		if c.Kind <= KindCount {
			w = max(w, kindWidths[c.Kind])
		}
	}
	return min(max(w, 8), 60)
}

// Row writes one record, each cell typed and styled by its column's kind, text neutralised.
func (x *XLSX) Row(cells []Cell) error {
	if x.row == 0 {
		return errors.New("export: write the header first")
	}
	if err := checkRow(x.cols, cells); err != nil {
		return err
	}
	x.row++
	for i, c := range cells {
		k := x.cols[i].Kind
		v := c.xlsxValue()
		if _, isText := v.(string); isText && k != KindText {
			k = KindText // a value only text can hold exactly (see xlsxValue)
		}
		x.buf[i] = excelize.Cell{StyleID: x.styles[k], Value: v}
	}
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, x.buf)
}

// Close finishes the sheet, writes the workbook to the output and removes the temporary
// files.
func (x *XLSX) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.out)
}

// ContentType is the Office Open XML spreadsheet type.
func (x *XLSX) ContentType() string {
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// Extension is "xlsx".
func (x *XLSX) Extension() string { return "xlsx" }
