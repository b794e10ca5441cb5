package regulator

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/ukid"
)

// MaxFileSize is the largest file read: the CQC's full directory is a few tens of MB, so an
// operator may import it from the command line; the upload form keeps its own smaller limit.
const MaxFileSize = 100 << 20

// headerSearchRows is how far down a file the header row is looked for: the published files
// put a title block of a few lines above it.
const headerSearchRows = 30

// Row is one judgement read from a file.
type Row struct {
	Line          int // the row's number in the file, counting from 1
	RegulatorID   string
	Name          string
	Judgement     Judgement
	JudgementDate time.Time
}

// File is what a published file held: its judgements and what was left out.
type File struct {
	Source Source
	Rows   []Row
	// RowsRead counts the data rows under the header; Skipped counts those without an
	// identifier or a judgement (a setting not yet inspected), and Problems describes the
	// first rows that could not be read.
	RowsRead, Skipped int
	Problems          []string
}

// columns are the headers, lower case, each source may use for what the portal reads, the
// first found winning. Ofsted's children's social care files publish "URN" (older ones
// "Unique reference number"), the overall judgement as "Overall experiences and progress of
// children and young people" (older ones "Overall effectiveness"), and the inspection date;
// the CQC's care directory with ratings publishes "Location ID", "Location Latest Overall
// Rating" and "Publication Date".
var columns = map[Source]struct {
	id, name, judgement, date []string
	shown                     [2]string // the identifier's and the judgement's headers as published, for messages
}{
	Ofsted: {
		shown: [2]string{"URN", "Overall experiences and progress of children and young people"},
		id:    []string{"urn", "unique reference number"},
		name:  []string{"setting name", "provider name", "name", "organisation which owns the provider"},
		judgement: []string{"overall experiences and progress of children and young people", "overall experiences and progress",
			"latest full inspection: overall experiences and progress of children and young people", "overall effectiveness",
			"latest full inspection: overall effectiveness", "inspection judgement", "overall judgement"},
		date: []string{"inspection date", "date of inspection", "latest full inspection date", "inspection start date", "inspection end date",
			"inspection publication date", "publication date"},
	},
	CQC: {
		shown:     [2]string{"Location ID", "Location Latest Overall Rating"},
		id:        []string{"location id", "cqc location id (for office use only)", "cqc location id"},
		name:      []string{"location name", "name"},
		judgement: []string{"location latest overall rating", "latest overall rating", "overall rating", "latest rating"},
		date:      []string{"publication date", "location latest overall rating date", "latest overall rating date", "date of latest check"},
	},
}

// Parse reads a published file, CSV, XLSX or ODS (told apart by their content, not their name):
// it skips the title lines above the header row, finds the columns by their headers, and
// reads each row's identifier, name, judgement and date. A file with no header row naming an
// identifier and a judgement is Invalid, with a message naming what is missing.
func Parse(source Source, content []byte) (*File, error) {
	if len(content) > MaxFileSize {
		return nil, apperr.New(apperr.Invalid, "The file must be smaller than 100 MB")
	}
	var sheets []sheet
	var err error
	switch {
	case isODS(content):
		sheets, err = readODS(content)
	case bytes.HasPrefix(content, []byte("PK\x03\x04")):
		sheets, err = readXLSX(content)
	default:
		var s sheet
		s.rows, s.lines, err = readCSV(content)
		sheets = []sheet{s}
	}
	if err != nil {
		return nil, err
	}
	// The data are on the first sheet with a header row naming an identifier and a
	// judgement, below any title lines: a workbook's read-me and notes sheets have none.
	cols := columns[source]
	for _, sh := range sheets {
		for i := 0; i < len(sh.rows) && i < headerSearchRows; i++ {
			h := headerIndex(sh.rows[i])
			id, judgement := find(h, cols.id), find(h, cols.judgement)
			if id < 0 || judgement < 0 {
				continue
			}
			f := &File{Source: source}
			name, date := find(h, cols.name), find(h, cols.date)
			overall := overallOnly(h)
			for n := i + 1; n < len(sh.rows); n++ {
				if overall(sh.rows[n]) {
					f.read(sh.line(n), sh.rows[n], id, name, judgement, date)
				}
			}
			return f, nil
		}
	}
	return nil, apperr.New(apperr.Invalid, "The file has no header row with %s and %s columns: check it is %s", quoted(cols.shown[0]), quoted(cols.shown[1]), sourceFile(source))
}

// overallOnly says which rows of a file hold a provider's overall judgement. The CQC's
// "latest ratings" workbook has a row per location for each key question and population
// group, named in its "Domain" and "Service / Population Group" columns: only the row whose
// domain (and group, where there is one) is "Overall" is the location's rating. A file
// without those columns has one row per provider, every one of them overall.
func overallOnly(h map[string]int) func(cells []string) bool {
	domain, group := find(h, []string{"domain", "key question"}), find(h, []string{"service / population group", "service/population group", "population group"})
	value := func(cells []string, i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return strings.ToLower(strings.TrimSpace(cells[i]))
	}
	return func(cells []string) bool {
		if domain >= 0 && value(cells, domain) != "overall" {
			return false
		}
		g := value(cells, group)
		return g == "" || g == "overall"
	}
}

func sourceFile(s Source) string {
	if s == CQC {
		return "the CQC's care directory with ratings"
	}
	return "Ofsted's children's social care providers and inspections file"
}

func quoted(s string) string { return "\u201c" + s + "\u201d" }

// maxProblems is how many unreadable rows are described; the rest are only counted.
const maxProblems = 10

func (f *File) read(line int, cells []string, id, name, judgement, date int) {
	cell := func(i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[i])
	}
	if blank(cells) {
		return
	}
	f.RowsRead++
	rawID, rawJudgement := cell(id), cell(judgement)
	if rawID == "" || rawJudgement == "" {
		f.Skipped++
		return
	}
	r := Row{Line: line, Name: CleanText(cell(name), 300)}
	var ok bool
	if r.RegulatorID, ok = regulatorID(f.Source, rawID); !ok {
		f.problem(line, "the %s %s is not in the right format", f.Source.IDLabel(), quoted(CleanText(rawID, 60)))
		return
	}
	if r.Judgement, ok = ParseJudgement(rawJudgement); !ok {
		f.problem(line, "the judgement %s is not one the portal knows", quoted(CleanText(rawJudgement, 60)))
		return
	}
	if d := cell(date); d != "" {
		if r.JudgementDate, ok = parseDate(d); !ok {
			f.problem(line, "the date %s is not a date", quoted(CleanText(d, 60)))
			return
		}
	}
	f.Rows = append(f.Rows, r)
}

func (f *File) problem(line int, format string, args ...any) {
	f.Skipped++
	if len(f.Problems) < maxProblems {
		f.Problems = append(f.Problems, fmt.Sprintf("Row %d: ", line)+fmt.Sprintf(format, args...))
	}
}

// regulatorID checks an identifier with the same checks the provider's own form uses, so
// the two match as typed.
func regulatorID(s Source, raw string) (string, bool) {
	var id string
	var err error
	if s == CQC {
		id, err = ukid.CQCID(raw)
	} else {
		id, err = ukid.OfstedURN(raw)
	}
	return id, err == nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// headerIndex maps each header, lower case with its spaces squashed, to its column.
func headerIndex(cells []string) map[string]int {
	h := map[string]int{}
	for i, c := range cells {
		k := strings.ToLower(strings.Join(strings.Fields(strings.TrimPrefix(c, "\ufeff")), " "))
		if _, seen := h[k]; !seen && k != "" {
			h[k] = i
		}
	}
	return h
}

func find(h map[string]int, names []string) int {
	for _, n := range names {
		if i, ok := h[n]; ok {
			return i
		}
	}
	return -1
}

// dateLayouts are the ways the files write dates: Ofsted's CSVs day first, the CQC's
// spreadsheets as ISO dates, sometimes with a time, and both in words.
var dateLayouts = []string{"02/01/2006", "2/1/2006", "2006-01-02", "02-01-2006", "2 January 2006", "2 Jan 2006", "02-Jan-2006", "02-Jan-06", "02/01/06"}

// parseDate reads a date as a file writes it, or as a spreadsheet's day number (days since
// 30 December 1899) when an XLSX cell holds a date without its format.
func parseDate(s string) (time.Time, bool) {
	if len(s) > 10 && (s[10] == ' ' || s[10] == 'T') {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return t, true
		}
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 1 && n < 2958466 {
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n)), true
	}
	return time.Time{}, false
}

// readCSV reads every record of a CSV file, allowing the ragged rows of a title block, with
// the line each starts on (the reader passes over blank lines).
func readCSV(content []byte) ([][]string, []int, error) {
	content = bytes.TrimPrefix(content, []byte("\ufeff"))
	if !utf8.Valid(content) {
		content = latin1(content)
	}
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, lines, nil
		}
		if err != nil {
			return nil, nil, apperr.New(apperr.Invalid, "The file could not be read as CSV, XLSX or ODS: check it is the file as published")
		}
		line, _ := r.FieldPos(0)
		out = append(out, rec)
		lines = append(lines, line)
	}
}

// latin1 decodes Windows-1252-ish bytes as Latin-1, which older published CSVs use.
func latin1(b []byte) []byte {
	var buf bytes.Buffer
	for _, c := range b {
		buf.WriteRune(rune(c))
	}
	return buf.Bytes()
}

// CleanText makes text from a file safe to keep and show: valid UTF-8, without control
// characters (PostgreSQL refuses NUL in text and JSON), at most max characters.
func CleanText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > max {
		s = string(r[:max])
	}
	return strings.TrimSpace(s)
}
