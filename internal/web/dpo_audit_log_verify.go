package web

import (
	"github.com/council/provider-portal/internal/audit"
	"github.com/gofiber/fiber/v2"
)

type auditVerifyPage struct {
	Page
	Result audit.VerifyResult
	Anchor *audit.Anchor
	// Checkpoints is how many checkpoints kept in the database were checked; Problems are
	// those the trail no longer agrees with.
	Checkpoints int
	Problems    []audit.CheckpointProblem
}

// OK reports whether the chain, its seals and every checkpoint agree.
func (p auditVerifyPage) OK() bool { return p.Result.OK() && len(p.Problems) == 0 }

// auditViewerVerify recomputes the whole hash chain, from the anchor left when old events
// expired, and shows whether it is intact or the first event where it breaks. The check is
// itself audited, with its result.
func (s *Server) auditViewerVerify(c *fiber.Ctx) error {
	ctx := c.UserContext()
	res, anchor, err := audit.VerifyFromAnchor(ctx, s.db)
	if err != nil {
		return err
	}
	data := auditVerifyPage{Page: s.page(c, "Audit trail verification"), Result: res, Anchor: anchor}
	if res.OK() && res.SealsChecked {
		if data.Checkpoints, data.Problems, err = audit.VerifyCheckpoints(ctx, s.db, nil); err != nil {
			return err
		}
	}
	summary := map[string]any{"intact": data.OK(), "checked": res.Checked, "sealed": res.Sealed, "checkpoints": data.Checkpoints}
	if !res.OK() {
		summary["broken_at"], summary["reason"] = res.BrokenAt, res.Reason
	}
	if len(data.Problems) > 0 {
		summary["checkpoint_problems"] = len(data.Problems)
	}
	if err := audit.Record(ctx, s.db, audit.Event{Action: "audit.verified", ObjectType: "audit_trail", Summary: summary}); err != nil {
		return err
	}
	data.Page.Back = "/dpo/audit-log"
	return render(c, fiber.StatusOK, "dpo/audit_log/verify", data)
}
