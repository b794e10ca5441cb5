package export

import (
	_ "embed"
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// The fonts PDFs are written in: embedded, so a name in any alphabet prints as typed.
var (
	//go:embed fonts/DejaVuSansCondensed.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSansCondensed-Bold.ttf
	fontBold []byte
)

// PDFDocument is a printable document of headed sections of label–value rows: a copy of a
// record, in the same words as the page it mirrors.
type PDFDocument struct {
	Title string
	// Lines are shown under the title: what this is, when, by whom.
	Lines    []string
	Sections []PDFSection
	// Created is the document's creation date, recorded in its metadata.
	Created time.Time
}

// PDFSection is a heading and its rows.
type PDFSection struct {
	Heading string
	Rows    [][2]string
	// Empty is shown when the section has no rows.
	Empty string
}

// pdfCompression is off only in tests, which read the text back.
var pdfCompression = true

// WritePDF writes doc as an A4 PDF with page numbers.
func WritePDF(w io.Writer, doc PDFDocument) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(pdfCompression)
	pdf.AddUTF8FontFromBytes("body", "", fontRegular)
	pdf.AddUTF8FontFromBytes("body", "B", fontBold)
	pdf.SetTitle(doc.Title, true)
	pdf.SetCreator("Provider Portal", true)
	if !doc.Created.IsZero() {
		pdf.SetCreationDate(doc.Created)
		pdf.SetModificationDate(doc.Created)
	}
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("body", "", 8)
		pdf.CellFormat(0, 10, fmt.Sprintf("%s · page %d of {nb}", doc.Title, pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AliasNbPages("{nb}")
	pdf.AddPage()
	width, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	text := width - left - right
	labelWidth := text * 0.38

	pdf.SetFont("body", "B", 18)
	pdf.MultiCell(text, 9, doc.Title, "", "L", false)
	pdf.SetFont("body", "", 10)
	for _, l := range doc.Lines {
		pdf.MultiCell(text, 5.5, l, "", "L", false)
	}
	for _, sec := range doc.Sections {
		pdf.Ln(5)
		pdf.SetFont("body", "B", 13)
		pdf.MultiCell(text, 7, sec.Heading, "B", "L", false)
		pdf.Ln(1)
		if len(sec.Rows) == 0 && sec.Empty != "" {
			pdf.SetFont("body", "", 10)
			pdf.MultiCell(text, 5.5, sec.Empty, "", "L", false)
		}
		for _, r := range sec.Rows {
			// The label and value side by side, the row as tall as the longer of the two.
			lines := max(len(pdf.SplitText(r[0], labelWidth-2)), len(pdf.SplitText(orDash(r[1]), text-labelWidth)))
			if pdf.GetY()+float64(lines)*5.5 > 297-20 {
				pdf.AddPage()
			}
			y := pdf.GetY()
			pdf.SetFont("body", "B", 10)
			pdf.MultiCell(labelWidth-2, 5.5, r[0], "", "L", false)
			pdf.SetXY(left+labelWidth, y)
			pdf.SetFont("body", "", 10)
			pdf.MultiCell(text-labelWidth, 5.5, orDash(r[1]), "", "L", false)
			pdf.SetY(y + float64(lines)*5.5 + 1.5)
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return pdf.Output(w)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
