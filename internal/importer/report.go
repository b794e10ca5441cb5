package importer

// MaxRows bounds a file: more data rows than this is a file error.
const MaxRows = 50000

// MaxFileBytes bounds a file's size: a larger one is a file error. 64 MiB holds 50,000 rows
// with room to spare.
const MaxFileBytes = 64 << 20

// Options say how to run an import.
type Options struct {
	Format Format
	// DryRun checks only: nothing is written but one "provider_import.dry_run" audit event.
	DryRun bool
	// Mode is how a real run treats failing rows; AllOrNothing when empty.
	Mode Mode
	// Progress, if set, is called as rows are checked and written, with done rising to total.
	// total is the number of data rows on a dry run, and twice that on an import (each row
	// is checked, then written). It is called from the goroutine running Run.
	Progress func(done, total int)
}

// Outcomes of a row.
const (
	OutcomeCreated = "created"
	OutcomeUpdated = "updated"
	OutcomeSkipped = "skipped"
)

// RowReport is one data row. Row is the row number as a spreadsheet shows it: the header is
// row 1, so the first data row is 2. Errors maps a column name to a message; empty when good.
type RowReport struct {
	Row         int               `json:"row"`
	SupplierRef string            `json:"supplier_ref"`
	Errors      map[string]string `json:"errors"` // never nil: {} for a good row
	// Outcome is "created" or "updated" for a row written, "skipped" for a failed row of a
	// real run, and "" on a dry run or for a good row of an all-or-nothing run that wrote nothing.
	Outcome string `json:"-"`
	// Warnings are signs of mandate fraud in a row written: its account, or a phone number
	// on file, is also another supplier's (in this file or already on record).
	Warnings []string `json:"warnings,omitempty"`
}

// Failed reports whether the row has errors.
func (r RowReport) Failed() bool { return len(r.Errors) > 0 }

// Report is what a run found and did.
type Report struct {
	// FileErrors are problems with the whole file (encoding, columns, too many rows,
	// repeated references...): when there are any, nothing was imported and Rows may be empty.
	FileErrors []string
	// Rows are every data row, in file order. Wholly empty rows are left out.
	Rows                            []RowReport
	Total, Failed, Created, Updated int
	// BankRequests is how many rows' bank details were sent to finance to verify: each is a
	// request pending verification, never payment details.
	BankRequests int
	// Committed says the run wrote to the database.
	Committed bool
	// SHA256 is the hex digest of the file, for the audit trail (of the part read, when
	// reading stopped early at a file error).
	SHA256 string
}

// OK reports whether the file and every row passed.
func (r Report) OK() bool { return len(r.FileErrors) == 0 && r.Failed == 0 }

// FailedRows lists only the rows with errors, in file order.
func (r Report) FailedRows() []RowReport {
	var out []RowReport
	for _, row := range r.Rows {
		if row.Failed() {
			out = append(out, row)
		}
	}
	return out
}

// ErrorsInOrder lists a row's errors in template column order, for people to read.
func (r RowReport) ErrorsInOrder() []FieldError {
	var out []FieldError
	for _, c := range Columns {
		if msg, ok := r.Errors[c]; ok {
			out = append(out, FieldError{Column: c, Message: msg})
		}
	}
	return out
}

// FieldError is one column's message.
type FieldError struct {
	Column, Message string
}
