package export

import (
	"bytes"
	"regexp"
	"testing"
	"time"
	"unicode/utf16"
)

// pdfHasText reports whether an uncompressed PDF shows s: text in an embedded Unicode font is
// written as UTF-16BE in the page content.
func pdfHasText(pdf []byte, s string) bool {
	var b bytes.Buffer
	for _, u := range utf16.Encode([]rune(s)) {
		for _, c := range []byte{byte(u >> 8), byte(u)} {
			if c == '\\' || c == '(' || c == ')' || c == '\r' {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		}
	}
	return bytes.Contains(pdf, b.Bytes())
}

func TestWritePDFShowsEveryRowInAnyAlphabet(t *testing.T) {
	pdfCompression = false
	t.Cleanup(func() { pdfCompression = true })
	doc := PDFDocument{Title: "Supplier record: Acorn Fostering Ltd", Lines: []string{"Sent on 7 December 2026 by Zoë Łukasiewicz"},
		Created: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	for i := 0; i < 40; i++ { // enough rows for a second page
		doc.Sections = append(doc.Sections, PDFSection{Heading: "Contacts", Rows: [][2]string{{"Key contact", "Dana Ó Súilleabháin (Director)"}, {"Phone", ""}}})
	}
	doc.Sections = append(doc.Sections, PDFSection{Heading: "Declarations", Empty: "Not started"})
	var out bytes.Buffer
	if err := WritePDF(&out, doc); err != nil {
		t.Fatal(err)
	}
	pdf := out.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("%%EOF")) {
		t.Fatal("not a complete PDF file")
	}
	for _, want := range []string{"Zoë Łukasiewicz", "Dana Ó Súilleabháin (Director)", "Key contact", "Not started", "—"} {
		if !pdfHasText(pdf, want) {
			t.Errorf("the PDF does not show %q", want)
		}
	}
	m := regexp.MustCompile(`/Count (\d+)`).FindSubmatch(pdf)
	if m == nil || string(m[1]) == "1" {
		t.Errorf("40 sections on one page? page count %q", m)
	}
}
