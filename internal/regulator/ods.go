package regulator

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
)

var errODS = apperr.New(apperr.Invalid, "The file could not be read as an OpenDocument spreadsheet (ODS): check it is the file as published")

// The OpenDocument namespaces the reader needs: the CQC publishes its care directory with
// ratings as an ODS workbook, and spreadsheet programs save Ofsted's files as ODS too.
const (
	odsTable  = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	odsText   = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	odsOffice = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
)

// odsMaxRepeat caps how often one non-empty row or cell is repeated. Blank rows and cells
// repeated to the sheet's edge (a million rows, sixteen thousand columns, as every ODS
// writer emits) are only counted, never materialised; a non-empty one repeated more than
// this is a file built to exhaust memory, not a published one.
const odsMaxRepeat = 10000

// odsMaxRows is the most rows a sheet may have: Excel's limit, far beyond any register.
const odsMaxRows = 1 << 20

// isODS reports whether a ZIP file is an OpenDocument spreadsheet: its first entry is
// "mimetype", stored, holding the spreadsheet media type (ODF 1.2 §3.3).
func isODS(content []byte) bool {
	const head = "mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
	return len(content) > 30 && bytes.Contains(content[:min(len(content), 200)], []byte(head))
}

// readODS reads every sheet of an ODS workbook as text, in order. A cell is read as its
// value, not its display: a date as its ISO date (office:date-value), a number as the number
// (office:value), anything else as its paragraphs' text. Blank rows are kept as empty rows so
// row numbers match the ones a spreadsheet program shows.
func readODS(content []byte) ([]sheet, error) {
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return nil, errODS
	}
	var body *zip.File
	for _, f := range zr.File {
		if f.Name == "content.xml" {
			body = f
		}
	}
	if body == nil {
		return nil, errODS
	}
	rc, err := body.Open()
	if err != nil {
		return nil, errODS
	}
	defer rc.Close()
	sheets, err := parseODSContent(io.LimitReader(rc, xlsxUnzipLimit))
	if err != nil {
		return nil, errODS
	}
	return sheets, nil
}

// odsReader walks content.xml as a stream, so a directory of tens of thousands of rows is
// never held as a DOM.
type odsReader struct {
	sheets []sheet
	cur    *sheet
	// row is the row being read; pendingCells counts blank cells not yet known to be
	// followed by a non-blank one.
	row          []string
	pendingCells int
	rowRepeat    int
	// pendingRows counts blank rows not yet known to be followed by a non-blank one.
	pendingRows int
	// cell is the cell being read: its value from attributes, or its text.
	inCell      bool
	cellRepeat  int
	cellValue   string
	hasValue    bool
	text        strings.Builder
	paragraphs  int
	inParagraph int
}

func parseODSContent(r io.Reader) ([]sheet, error) {
	d := xml.NewDecoder(r)
	o := &odsReader{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if o.cur != nil {
				return nil, errors.New("ods: unterminated table")
			}
			return o.sheets, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := o.start(t); err != nil {
				return nil, err
			}
		case xml.EndElement:
			if err := o.end(t); err != nil {
				return nil, err
			}
		case xml.CharData:
			if o.inCell && o.inParagraph > 0 {
				o.text.Write(t)
			}
		}
	}
}

func attr(e xml.StartElement, space, local string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

func repeat(e xml.StartElement, local string) (int, error) {
	v, ok := attr(e, odsTable, local)
	if !ok {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, errors.New("ods: bad repeat count")
	}
	return n, nil
}

func (o *odsReader) start(e xml.StartElement) error {
	var err error
	switch {
	case e.Name.Space == odsTable && e.Name.Local == "table":
		name, _ := attr(e, odsTable, "name")
		o.cur = &sheet{name: name}
		o.pendingRows = 0
	case o.cur != nil && e.Name.Space == odsTable && e.Name.Local == "table-row":
		o.row, o.pendingCells = nil, 0
		o.rowRepeat, err = repeat(e, "number-rows-repeated")
	case o.cur != nil && e.Name.Space == odsTable && (e.Name.Local == "table-cell" || e.Name.Local == "covered-table-cell"):
		o.inCell, o.hasValue, o.cellValue, o.paragraphs = true, false, "", 0
		o.text.Reset()
		o.cellRepeat, err = repeat(e, "number-columns-repeated")
		kind, _ := attr(e, odsOffice, "value-type")
		switch kind {
		case "date":
			o.cellValue, o.hasValue = attr(e, odsOffice, "date-value")
		case "float", "percentage", "currency":
			o.cellValue, o.hasValue = attr(e, odsOffice, "value")
		}
	case o.inCell && e.Name.Space == odsText && e.Name.Local == "p":
		if o.paragraphs > 0 {
			o.text.WriteByte('\n')
		}
		o.paragraphs++
		o.inParagraph++
	case o.inCell && o.inParagraph > 0 && e.Name.Space == odsText && e.Name.Local == "s":
		n := 1
		if v, ok := attr(e, odsText, "c"); ok {
			if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 1000 {
				return errors.New("ods: bad space count")
			}
		}
		o.text.WriteString(strings.Repeat(" ", n))
	case o.inCell && o.inParagraph > 0 && e.Name.Space == odsText && e.Name.Local == "tab":
		o.text.WriteByte('\t')
	case o.inCell && o.inParagraph > 0 && e.Name.Space == odsText && e.Name.Local == "line-break":
		o.text.WriteByte('\n')
	}
	return err
}

func (o *odsReader) end(e xml.EndElement) error {
	switch {
	case e.Name.Space == odsText && e.Name.Local == "p" && o.inParagraph > 0:
		o.inParagraph--
	case o.inCell && e.Name.Space == odsTable && (e.Name.Local == "table-cell" || e.Name.Local == "covered-table-cell"):
		o.inCell = false
		v := o.cellValue
		if !o.hasValue {
			v = o.text.String()
		}
		if v == "" {
			o.pendingCells += o.cellRepeat
			return nil
		}
		if o.cellRepeat > odsMaxRepeat || len(o.row)+o.pendingCells > 1<<14 {
			return errors.New("ods: too many cells")
		}
		for ; o.pendingCells > 0; o.pendingCells-- {
			o.row = append(o.row, "")
		}
		for range o.cellRepeat {
			o.row = append(o.row, v)
		}
	case o.cur != nil && e.Name.Space == odsTable && e.Name.Local == "table-row":
		if len(o.row) == 0 {
			o.pendingRows += o.rowRepeat
			return nil
		}
		if o.rowRepeat > odsMaxRepeat || len(o.cur.rows)+o.pendingRows > odsMaxRows {
			return errors.New("ods: too many rows")
		}
		for ; o.pendingRows > 0; o.pendingRows-- {
			o.cur.rows = append(o.cur.rows, nil)
		}
		for range o.rowRepeat {
			o.cur.rows = append(o.cur.rows, o.row)
		}
	case o.cur != nil && e.Name.Space == odsTable && e.Name.Local == "table":
		o.sheets = append(o.sheets, *o.cur)
		o.cur = nil
	}
	return nil
}
