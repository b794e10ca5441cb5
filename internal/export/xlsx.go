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
// file rather than in memory. Every cell is a string formatted as text ("@"), so sort codes
// and account numbers keep their leading zeros even when someone edits them; the heading
// row is bold and frozen, and each column is as wide as its heading or declared width.
// The workbook is written to w by Close.
type XLSX struct {
	out    io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	text   int
	header int
	row    int
	cols   int
	buf    []any
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
	textFmt := "@"
	text, err := f.NewStyle(&excelize.Style{CustomNumFmt: &textFmt})
	if err != nil {
		f.Close()
		return nil, err
	}
	header, err := f.NewStyle(&excelize.Style{CustomNumFmt: &textFmt, Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F3F2F1"}}})
	if err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &XLSX{out: w, f: f, sw: sw, text: text, header: header}, nil
}

// Header sets the column widths and styles, freezes the first row and writes the headings.
func (x *XLSX) Header(cols []Column) error {
	if x.row != 0 {
		return errors.New("export: the header must come first")
	}
	if len(cols) == 0 {
		return errors.New("export: no columns")
	}
	x.cols = len(cols)
	for i, col := range cols {
		if err := x.sw.SetColWidth(i+1, i+1, columnWidth(col)); err != nil {
			return err
		}
	}
	if err := x.sw.SetColStyle(1, len(cols), x.text); err != nil {
		return err
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

// columnWidth is the declared width, or the heading's length with a little room, within
// limits a reader can work with.
func columnWidth(c Column) float64 {
	w := c.Width
	if w == 0 {
		w = float64(utf8.RuneCountInString(c.Header)) + 4
	}
	return min(max(w, 8), 60)
}

// Row writes one record as text cells, neutralising each.
func (x *XLSX) Row(cells []string) error {
	if x.row == 0 {
		return errors.New("export: write the header first")
	}
	if len(cells) != x.cols {
		return errors.New("export: a row has a different number of cells from the header")
	}
	x.row++
	for i, c := range cells {
		x.buf[i] = excelize.Cell{StyleID: x.text, Value: NeutraliseCell(c)}
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
