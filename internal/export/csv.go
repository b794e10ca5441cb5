package export

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// CSVOptions shape a delimited file.
type CSVOptions struct {
	// Delimiter separates fields: ',' unless set. It may not be a quote, CR or LF.
	Delimiter rune
	// BOM starts the file with a UTF-8 byte order mark, so Excel reads it as UTF-8 rather
	// than the system code page. Finance systems that load files directly may not want it.
	BOM bool
	// QuoteText quotes every heading and every field of a text column, empty or not, for
	// systems that tell text from dates and numbers by its quotes ("text qualifiers", as the
	// National Fraud Initiative asks).
	QuoteText bool
	// NoHeader leaves out the heading row.
	NoHeader bool
	// DateLayout writes dates (a Go layout): ISO 8601 (CSVDateLayout) unless set. Only a
	// finance system's saved layout sets it; every file people read uses ISO.
	DateLayout string
	// Verbatim writes text as it is, without the apostrophe that neutralises a value a
	// spreadsheet would read as a formula. Only for files a system loads (a payment file
	// layout marked "for a system"), where the apostrophe would become part of the name;
	// every file a person may open in a spreadsheet leaves it false.
	Verbatim bool
}

// CSV writes RFC 4180 text: fields holding the delimiter, a double quote, CR or LF are
// quoted, with quotes doubled; records end in CRLF.
type CSV struct {
	w     *bufio.Writer
	opts  CSVOptions
	delim string
	began bool
	cols  []Column
	// records counts the records written: the first is the heading row unless NoHeader.
	records int
}

// NewCSV returns a CSV writer on w. Rows are buffered a little and flushed by Close.
func NewCSV(w io.Writer, opts CSVOptions) (*CSV, error) {
	if opts.Delimiter == 0 {
		opts.Delimiter = ','
	}
	if opts.DateLayout == "" {
		opts.DateLayout = CSVDateLayout
	}
	if opts.Delimiter == '"' || opts.Delimiter == '\r' || opts.Delimiter == '\n' || !utf8.ValidRune(opts.Delimiter) {
		return nil, errors.New("export: the delimiter may not be a quote or a line break")
	}
	return &CSV{w: bufio.NewWriterSize(w, 32<<10), opts: opts, delim: string(opts.Delimiter)}, nil
}

func (c *CSV) begin() error {
	if c.began {
		return nil
	}
	c.began = true
	if c.opts.BOM {
		_, err := c.w.WriteString("\uFEFF")
		return err
	}
	return nil
}

// Header writes the heading row (unless NoHeader) and fixes the number of columns.
func (c *CSV) Header(cols []Column) error {
	if err := c.begin(); err != nil {
		return err
	}
	if len(cols) == 0 {
		return errors.New("export: no columns")
	}
	c.cols = cols
	if c.opts.NoHeader {
		return nil
	}
	headers := make([]string, len(cols))
	for i, col := range cols {
		headers[i] = c.text(col.Header)
	}
	return c.record(headers)
}

// Row writes one record: text neutralised (unless Verbatim), dates, moments, amounts and counts as
// csvText writes them.
func (c *CSV) Row(cells []Cell) error {
	if err := c.begin(); err != nil {
		return err
	}
	if c.cols == nil {
		return errors.New("export: write the header first")
	}
	if err := checkRow(c.cols, cells); err != nil {
		return err
	}
	fields := make([]string, len(cells))
	for i, cell := range cells {
		fields[i] = cell.csvText(c.opts.DateLayout, !c.opts.Verbatim)
	}
	return c.record(fields)
}

// text is a heading as the file writes it: neutralised unless Verbatim.
func (c *CSV) text(s string) string {
	if c.opts.Verbatim {
		return s
	}
	return NeutraliseCell(s)
}

// record writes fields already made safe.
func (c *CSV) record(fields []string) error {
	heading := c.records == 0 && !c.opts.NoHeader
	c.records++
	for i, f := range fields {
		if i > 0 {
			if _, err := c.w.WriteString(c.delim); err != nil {
				return err
			}
		}
		quote := c.opts.QuoteText && (heading || c.cols[i].Kind == KindText)
		if err := c.field(f, quote); err != nil {
			return err
		}
	}
	_, err := c.w.WriteString("\r\n")
	return err
}

// field writes one field, quoted when it must be or when quote says so.
func (c *CSV) field(s string, quote bool) error {
	if !quote && !strings.ContainsAny(s, c.delim+"\"\r\n") {
		_, err := c.w.WriteString(s)
		return err
	}
	if err := c.w.WriteByte('"'); err != nil {
		return err
	}
	if _, err := c.w.WriteString(strings.ReplaceAll(s, `"`, `""`)); err != nil {
		return err
	}
	return c.w.WriteByte('"')
}

// Close flushes what is buffered. An empty file still gets its BOM.
func (c *CSV) Close() error {
	if err := c.begin(); err != nil {
		return err
	}
	return c.w.Flush()
}

// ContentType is text/csv, with its charset.
func (c *CSV) ContentType() string { return "text/csv; charset=utf-8" }

// Extension is "csv", or "txt" for a pipe- or tab-delimited file.
func (c *CSV) Extension() string {
	if c.opts.Delimiter == ',' || c.opts.Delimiter == ';' {
		return "csv"
	}
	return "txt"
}
