package web

import (
	"context"
	"io"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/gofiber/fiber/v2"
)

// auditViewerExport downloads every event matching the search as CSV, newest first. The
// export itself is audited.
func (s *Server) auditViewerExport(c *fiber.Ctx) error {
	_, f, errs := readAuditQuery(c)
	if len(errs) > 0 {
		return apperr.New(apperr.Invalid, "The search is not valid. Go back to the audit log and correct it.")
	}
	filters := map[string]any{"email": f.Email, "object_type": f.ObjectType, "object_id": f.ObjectID, "action": f.ActionPrefix,
		"from": filterDateText(f.From), "to": filterDateText(f.To), "sensitive": f.Sensitive}
	return s.streamAuditedCSV(c, "audit-log.csv", "audit", filters, func(ctx context.Context, w io.Writer) (int, error) {
		return audit.WriteCSV(ctx, s.db, f, w)
	})
}
