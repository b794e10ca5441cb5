package web

import (
	"bytes"
	"fmt"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/export"
	"github.com/council/provider-portal/internal/importer"
	"github.com/gofiber/fiber/v2"
)

// importTemplate sends the empty template in the format the address names: the header row
// (and, in the workbook, a sheet describing each column).
func importTemplate(format importer.Format) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var b bytes.Buffer
		if err := importer.WriteTemplate(&b, format); err != nil {
			return err
		}
		contentType := "text/csv; charset=utf-8"
		if format == importer.XLSX {
			contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		c.Set(fiber.HeaderContentType, contentType)
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="supplier-import-template.%s"`, format))
		c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		return c.Send(b.Bytes())
	}
}

// importErrorsCSV sends a finished job's problems as CSV, one line per problem: the row,
// its supplier_ref, the column and the message; problems with the file as a whole have no
// row. Every cell goes through internal/export, so a supplier_ref like "=cmd" cannot run
// as a formula when the file is opened.
func (s *Server) importErrorsCSV(c *fiber.Ctx) error {
	ctx := c.UserContext()
	jobs := s.importJobs
	j, err := jobs.Job(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	if j.Report == nil {
		return apperr.New(apperr.Conflict, "The report is not ready yet: wait for the import to finish")
	}
	rows, err := jobs.FailedRows(ctx, j.ID, 0, 0)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	w, err := export.NewCSV(&b, export.CSVOptions{BOM: true})
	if err != nil {
		return err
	}
	if err := w.Header([]export.Column{{Header: "row", Kind: export.KindCount}, {Header: "supplier_ref"}, {Header: "column"}, {Header: "problem"}}); err != nil {
		return err
	}
	lines := 0
	for _, msg := range j.Report.FileErrors {
		if err := w.Row([]export.Cell{export.Empty, export.Empty, export.Empty, export.Text(msg)}); err != nil {
			return err
		}
		lines++
	}
	for _, r := range importFailedRows(rows) {
		for _, p := range r.Problems {
			if err := w.Row([]export.Cell{export.Count(r.Row), export.Text(r.SupplierRef), export.Text(p.Column), export.Text(p.Message)}); err != nil {
				return err
			}
			lines++
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	name := "import-problems-" + j.ID[:8] + ".csv"
	if err := audit.Record(ctx, s.db, audit.Event{Action: "provider_import.problems_downloaded", ObjectType: "import_job", ObjectID: j.ID,
		Summary: map[string]any{"rows": len(rows), "lines": lines}}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, w.ContentType())
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, name))
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Send(b.Bytes())
}
