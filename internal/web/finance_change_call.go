package web

import (
	"github.com/council/provider-portal/internal/finance"
	"github.com/gofiber/fiber/v2"
)

// financeChangeCall records a verification call to a number already on file.
func (s *Server) financeChangeCall(c *fiber.Ctx) error {
	var in finance.CallInput
	if errs := decodeForm(c, &in); len(errs) > 0 {
		return s.renderFinanceChange(c, fiber.StatusUnprocessableEntity, financeChangePage{Call: in}, errs)
	}
	id := c.Params("id")
	if err := s.finance.RecordCall(c.UserContext(), id, formInt(c, "version"), in); err != nil {
		return s.renderChangeOutcome(c, financeChangePage{Call: in}, err, "number_used")
	}
	msg := "Call recorded. The request is still waiting for verification."
	switch in.Outcome {
	case finance.OutcomeConfirmed:
		msg = "Call recorded: the change is verified. A second finance officer must now approve it."
	case finance.OutcomeDenied:
		msg = "Call recorded: the request has been rejected as suspected fraud and the provider told."
	}
	return s.redirectWithFlash(c, "/finance/changes/"+id, msg)
}
