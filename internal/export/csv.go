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
	// NoHeader leaves out the heading row.
	NoHeader bool
	// DateLayout writes dates (a Go layout): ISO 8601 (CSVDateLayout) unless set. Only a
	// finance system's saved layout sets it; every file people read uses ISO.
	DateLayout string
	// QuoteText quotes every heading and every field of a text column, empty or not, for
	// systems that tell text from dates and numbers by its quotes ("text qualifiers").
	QuoteText bool
	// Verbatim writes text as given, without the apostrophe that neutralises a formula. Only
	// for a file that goes straight into another system and never into a spreadsheet (the
	// National Fraud Initiative's, whose instructions forbid opening it in Excel), where the
	// apostrophe would be taken as part of the name.
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
	return c.record(headers, func(int) bool { return c.opts.QuoteText })
}

// Row writes one record: text neutralised, dates, moments, amounts and counts as
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
		if c.opts.Verbatim && cell.kind == KindText {
			fields[i] = cell.text
			continue
		}
		fields[i] = cell.csvText(c.opts.DateLayout)
	}
	return c.record(fields, func(i int) bool { return c.opts.QuoteText && c.cols[i].Kind == KindText })
}

// text is a heading as written: neutralised unless the file is Verbatim.
func (c *CSV) text(s string) string {
	if c.opts.Verbatim {
		return s
	}
	return NeutraliseCell(s)
}

// record writes fields already made safe; quote says which must be quoted whatever they hold.
func (c *CSV) record(fields []string, quote func(i int) bool) error {
	for i, f := range fields {
		if i > 0 {
			if _, err := c.w.WriteString(c.delim); err != nil {
				return err
			}
		}
		if err := c.field(f, quote(i)); err != nil {
			return err
		}
	}
	_, err := c.w.WriteString("\r\n")
	return err
}

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
