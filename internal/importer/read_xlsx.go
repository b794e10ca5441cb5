package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// SheetName is the template's data sheet. A workbook without a sheet of this name is read
// from its first sheet.
const SheetName = "Suppliers"

// Limits on what an XLSX may unpack to, so a small "zip bomb" cannot fill memory or disk.
const (
	xlsxUnzipLimit    = 256 << 20
	xlsxXMLInMemLimit = 16 << 20
)

const damagedWorkbook = "The file cannot be opened as an XLSX workbook: it may be damaged. Save it again as an Excel Workbook (.xlsx) and try again"

// readXLSX reads the data sheet of a workbook. excelize gives each cell's value as the
// spreadsheet shows it; a second, streaming pass over the sheet's XML (scanCells) finds what
// excelize does not say: which cells are formulas, and the numbers behind date cells and
// numeric sort codes and account numbers.
func readXLSX(r io.Reader) sheet {
	var s sheet
	b, err := io.ReadAll(r)
	if err != nil {
		s.fail("The file could not be read: %v", err)
		return s
	}
	if msg := sniff(b[:min(len(b), 8)], XLSX); msg != "" {
		s.fail("%s", msg)
		return s
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		s.fail(damagedWorkbook)
		return s
	}
	wb, err := readWorkbook(zr)
	if err != nil || len(wb.sheets) == 0 {
		s.fail(damagedWorkbook)
		return s
	}
	data := wb.sheets[0]
	for _, sh := range wb.sheets {
		if strings.EqualFold(sh.name, SheetName) {
			data = sh
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: xlsxXMLInMemLimit})
	if err != nil {
		s.fail(damagedWorkbook)
		return s
	}
	defer f.Close()
	rows, err := f.Rows(data.name)
	if err != nil {
		s.fail(damagedWorkbook)
		return s
	}
	defer rows.Close()
	if !rows.Next() {
		s.fail("The %s sheet is empty. It must start with the template's header row", data.name)
		return s
	}
	cells, err := rows.Columns()
	if err != nil {
		s.fail(damagedWorkbook)
		return s
	}
	h, ok := readHeader(cells, &s)
	if !ok {
		return s
	}
	scan, err := scanCells(zr, data.path, h, wb.date1904)
	if err != nil {
		s.fail(damagedWorkbook)
		return s
	}
	var unnamed rowList
	for num := 2; rows.Next(); num++ {
		cells, err := rows.Columns()
		if err != nil {
			s.fail(damagedWorkbook)
			return s
		}
		row, ok := h.row(num, cells)
		if !ok {
			unnamed.add(num)
		}
		scan.apply(&row)
		if row.empty() {
			continue
		}
		if len(s.rows) == MaxRows {
			s.fail(tooManyRows)
			return s
		}
		s.rows = append(s.rows, row)
	}
	if rows.Error() != nil {
		s.fail(damagedWorkbook)
		return s
	}
	if unnamed.count > 0 {
		s.fail("%s values in a column with no heading. Delete those values or the column", unnamed.phrase("Row %s has", "Rows %s have"))
	}
	return s
}

// workbook is what the importer needs of xl/workbook.xml: the sheets in order, where each
// is stored, and the date system.
type workbook struct {
	sheets   []workbookSheet
	date1904 bool
}

type workbookSheet struct{ name, path string }

func readWorkbook(zr *zip.Reader) (workbook, error) {
	var wb workbook
	var doc struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(zr, "xl/workbook.xml", &doc); err != nil {
		return wb, err
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return wb, err
	}
	wb.date1904 = doc.Pr.Date1904 == "1" || doc.Pr.Date1904 == "true"
	for _, sh := range doc.Sheets {
		for _, rel := range rels.Rels {
			if rel.ID != sh.ID {
				continue
			}
			p := rel.Target
			if strings.HasPrefix(p, "/") {
				p = strings.TrimPrefix(p, "/")
			} else {
				p = path.Join("xl", p)
			}
			wb.sheets = append(wb.sheets, workbookSheet{name: sh.Name, path: p})
		}
	}
	return wb, nil
}

// decodePart unmarshals one small XML part of the package.
func decodePart(zr *zip.Reader, name string, v any) error {
	f, err := zr.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return xml.NewDecoder(io.LimitReader(f, xlsxXMLInMemLimit)).Decode(v)
}

// cellKey is a cell: its row number and template column.
type cellKey struct{ row, col int }

// cellScan is what scanCells found.
type cellScan struct {
	formulas map[int]uint32     // row → bit per template column holding a formula
	numbers  map[cellKey]string // numeric values of the columns in numericColumns, as text
	date1904 bool
}

// numericColumns are read from the stored number where the cell holds one: dates (shown in
// whatever format the cell has), and sort codes and account numbers, whose leading zeros a
// number drops.
var numericColumns = map[int]bool{colELExpiry: true, colPLExpiry: true, colSortCode: true, colAccountNumber: true}

// scanCells streams the sheet's XML once, noting formula cells and the numbers in
// numericColumns, up to the row after MaxRows data rows.
func scanCells(zr *zip.Reader, part string, h header, date1904 bool) (*cellScan, error) {
	f, err := zr.Open(part)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	scan := &cellScan{formulas: map[int]uint32{}, numbers: map[cellKey]string{}, date1904: date1904}
	dec := xml.NewDecoder(io.LimitReader(f, xlsxUnzipLimit))
	row, col, tmpl, cellType := 0, 0, -1, ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return scan, nil
		}
		if err != nil {
			return nil, err
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch el.Name.Local {
		case "row":
			row++
			if n, err := strconv.Atoi(attr(el, "r")); err == nil {
				row = n
			}
			col = 0
			if row > MaxRows+1 {
				return scan, nil
			}
		case "c":
			col++
			if ref := attr(el, "r"); ref != "" {
				if c, _, err := excelize.CellNameToCoordinates(ref); err == nil {
					col = c
				}
			}
			cellType, tmpl = attr(el, "t"), -1
			if col-1 < len(h.pos) {
				tmpl = h.pos[col-1]
			}
		case "f":
			if tmpl >= 0 {
				scan.formulas[row] |= 1 << tmpl
			}
		case "v":
			if tmpl < 0 || !numericColumns[tmpl] || (cellType != "" && cellType != "n" && cellType != "d") {
				continue
			}
			var v string
			if err := dec.DecodeElement(&v, &el); err != nil {
				return nil, err
			}
			if cellType == "d" {
				v = "iso:" + v
			}
			scan.numbers[cellKey{row, tmpl}] = v
		}
	}
}

func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// apply marks a row's formula cells and puts the scanned numbers in its cells: a date as
// YYYY-MM-DD, and a sort code or account number with the leading zeros a number lost.
func (s *cellScan) apply(r *sheetRow) {
	r.formula = s.formulas[r.num]
	for col := range numericColumns {
		v, ok := s.numbers[cellKey{r.num, col}]
		if !ok {
			continue
		}
		switch col {
		case colELExpiry, colPLExpiry:
			r.cells[col] = s.date(v)
		case colSortCode:
			r.cells[col] = padDigits(v, 6, r.cells[col])
		case colAccountNumber:
			r.cells[col] = padDigits(v, 8, r.cells[col])
		}
	}
}

// date turns a stored date (a serial day number, or ISO 8601 text) into YYYY-MM-DD, or leaves
// it for the date check to refuse.
func (s *cellScan) date(v string) string {
	if iso, ok := strings.CutPrefix(v, "iso:"); ok {
		return iso[:min(len(iso), 10)]
	}
	serial, err := strconv.ParseFloat(v, 64)
	if err != nil || serial < 1 || serial > 200000 {
		return v
	}
	t, err := excelize.ExcelDateToTime(serial, s.date1904)
	if err != nil {
		return v
	}
	return t.Format("2006-01-02")
}

// padDigits restores the leading zeros of a whole number stored as a number; anything else
// keeps the value as shown.
func padDigits(v string, width int, shown string) string {
	if v == "" || strings.Trim(v, "0123456789") != "" {
		return shown
	}
	if len(v) >= width {
		return v
	}
	return strings.Repeat("0", width-len(v)) + v
}
