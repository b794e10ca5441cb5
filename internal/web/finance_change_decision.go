package web

import (
	"github.com/council/provider-portal/internal/form"
	"github.com/gofiber/fiber/v2"
)

// financeChangeApprove puts a verified change into force from the date given. The service
// refuses the requester and the verifier; the page says why.
func (s *Server) financeChangeApprove(c *fiber.Ctx) error {
	var in struct {
		EffectiveFrom form.DateInput `form:"effective_from" label:"the date the new details take effect"`
	}
	data := financeChangePage{}
	if errs := decodeForm(c, &in); len(errs) > 0 {
		data.EffectiveFrom = in.EffectiveFrom
		return s.renderFinanceChange(c, fiber.StatusUnprocessableEntity, data, errs)
	}
	data.EffectiveFrom = in.EffectiveFrom
	from, msg := in.EffectiveFrom.Time("the date the new details take effect")
	if msg != "" {
		return s.renderFinanceChange(c, fiber.StatusUnprocessableEntity, data, map[string]string{"effective_from": msg})
	}
	id := c.Params("id")
	if err := s.finance.Approve(c.UserContext(), id, formInt(c, "version"), from); err != nil {
		return s.renderChangeOutcome(c, data, err, "approve")
	}
	return s.redirectWithFlash(c, "/finance/changes/"+id, "Change approved. The new bank details take effect on "+from.Format("2 January 2006")+".")
}

// financeChangeReject refuses a request with a reason the provider is told.
func (s *Server) financeChangeReject(c *fiber.Ctx) error {
	var in struct {
		Reason string `form:"rejection_reason" multiline:"true" label:"the reason"`
	}
	data := financeChangePage{}
	errs := decodeForm(c, &in)
	data.RejectionReason = in.Reason
	if len(errs) > 0 {
		return s.renderFinanceChange(c, fiber.StatusUnprocessableEntity, data, errs)
	}
	id := c.Params("id")
	if err := s.finance.Reject(c.UserContext(), id, formInt(c, "version"), in.Reason); err != nil {
		return s.renderChangeOutcome(c, data, err, "rejection_reason")
	}
	return s.redirectWithFlash(c, "/finance/changes/"+id, "Request rejected. The provider has been told.")
}
