package importer

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// GuidanceSheet names the XLSX template's sheet describing the columns.
const GuidanceSheet = "Guidance"

// WriteTemplate writes the empty template: the header row only (no example row, which
// could be imported by mistake). A CSV starts with a UTF-8 byte order mark, so that Excel
// opens it as UTF-8; an XLSX has every column of its "Suppliers" sheet formatted as text, so
// sort codes and account numbers keep their leading zeros, and a second sheet, "Guidance",
// describing each column.
func WriteTemplate(w io.Writer, f Format) error {
	switch f {
	case CSV:
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		if err := cw.Write(Columns); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	case XLSX:
		return writeXLSXTemplate(w)
	}
	return fmt.Errorf("template: unknown format %q", f)
}

func writeXLSXTemplate(w io.Writer) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", SheetName); err != nil {
		return err
	}
	textFmt := "@"
	text, err := x.NewStyle(&excelize.Style{CustomNumFmt: &textFmt})
	if err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{CustomNumFmt: &textFmt, Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F3F2F1"}}})
	if err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(Columns))
	if err := x.SetColStyle(SheetName, "A:"+last, text); err != nil {
		return err
	}
	for i, c := range Columns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := x.SetCellStr(SheetName, cell, c); err != nil {
			return err
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := x.SetColWidth(SheetName, col, col, float64(max(len(c)+4, 14))); err != nil {
			return err
		}
	}
	if err := x.SetCellStyle(SheetName, "A1", last+"1", bold); err != nil {
		return err
	}
	if err := x.SetPanes(SheetName, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}

	if _, err := x.NewSheet(GuidanceSheet); err != nil {
		return err
	}
	wrap, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	heads := []string{"Column", "Required", "What to enter"}
	for i, h := range heads {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := x.SetCellStr(GuidanceSheet, cell, h); err != nil {
			return err
		}
	}
	for i, g := range Guidance {
		for j, v := range []string{g.Name, g.Required, g.Description} {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			if err := x.SetCellStr(GuidanceSheet, cell, v); err != nil {
				return err
			}
		}
	}
	if err := x.SetCellStyle(GuidanceSheet, "A1", "C1", bold); err != nil {
		return err
	}
	if err := x.SetCellStyle(GuidanceSheet, "A2", fmt.Sprintf("C%d", len(Guidance)+1), wrap); err != nil {
		return err
	}
	for col, width := range map[string]float64{"A": 26, "B": 30, "C": 90} {
		if err := x.SetColWidth(GuidanceSheet, col, col, width); err != nil {
			return err
		}
	}
	_, err = x.WriteTo(w)
	return err
}
