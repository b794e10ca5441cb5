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

// streamCSV sends a CSV download written straight to the connection while its rows are read,
// so memory stays flat however long the file. The export is audited twice: when it starts
// (so it is on record even if the connection drops) and when it ends, with the rows, the
// filters and the SHA-256 of exactly the bytes sent. The request's context ends when the
// handler returns, before the body is written, so the writing runs on its own context
// carrying the same actor.
func (s *Server) streamAuditedCSV(c *fiber.Ctx, filename, action string, filters map[string]any,
	write func(ctx context.Context, w io.Writer) (int, error)) error {
	ctx := c.UserContext()
	if err := audit.Record(ctx, s.db, audit.Event{Action: action + ".export.started", ObjectType: "export", ObjectID: filename,
		Summary: map[string]any{"filters": filters}}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, filename))
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Set(fiber.HeaderCacheControl, "no-store")
	actor := audit.ActorFrom(ctx)
	log := s.requestLogger(c).With("export", filename)
	d := s.db
	c.Status(fiber.StatusOK).Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		bg, cancel := context.WithTimeout(audit.WithActor(context.Background(), actor), exportTimeout)
		defer cancel()
		tally := export.NewTally(w)
		rows, err := write(bg, tally)
		if err == nil {
			err = w.Flush()
		}
		summary := map[string]any{"filters": filters, "rows": rows, "bytes": tally.Bytes(), "sha256": tally.SHA256()}
		done := action + ".export.completed"
		if err != nil {
			done, summary["error"] = action+".export.failed", err.Error()
			log.Error("export failed", "error", err, "rows", rows)
		}
		if aerr := audit.Record(bg, d, audit.Event{Action: done, ObjectType: "export", ObjectID: filename, Summary: summary}); aerr != nil {
			log.Error("audit export", "error", aerr)
		}
	})
	return nil
}
