package importer

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// readCSV reads comma-separated UTF-8 text (RFC 4180), with or without a byte order mark,
// a record at a time.
func readCSV(r io.Reader) sheet {
	var s sheet
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(8 << 10)
	if msg := sniff(head, CSV); msg != "" {
		s.fail("%s", msg)
		return s
	}
	if strings.HasPrefix(string(head), "\uFEFF") {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	rec, err := cr.Read()
	if errors.Is(err, io.EOF) {
		s.fail("The file is empty. It must start with the template's header row")
		return s
	}
	if err != nil {
		s.fail("%s", csvProblem(err))
		return s
	}
	if !textOK(rec) {
		s.fail("The header row is not UTF-8 text. Save the file as \"CSV UTF-8 (comma delimited)\" and try again")
		return s
	}
	h, ok := readHeader(rec, &s)
	if !ok {
		return s
	}

	// A spreadsheet shows each record as one row, and a blank line as an empty row, while a
	// cell spanning lines makes one record of several lines: the row number is the record's
	// first line less the extra lines of the records before it.
	_, headerEnd := fieldEnd(cr, rec)
	extraLines := headerEnd - 1
	var unnamed rowList
	for {
		rec, err = cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.fail("%s", csvProblem(err))
			return s
		}
		first, last := fieldEnd(cr, rec)
		num := first - extraLines
		extraLines += last - first
		if !textOK(rec) {
			s.fail("Row %d is not UTF-8 text. Save the file as \"CSV UTF-8 (comma delimited)\" and try again", num)
			return s
		}
		row, ok := h.row(num, rec)
		if !ok {
			unnamed.add(num)
		}
		if row.empty() {
			continue
		}
		if len(s.rows) == MaxRows {
			s.fail(tooManyRows)
			return s
		}
		s.rows = append(s.rows, row)
	}
	if unnamed.count > 0 {
		s.fail("%s values in a column with no heading. Delete those values or the column", unnamed.phrase("Row %s has", "Rows %s have"))
	}
	return s
}

const tooManyRows = "The file has more than 50,000 rows. Split it into files of 50,000 rows or fewer"

// fieldEnd returns the lines a record starts and ends on.
func fieldEnd(cr *csv.Reader, rec []string) (first, last int) {
	first, _ = cr.FieldPos(0)
	n := len(rec) - 1
	last, _ = cr.FieldPos(n)
	return first, last + strings.Count(rec[n], "\n")
}

// textOK reports whether every cell is UTF-8 text without NUL bytes.
func textOK(rec []string) bool {
	for _, c := range rec {
		if !utf8.ValidString(c) || strings.IndexByte(c, 0) >= 0 {
			return false
		}
	}
	return true
}

// csvProblem explains a CSV syntax error with the line it is on.
func csvProblem(err error) string {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return "The file cannot be read as CSV: " + err.Error()
	}
	what := "it is not valid CSV"
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		what = "a quote mark is out of place in a cell that is not in quotes"
	case errors.Is(pe.Err, csv.ErrQuote):
		what = "a cell in quotes is not closed properly"
	}
	return "The file cannot be read as CSV at line " + strconv.Itoa(pe.Line) + ": " + what + ". Save it again as \"CSV UTF-8 (comma delimited)\""
}
