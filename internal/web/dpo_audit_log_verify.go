package web

import (
	"github.com/council/provider-portal/internal/audit"
	"github.com/gofiber/fiber/v2"
)

type auditVerifyPage struct {
	Page
	Result audit.VerifyResult
	Anchor *audit.Anchor
}

// auditViewerVerify recomputes the whole hash chain, from the anchor left when old events
// expired, and shows whether it is intact or the first event where it breaks. The check is
// itself audited, with its result.
func (s *Server) auditViewerVerify(c *fiber.Ctx) error {
	ctx := c.UserContext()
	res, anchor, err := audit.VerifyFromAnchor(ctx, s.db)
	if err != nil {
		return err
	}
	summary := map[string]any{"intact": res.OK(), "checked": res.Checked}
	if !res.OK() {
		summary["broken_at"], summary["reason"] = res.BrokenAt, res.Reason
	}
	if err := audit.Record(ctx, s.db, audit.Event{Action: "audit.verified", ObjectType: "audit_trail", Summary: summary}); err != nil {
		return err
	}
	data := auditVerifyPage{Page: s.page(c, "Audit trail verification"), Result: res, Anchor: anchor}
	data.Page.Back = "/dpo/audit-log"
	return render(c, fiber.StatusOK, "dpo/audit_log/verify", data)
}
