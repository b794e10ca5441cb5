package web

import (
	"github.com/council/provider-portal/internal/privacy"
	"github.com/gofiber/fiber/v2"
)

// breachReport records when the breach was reported to the ICO, and the ICO's reference.
func (s *Server) breachReport(c *fiber.Ctx) error {
	var in privacy.BreachReport
	errs := decodeForm(c, &in)
	var err error
	if len(errs) == 0 {
		err = privacy.MarkReported(c.UserContext(), s.db, c.Params("id"), formInt(c, "version"), in, s.clock())
	}
	return s.breachFormResult(c, err, "The report to the ICO is recorded.", privacy.ReportFields, errs,
		func(p *breachPage) { p.Report = in })
}
