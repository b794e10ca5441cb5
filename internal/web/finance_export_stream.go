package web

import (
	"bufio"
	"context"
	"log/slog"

	"github.com/council/provider-portal/internal/finance"
	"github.com/gofiber/fiber/v2"
)

// streamExport sends a prepared finance export as a download. Finance audits its own
// exports: its completion (rows, filters and SHA-256) is recorded before the end of the
// body is sent.
func (s *Server) streamExport(c *fiber.Ctx, e *finance.Export) error {
	svc := s.finance
	s.sendStream(c, e.Filename, e.ContentType, func(ctx context.Context, w *bufio.Writer, log *slog.Logger) {
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
