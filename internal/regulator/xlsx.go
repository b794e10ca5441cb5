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

// readXLSX reads a published workbook's first sheet as text, with the same library the
// importer reads its template with. Cells are read raw, so dates stay as day numbers, which
// parseDate understands, whatever display format the publisher gave them.
func readXLSX(content []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(content), excelize.Options{UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: xlsxXMLInMemLimit})
	if err != nil {
		return nil, errXLSX
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errXLSX
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, errXLSX
	}
	return rows, nil
}
