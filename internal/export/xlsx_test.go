package export

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestExportXLSXCellsAreNeutralisedText(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewXLSX(&buf, XLSXOptions{Sheet: "Suppliers"})
	if err != nil {
		t.Fatal(err)
	}
	cols := []Column{{Header: "Supplier reference"}, {Header: "Legal name", Width: 40}, {Header: "Sort code"}, {Header: "Account number"}}
	if err := w.Header(cols); err != nil {
		t.Fatal(err)
	}
	rows := [][]string{
		{"SUP1001", `=HYPERLINK("http://evil.example","Click")`, "012345", "00733445"},
		{"SUP1002", "+cmd|' /C calc'!A0", "089999", "06774744"},
	}
	for _, r := range rows {
		if err := w.Row(Texts(r...)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := []struct {
		cell, want string
	}{
		{"A1", "Supplier reference"},
		{"B2", `'=HYPERLINK("http://evil.example","Click")`},
		{"C2", "012345"},
		{"D2", "00733445"},
		{"B3", "'+cmd|' /C calc'!A0"},
		{"C3", "089999"},
	}
	for _, tt := range tests {
		got, err := f.GetCellValue("Suppliers", tt.cell)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s = %q, want %q", tt.cell, got, tt.want)
		}
		typ, err := f.GetCellType("Suppliers", tt.cell)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%s has type %v, want a string", tt.cell, typ)
		}
		if formula, _ := f.GetCellFormula("Suppliers", tt.cell); formula != "" {
			t.Errorf("%s holds a formula %q", tt.cell, formula)
		}
	}
	panes, err := f.GetPanes("Suppliers")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, want the header row frozen", panes)
	}
	if wB, _ := f.GetColWidth("Suppliers", "B"); wB != 40 {
		t.Errorf("column B width %v, want the declared 40", wB)
	}
	if wA, _ := f.GetColWidth("Suppliers", "A"); wA != float64(len("Supplier reference")+4) {
		t.Errorf("column A width %v, want the heading's length plus room", wA)
	}
	style, err := f.GetCellStyle("Suppliers", "C2")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(style)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil || *st.CustomNumFmt != "@" {
		t.Errorf("sort code cell is not formatted as text: %+v", st.CustomNumFmt)
	}
}

func TestExportXLSXRefusesMisuse(t *testing.T) {
	w, err := NewXLSX(&bytes.Buffer{}, XLSXOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Row(Texts("x")); err == nil {
		t.Error("a row before the header was accepted")
	}
	if err := w.Header([]Column{{Header: "A"}, {Header: "B"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Row(Texts("x")); err == nil {
		t.Error("a short row was accepted")
	}
	if err := w.Header([]Column{{Header: "A"}}); err == nil {
		t.Error("a second header was accepted")
	}
}

func TestExportColumnWidth(t *testing.T) {
	tests := []struct {
		c    Column
		want float64
	}{
		{Column{Header: "VAT"}, 8},
		{Column{Header: "Supplier reference"}, 22},
		{Column{Header: "X", Width: 30}, 30},
		{Column{Header: "X", Width: 500}, 60},
	}
	for _, tt := range tests {
		if got := columnWidth(tt.c); got != tt.want {
			t.Errorf("columnWidth(%+v) = %v, want %v", tt.c, got, tt.want)
		}
	}
}
