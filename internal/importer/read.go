package importer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"sort"
	"strings"
)

// sheetRow is one data row of a file that is not wholly empty, with its cells in template
// column order.
type sheetRow struct {
	num   int
	cells [numColumns]string
	// formula has bit i set when the cell of column i is a spreadsheet formula (XLSX).
	formula uint32
}

func (r *sheetRow) empty() bool {
	if r.formula != 0 {
		return false
	}
	for _, c := range r.cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// sheet is a file as read: its rows, or the reasons it cannot be imported.
type sheet struct {
	rows       []sheetRow
	fileErrors []string
	sha256     string
}

func (s *sheet) fail(format string, args ...any) {
	s.fileErrors = append(s.fileErrors, fmt.Sprintf(format, args...))
}

// readSheet reads a file of either format. Reading stops at the first problem that makes the
// rest meaningless (encoding, columns) and after MaxRows rows, so a huge file is never held
// in memory, nor even read to its end. The digest is of the bytes read: the whole file,
// unless reading stopped at a file error.
func readSheet(r io.Reader, f Format) sheet {
	d := &digestReader{r: io.LimitReader(r, MaxFileBytes+1), h: sha256.New()}
	var s sheet
	switch f {
	case XLSX:
		s = readXLSX(d)
	default:
		s = readCSV(d)
	}
	if d.n > MaxFileBytes {
		s = sheet{fileErrors: []string{fmt.Sprintf("The file is larger than %d MB. Split it into smaller files", MaxFileBytes>>20)}}
	}
	s.sha256 = hex.EncodeToString(d.h.Sum(nil))
	return s
}

// digestReader hashes and counts what passes through it.
type digestReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (d *digestReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	d.h.Write(p[:n])
	d.n += int64(n)
	return n, err
}

// sniff recognises, from a file's first bytes, files that are not what the format says.
// It returns a file error, or "".
func sniff(head []byte, f Format) string {
	switch {
	case len(head) == 0:
		return "The file is empty. It must start with the template's header row"
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return "The file is saved as UTF-16 (Unicode) text. Save it as \"CSV UTF-8 (comma delimited)\" and try again"
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "The file is an old Excel workbook (.xls) or a password-protected one. Save it as an Excel Workbook (.xlsx) without a password, or as CSV UTF-8, and try again"
	case f == CSV && bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "The file is an XLSX workbook (or another zip file), not CSV text. Choose XLSX as the format, or save it as CSV UTF-8"
	case f == XLSX && !bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if bytes.IndexByte(head, 0) < 0 {
			return "The file is not an XLSX workbook. If it is a CSV file, choose CSV as the format"
		}
		return "The file is not an XLSX workbook"
	case f == CSV && bytes.IndexByte(head, 0) >= 0:
		return "The file is not CSV text: it holds binary data. Save it as \"CSV UTF-8 (comma delimited)\" and try again"
	}
	return ""
}

// header maps the columns of a file to the template's.
type header struct {
	// pos[i] is the template column of the file's column i, or -1 for a column without a
	// heading (which must stay empty).
	pos []int
}

// readHeader checks a header row: every template column exactly once, nothing else. Headings
// are matched without regard to case or surrounding spaces.
func readHeader(cells []string, s *sheet) (header, bool) {
	h := header{pos: make([]int, len(cells))}
	seen := make([]int, numColumns)
	var unknown, repeated []string
	for i, c := range cells {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(c, "\uFEFF")))
		h.pos[i] = -1
		if name == "" {
			continue
		}
		idx := columnIndex(name)
		if idx < 0 {
			unknown = append(unknown, quote(strings.TrimSpace(c)))
			continue
		}
		seen[idx]++
		if seen[idx] == 2 {
			repeated = append(repeated, Columns[idx])
		}
		h.pos[i] = idx
	}
	var missing []string
	matched := false
	for i, n := range seen {
		matched = matched || n > 0
		if n == 0 && !optionalColumn(i) {
			missing = append(missing, Columns[i])
		}
	}
	if !matched {
		if len(cells) == 1 && strings.ContainsAny(cells[0], ";\t|") {
			s.fail("The file is not comma-separated. Save it as \"CSV UTF-8 (comma delimited)\" and try again")
			return h, false
		}
		s.fail("The first row must be the template's header row: %s", strings.Join(Columns, ", "))
		return h, false
	}
	if len(missing) > 0 {
		s.fail("Missing columns: %s. Start from the template, which has every column", strings.Join(missing, ", "))
	}
	if len(unknown) > 0 {
		s.fail("Unknown columns: %s. The template's columns are: %s", strings.Join(unknown, ", "), strings.Join(Columns, ", "))
	}
	if len(repeated) > 0 {
		s.fail("Repeated columns: %s. Each column must appear once", strings.Join(repeated, ", "))
	}
	return h, len(s.fileErrors) == 0
}

func quote(s string) string { return "\"" + s + "\"" }

// row places a file row's cells in template order. It reports false when a cell under a
// column without a heading holds something.
func (h header) row(num int, cells []string) (sheetRow, bool) {
	r := sheetRow{num: num}
	ok := true
	for i, c := range cells {
		if i >= len(h.pos) || h.pos[i] < 0 {
			if strings.TrimSpace(c) != "" {
				ok = false
			}
			continue
		}
		r.cells[h.pos[i]] = c
	}
	return r, ok
}

// rowList collects row numbers for a file error, naming the first few.
type rowList struct {
	rows  []int
	count int
}

func (l *rowList) add(n int) {
	l.count++
	if len(l.rows) < 10 {
		l.rows = append(l.rows, n)
	}
}

func (l rowList) String() string {
	parts := make([]string, len(l.rows))
	for i, n := range l.rows {
		parts[i] = fmt.Sprint(n)
	}
	s := strings.Join(parts, ", ")
	if l.count > len(l.rows) {
		s += fmt.Sprintf(" and %d more", l.count-len(l.rows))
	}
	return s
}

// phrase puts the list in the singular or plural sentence, by how many rows there are.
func (l rowList) phrase(one, many string) string {
	if l.count == 1 {
		return fmt.Sprintf(one, l)
	}
	return fmt.Sprintf(many, l)
}

// checkRepeatedRefs makes a file error of every supplier reference given in more than one
// row: a file that names a supplier twice cannot say which row is right.
func checkRepeatedRefs(s *sheet) {
	byRef := map[string][]int{}
	var order []string
	for i := range s.rows {
		ref := normaliseRef(s.rows[i].cells[colSupplierRef])
		if ref == "" {
			continue
		}
		if _, ok := byRef[ref]; !ok {
			order = append(order, ref)
		}
		byRef[ref] = append(byRef[ref], s.rows[i].num)
	}
	var repeated []string
	for _, ref := range order {
		if rows := byRef[ref]; len(rows) > 1 {
			repeated = append(repeated, ref)
		}
	}
	sort.SliceStable(repeated, func(i, j int) bool { return byRef[repeated[i]][0] < byRef[repeated[j]][0] })
	for i, ref := range repeated {
		if i == 10 {
			s.fail("%d more supplier references are repeated", len(repeated)-10)
			break
		}
		var l rowList
		for _, n := range byRef[ref] {
			l.add(n)
		}
		s.fail("Supplier reference %s is in more than one row: rows %s. Each supplier must be in one row only", ref, l)
	}
}
