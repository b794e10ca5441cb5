package web

import (
	"bufio"
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/finance"
	"github.com/gofiber/fiber/v2"
)

// exportTimeout bounds one export's database work; a file of every supplier takes seconds.
const exportTimeout = 15 * time.Minute

// streamExport sends a prepared export as a download, written straight to the connection
// while its rows are read, so memory stays flat however large the file. The request's own
// context ends when the handler returns, before the body is written, so the export runs on
// its own, carrying the same actor for the audit trail; its completion (rows, filters and
// SHA-256) is recorded before the end of the body is sent.
func (s *Server) streamExport(c *fiber.Ctx, e *finance.Export) error {
	c.Set(fiber.HeaderContentType, e.ContentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, e.Filename))
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Set(fiber.HeaderCacheControl, "no-store")
	actor := audit.ActorFrom(c.UserContext())
	log := s.requestLogger(c).With("export", e.Filename)
	svc := s.finance
	c.Status(fiber.StatusOK).Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(audit.WithActor(context.Background(), actor), exportTimeout)
		defer cancel()
		res, err := svc.WriteTo(ctx, e, w)
		if err != nil {
			log.Error("export failed", "error", err, "rows", res.Rows)
			return
		}
		if err := w.Flush(); err != nil {
			log.Warn("export not delivered", "error", err)
			return
		}
		log.Info("export written", "rows", res.Rows, "bytes", res.Bytes, "sha256", res.SHA256)
	})
	return nil
}
