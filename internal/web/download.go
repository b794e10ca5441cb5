package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/export"
	"github.com/gofiber/fiber/v2"
)

// exportTimeout bounds one download's database work; a file of every supplier takes seconds.
const exportTimeout = 15 * time.Minute

// sendStream sends a download written straight to the connection while its rows are read,
// so memory stays flat however large the file. The request's own context ends when the
// handler returns, before the body is written, so write runs on a context of its own
// carrying the same actor, for the audit trail. Every download in the portal goes out here.
func (s *Server) sendStream(c *fiber.Ctx, filename, contentType string, write func(ctx context.Context, w *bufio.Writer, log *slog.Logger)) {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, filename))
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Set(fiber.HeaderCacheControl, "no-store")
	actor := audit.ActorFrom(c.UserContext())
	log := s.requestLogger(c).With("export", filename)
	c.Status(fiber.StatusOK).Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(audit.WithActor(context.Background(), actor), exportTimeout)
		defer cancel()
		write(ctx, w, log)
	})
}

// auditedDownload is a file the web layer audits itself (capabilities that audit their own
// exports, like finance's, use sendStream directly).
type auditedDownload struct {
	Filename, ContentType string
	// Action starts the audit actions: "dashboard" gives dashboard.export.started and so on.
	Action  string
	Filters map[string]any
	// Write writes the file to w and returns how many rows it wrote.
	Write func(ctx context.Context, w io.Writer) (int, error)
}

// streamAudited sends an audited download. It is audited when it starts (so it is on record
// even if the connection drops) and when it ends, with the rows, the filters and the
// SHA-256 of exactly the bytes sent.
func (s *Server) streamAudited(c *fiber.Ctx, d auditedDownload) error {
	if err := audit.Record(c.UserContext(), s.db, audit.Event{Action: d.Action + ".export.started", ObjectType: "export",
		ObjectID: d.Filename, Summary: map[string]any{"filters": d.Filters}}); err != nil {
		return err
	}
	db := s.db
	s.sendStream(c, d.Filename, d.ContentType, func(ctx context.Context, w *bufio.Writer, log *slog.Logger) {
		tally := export.NewTally(w)
		rows, err := d.Write(ctx, tally)
		if err == nil {
			err = w.Flush()
		}
		summary := map[string]any{"filters": d.Filters, "rows": rows, "bytes": tally.Bytes(), "sha256": tally.SHA256()}
		done := d.Action + ".export.completed"
		if err != nil {
			done, summary["error"] = d.Action+".export.failed", err.Error()
			log.Error("export failed", "error", err, "rows", rows)
		}
		if aerr := audit.Record(ctx, db, audit.Event{Action: done, ObjectType: "export", ObjectID: d.Filename, Summary: summary}); aerr != nil {
			log.Error("audit export", "error", aerr)
		}
	})
	return nil
}

// streamAuditedCSV sends an audited CSV download.
func (s *Server) streamAuditedCSV(c *fiber.Ctx, filename, action string, filters map[string]any,
	write func(ctx context.Context, w io.Writer) (int, error)) error {
	return s.streamAudited(c, auditedDownload{Filename: filename, ContentType: "text/csv; charset=utf-8", Action: action,
		Filters: filters, Write: write})
}
