package regulator

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
)

// The portal reads XLSX with the standard library alone (the importer does the same for its
// own template): a published workbook's first sheet is read as text, shared strings resolved.
// Dates stay as day numbers, which parseDate understands.

var errXLSX = apperr.New(apperr.Invalid, "The file could not be read as an Excel workbook (XLSX): check it is the file as published")

// maxXLSXPart caps how much of one part of the workbook is unpacked, so a small file that
// unzips to gigabytes is refused rather than read.
const maxXLSXPart = 400 << 20

func readXLSX(content []byte) ([][]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return nil, errXLSX
	}
	sheet, err := firstSheet(zr)
	if err != nil {
		return nil, errXLSX
	}
	var shared []string
	if f := openPart(zr, "xl/sharedStrings.xml"); f != nil {
		if shared, err = sharedStrings(f); err != nil {
			return nil, errXLSX
		}
	}
	f := openPart(zr, sheet)
	if f == nil {
		return nil, errXLSX
	}
	return sheetRows(f, shared)
}

func openPart(zr *zip.Reader, name string) io.Reader {
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				return nil
			}
			return io.LimitReader(rc, maxXLSXPart)
		}
	}
	return nil
}

// firstSheet finds the part of the workbook's first sheet through its relationships.
func firstSheet(zr *zip.Reader) (string, error) {
	var wb struct {
		Sheets []struct {
			RID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	for part, v := range map[string]any{"xl/workbook.xml": &wb, "xl/_rels/workbook.xml.rels": &rels} {
		f := openPart(zr, part)
		if f == nil {
			return "", errXLSX
		}
		if err := xml.NewDecoder(f).Decode(v); err != nil {
			return "", err
		}
	}
	if len(wb.Sheets) == 0 {
		return "", errXLSX
	}
	for _, r := range rels.Rels {
		if r.ID == wb.Sheets[0].RID {
			if strings.HasPrefix(r.Target, "/") {
				return strings.TrimPrefix(r.Target, "/"), nil
			}
			return path.Join("xl", r.Target), nil
		}
	}
	return "", errXLSX
}

func sharedStrings(r io.Reader) ([]string, error) {
	var out []string
	d := xml.NewDecoder(r)
	var cur strings.Builder
	inSI, inT := false, false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				cur.Reset()
			case "t":
				inT = inSI
			case "rPh": // phonetic runs are not part of the text
				if err := d.Skip(); err != nil {
					return nil, err
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, cur.String())
				inSI = false
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				cur.Write(t)
			}
		}
	}
}

// sheetRows reads the sheet's cells as text, each row placed by its cell references so
// empty cells keep their columns.
func sheetRows(r io.Reader, shared []string) ([][]string, error) {
	var rows [][]string
	d := xml.NewDecoder(r)
	var row []string
	var ref, typ string
	var val strings.Builder
	inV := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, errXLSX
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				row = nil
				// Excel's sheets end at row 1,048,576: a row number past it is not a real sheet.
				if n, err := strconv.Atoi(attrOf(t, "r")); err == nil && n > len(rows)+1 && n <= 1<<20 {
					for len(rows) < n-1 {
						rows = append(rows, nil)
					}
				}
			case "c":
				ref, typ = attrOf(t, "r"), attrOf(t, "t")
				val.Reset()
			case "v", "t":
				inV = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "row":
				rows = append(rows, row)
			case "c":
				text := val.String()
				if typ == "s" {
					i, err := strconv.Atoi(text)
					if err != nil || i < 0 || i >= len(shared) {
						return nil, errXLSX
					}
					text = shared[i]
				}
				col := columnOf(ref)
				if col < 0 {
					col = len(row)
				}
				if col > 16384 {
					return nil, errXLSX
				}
				for len(row) < col {
					row = append(row, "")
				}
				row = append(row[:col], text)
			case "v", "t":
				inV = false
			}
		case xml.CharData:
			if inV {
				val.Write(t)
			}
		}
	}
}

func attrOf(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// columnOf is the zero-based column of a cell reference such as "AB12", or -1.
func columnOf(ref string) int {
	col := 0
	n := 0
	for _, c := range ref {
		if c < 'A' || c > 'Z' {
			break
		}
		col = col*26 + int(c-'A'+1)
		n++
	}
	if n == 0 {
		return -1
	}
	return col - 1
}
