// Package export writes tabular files for other systems and for spreadsheets: CSV (RFC 4180,
// any delimiter) and XLSX, streamed row by row so a file of any length takes the same memory.
// Every text cell is neutralised against spreadsheet formula injection on the way out, so a
// supplier named "=HYPERLINK(...)" cannot run anything when finance opens the file.
package export

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
)

// Column is one column of a file: its heading, what it holds, and, for spreadsheets, its
// width in characters (0 picks one from the heading and kind).
type Column struct {
	Header string
	Width  float64
	// Kind is what every cell of the column holds: text unless declared.
	Kind Kind
}

// Writer writes one table. Call Header once, then Row for each record, then Close, which
// finishes the file (an XLSX is only complete after Close). Each row's cells must match the
// columns' kinds. A Writer is not safe for concurrent use.
type Writer interface {
	Header(cols []Column) error
	Row(cells []Cell) error
	Close() error
	// ContentType and Extension describe the file for the download.
	ContentType() string
	Extension() string
}

// NeutraliseCell makes a text cell safe to open in a spreadsheet: a value that a
// spreadsheet would read as a formula or a command (starting with =, +, -, @, a tab, a
// carriage return or a line feed) gets a leading apostrophe, which spreadsheets show as
// text and do not evaluate (OWASP CSV injection; ASVS 5.0 1.2.10).
func NeutraliseCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	return s
}

// Tally passes bytes through to an underlying writer while counting them and computing
// their SHA-256, so an export can be audited with the digest of exactly what was sent.
type Tally struct {
	w     io.Writer
	h     hash.Hash
	bytes int64
}

// NewTally wraps w.
func NewTally(w io.Writer) *Tally { return &Tally{w: w, h: sha256.New()} }

// Write writes p to the underlying writer and counts and hashes what it accepted.
func (t *Tally) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	t.h.Write(p[:n])
	t.bytes += int64(n)
	return n, err
}

// Bytes is how many bytes have been written.
func (t *Tally) Bytes() int64 { return t.bytes }

// SHA256 is the hex digest of everything written so far.
func (t *Tally) SHA256() string { return hex.EncodeToString(t.h.Sum(nil)) }
