package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/importer"
	"github.com/gofiber/fiber/v2"
)

// importMaxBytes is the largest file the import page takes: 50,000 rows of the template fit
// well inside it.
const importMaxBytes = 10 << 20

// startImportJob runs a queued job in the background, on a context of its own: the
// request ends long before a large file does. The actor is the signed-in user, so the
// import is audited as theirs. If this instance stops first, the job goes quiet and is
// shown as failed once it has been silent for importer.StaleAfter.
func (s *Server) startImportJob(c *fiber.Ctx, id string) {
	actor := audit.ActorFrom(c.UserContext())
	svc, jobs := s.importer, s.importJobs
	log := s.requestLogger(c).With("import_job", id)
	go func() {
		ctx := audit.WithActor(context.Background(), actor)
		if err := jobs.Run(ctx, svc, id); err != nil {
			log.Error("import job failed", "error", err)
		}
	}()
}

// importUpload reads the file chosen on the import form and decides its format, from its
// name and from its first bytes (an XLSX file is a zip; a CSV file is text). It returns a
// message for the form instead when there is no file or it is not one the import reads.
func importUpload(c *fiber.Ctx) (name string, format importer.Format, content []byte, msg string) {
	file, msg := readUpload(c, "file", importMaxBytes)
	switch {
	case msg != "":
		return "", "", nil, msg
	case file == nil:
		return "", "", nil, "Select a CSV or XLSX file"
	}
	format, ok := importer.FormatOf(file.Name)
	switch {
	case !ok:
		return "", "", nil, "The selected file must be a CSV or XLSX file"
	case len(file.Content) == 0:
		return "", "", nil, "The selected file is empty"
	}
	content = file.Content
	if msg := sniffImport(format, content); msg != "" {
		return "", "", nil, msg
	}
	return file.Name, format, content, ""
}

// zipMagic starts every zip file, so every XLSX workbook.
var zipMagic = []byte("PK\x03\x04")

// sniffImport checks that a file's content is what its name says: a renamed PDF, an old
// .xls saved as .xlsx or a workbook named .csv is refused before it is stored.
func sniffImport(format importer.Format, content []byte) string {
	isZip := bytes.HasPrefix(content, zipMagic)
	switch format {
	case importer.XLSX:
		if !isZip {
			return "The selected file is not an XLSX workbook. Save it from your spreadsheet as an Excel Workbook (.xlsx) or as CSV"
		}
	case importer.CSV:
		if isZip {
			return "The selected file is a workbook, not CSV. Save it as CSV, or upload it with a name ending in .xlsx"
		}
		head := content[:min(len(content), 512)]
		if ct := http.DetectContentType(head); !bytes.HasPrefix([]byte(ct), []byte("text/")) {
			return "The selected file is not a CSV file. Save your spreadsheet as CSV (comma delimited) or as an Excel Workbook (.xlsx)"
		}
	}
	return ""
}

// importFailedRow is a failed row as the report shows it.
type importFailedRow struct {
	Row         int
	SupplierRef string
	Problems    []importer.FieldError
}

// importFailedRows puts each row's messages in the template's column order, so the
// report reads left to right like the spreadsheet; messages about anything else (the row
// as a whole) come last.
func importFailedRows(rows []importer.RowReport) []importFailedRow {
	out := make([]importFailedRow, len(rows))
	for i, r := range rows {
		fr := importFailedRow{Row: r.Row, SupplierRef: r.SupplierRef}
		for col, msg := range r.Errors {
			fr.Problems = append(fr.Problems, importer.FieldError{Column: col, Message: msg})
		}
		rank := func(col string) int {
			if p := slices.Index(importer.Columns, col); p >= 0 {
				return p
			}
			return len(importer.Columns)
		}
		sort.Slice(fr.Problems, func(a, b int) bool {
			ra, rb := rank(fr.Problems[a].Column), rank(fr.Problems[b].Column)
			if ra != rb {
				return ra < rb
			}
			return fr.Problems[a].Column < fr.Problems[b].Column
		})
		out[i] = fr
	}
	return out
}

// importJobView is a job with the words the import pages use for it.
type importJobView struct {
	*importer.Job
}

func importJobViews(jobs []importer.Job) []importJobView {
	out := make([]importJobView, len(jobs))
	for i := range jobs {
		out[i] = importJobView{&jobs[i]}
	}
	return out
}

// Kind is "Check" for a dry run, "Import" otherwise.
func (v importJobView) Kind() string {
	if v.DryRun {
		return "Check"
	}
	return "Import"
}

// ModeLabel says what the job does with rows that have problems.
func (v importJobView) ModeLabel() string {
	if v.Mode == importer.ValidOnly {
		return "Import the rows without problems, skip the others"
	}
	return "Import nothing unless every row is right"
}

// StatusLabel and StatusClass are the job's status tag.
func (v importJobView) StatusLabel() string {
	switch {
	case v.Status == importer.JobQueued:
		return "Waiting"
	case v.Status == importer.JobRunning:
		return "In progress"
	case v.Status == importer.JobFailed:
		return "Failed"
	case v.Report != nil && len(v.Report.FileErrors) > 0:
		return "File not readable"
	case v.Report != nil && v.Report.Failed > 0:
		return "Problems found"
	}
	return "Finished"
}

func (v importJobView) StatusClass() string {
	switch v.StatusLabel() {
	case "Waiting":
		return "govuk-tag--grey"
	case "In progress":
		return "govuk-tag--blue"
	case "Failed", "File not readable":
		return "govuk-tag--red"
	case "Problems found":
		return "govuk-tag--orange"
	}
	return "govuk-tag--green"
}

// Outcome is the job's result in a sentence, for the list and the report.
func (v importJobView) Outcome() string {
	r := v.Report
	switch {
	case v.Status == importer.JobFailed:
		return "The service could not finish it"
	case r == nil:
		return fmt.Sprintf("%d%% done", v.Percent())
	case len(r.FileErrors) > 0:
		return "Nothing imported: the file could not be read"
	case v.DryRun && r.Failed == 0:
		return fmt.Sprintf("All %s passed the checks", importCount(r.Total, "row", "rows"))
	case v.DryRun:
		return fmt.Sprintf("%d of %s have problems", r.Failed, importCount(r.Total, "row", "rows"))
	case !r.Committed:
		return fmt.Sprintf("Nothing imported: %d of %s have problems", r.Failed, importCount(r.Total, "row", "rows"))
	}
	s := fmt.Sprintf("%d created, %d updated", r.Created, r.Updated)
	if r.Failed > 0 {
		s += fmt.Sprintf(", %d skipped", r.Failed)
	}
	return s
}

// ToImport is how many rows an import of this checked file would write.
func (v importJobView) ToImport() int {
	if v.Report == nil {
		return 0
	}
	return v.Report.Total - v.Report.Failed
}

// importCount is "1 row" or "3 rows".
func importCount(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
