package web

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/export"
	"github.com/gofiber/fiber/v2"
)

// tableDownload is a list an officer downloads as CSV or XLSX: the dashboard's lists and the
// directory. Every cell goes through internal/export, which neutralises spreadsheet formulas.
type tableDownload struct {
	// Name is the file's name without its extension.
	Name string
	// Area starts the audit actions: "dashboard" gives dashboard.export.started and so on.
	Area    string
	Format  string
	Filters map[string]any
	Columns []export.Column
	// Rows writes every row through row, and returns how many it wrote.
	Rows func(ctx context.Context, row func(cells []string) error) (int, error)
}

// newTableWriter starts the file the download's format asks for. The CSV starts with a
// byte order mark, so a spreadsheet opening it reads it as UTF-8.
func newTableWriter(format string, w io.Writer, sheet string) (export.Writer, error) {
	if format == "xlsx" {
		return export.NewXLSX(w, export.XLSXOptions{Sheet: sheet})
	}
	return export.NewCSV(w, export.CSVOptions{BOM: true})
}

// streamTable sends the download straight to the connection while its rows are read, so
// memory stays flat however long the list. It is audited when it starts (so it is on record
// even if the connection drops) and when it ends, with the rows, the filters and the SHA-256
// of the bytes sent. The request's context ends when the handler returns, before the body
// is written, so the writing runs on its own context carrying the same actor.
func (s *Server) streamTable(c *fiber.Ctx, t tableDownload) error {
	filename := t.Name + "." + t.Format
	if err := audit.Record(c.UserContext(), s.db, audit.Event{Action: t.Area + ".export.started", ObjectType: "export", ObjectID: filename,
		Summary: map[string]any{"filters": t.Filters}}); err != nil {
		return err
	}
	contentType := "text/csv; charset=utf-8"
	if t.Format == "xlsx" {
		contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, filename))
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Set(fiber.HeaderCacheControl, "no-store")
	actor := audit.ActorFrom(c.UserContext())
	log := s.requestLogger(c).With("export", filename)
	d := s.db
	c.Status(fiber.StatusOK).Context().SetBodyStreamWriter(func(bw *bufio.Writer) {
		ctx, cancel := context.WithTimeout(audit.WithActor(context.Background(), actor), exportTimeout)
		defer cancel()
		tally := export.NewTally(bw)
		rows, err := writeTable(ctx, t, tally)
		if err == nil {
			err = bw.Flush()
		}
		summary := map[string]any{"filters": t.Filters, "rows": rows, "bytes": tally.Bytes(), "sha256": tally.SHA256()}
		done := t.Area + ".export.completed"
		if err != nil {
			done, summary["error"] = t.Area+".export.failed", err.Error()
			log.Error("export failed", "error", err, "rows", rows)
		}
		if aerr := audit.Record(ctx, d, audit.Event{Action: done, ObjectType: "export", ObjectID: filename, Summary: summary}); aerr != nil {
			log.Error("audit export", "error", aerr)
		}
	})
	return nil
}

// writeTable writes the download's header, rows and end to w.
func writeTable(ctx context.Context, t tableDownload, w io.Writer) (int, error) {
	tw, err := newTableWriter(t.Format, w, sheetName(t.Name))
	if err != nil {
		return 0, err
	}
	if err := tw.Header(t.Columns); err != nil {
		tw.Close()
		return 0, err
	}
	rows, err := t.Rows(ctx, tw.Row)
	if cerr := tw.Close(); err == nil {
		err = cerr
	}
	return rows, err
}

// sheetName is a worksheet name Excel accepts (31 characters at most) from a file name.
func sheetName(name string) string {
	if len(name) > 31 {
		return name[:31]
	}
	return name
}
