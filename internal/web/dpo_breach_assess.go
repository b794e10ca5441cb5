package web

import (
	"github.com/council/provider-portal/internal/privacy"
	"github.com/gofiber/fiber/v2"
)

// breachAssess records the risk assessment and the decision about reporting to the ICO.
func (s *Server) breachAssess(c *fiber.Ctx) error {
	var in privacy.BreachAssessment
	errs := decodeForm(c, &in)
	var err error
	if len(errs) == 0 {
		err = privacy.AssessBreach(c.UserContext(), s.db, c.Params("id"), formInt(c, "version"), in)
	}
	return s.breachFormResult(c, err, "The assessment and decision are recorded.", privacy.AssessmentFields, errs,
		func(p *breachPage) { p.Assessment = in })
}
