package regulator

import (
	"bytes"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/xuri/excelize/v2"
)

var errXLSX = apperr.New(apperr.Invalid, "The file could not be read as an Excel workbook (XLSX): check it is the file as published")

// Limits on what a workbook may unpack to, so a small file that unzips to gigabytes is
// refused rather than read. The CQC's whole care directory is well inside them.
const (
	xlsxUnzipLimit    = 400 << 20
	xlsxXMLInMemLimit = 32 << 20
)

// sheet is one sheet of a workbook, as text; a CSV file is a workbook of one sheet.
type sheet struct {
	name string
	rows [][]string
	// lines is each row's number in the file, when it differs from its index + 1 (a CSV
	// record that spans lines, or blank lines the reader passed over).
	lines []int
}

// line is the number a person looking at the file would give row i.
func (s *sheet) line(i int) int {
	if s.lines != nil {
		return s.lines[i]
	}
	return i + 1
}

// readXLSX reads every sheet of a published workbook as text, in order, with the same
// library the importer reads its template with: the publishers put notes and a read-me
// before the data sheet. Cells are read raw, so dates stay as day numbers, which parseDate
// understands, whatever display format the publisher gave them.
func readXLSX(content []byte) ([]sheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(content), excelize.Options{UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: xlsxXMLInMemLimit})
	if err != nil {
		return nil, errXLSX
	}
	defer f.Close()
	names := f.GetSheetList()
	if len(names) == 0 {
		return nil, errXLSX
	}
	sheets := make([]sheet, 0, len(names))
	for _, name := range names {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, errXLSX
		}
		sheets = append(sheets, sheet{name: name, rows: rows})
	}
	return sheets, nil
}
