package web

import (
	"context"
	"io"

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
	// Rows writes every row through row, and returns how many it wrote. Each row's cells
	// match Columns' kinds, so a spreadsheet gets real dates, amounts and counts.
	Rows func(ctx context.Context, row func(cells []export.Cell) error) (int, error)
}

// newTableWriter starts the file the download's format asks for. The CSV starts with a
// byte order mark, so a spreadsheet opening it reads it as UTF-8.
func newTableWriter(format string, w io.Writer, sheet string) (export.Writer, error) {
	if format == "xlsx" {
		return export.NewXLSX(w, export.XLSXOptions{Sheet: sheet})
	}
	return export.NewCSV(w, export.CSVOptions{BOM: true})
}

// streamTable sends the download as an audited stream (streamAudited).
func (s *Server) streamTable(c *fiber.Ctx, t tableDownload) error {
	contentType := "text/csv; charset=utf-8"
	if t.Format == "xlsx" {
		contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return s.streamAudited(c, auditedDownload{Filename: t.Name + "." + t.Format, ContentType: contentType, Action: t.Area,
		Filters: t.Filters, Write: func(ctx context.Context, w io.Writer) (int, error) { return writeTable(ctx, t, w) }})
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
