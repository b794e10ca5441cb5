package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/quality"
	"github.com/gofiber/fiber/v2"
)

// qaActionCreate adds an action arising from a visit; the provider is emailed. A refused
// form comes back on the visit's page with what was typed.
func (s *Server) qaActionCreate(c *fiber.Ctx) error {
	var in quality.ActionInput
	errs := decodeForm(c, &in)
	in.Status = ""
	if len(errs) == 0 {
		_, err := s.quality.AddAction(c.UserContext(), c.Params("id"), in)
		if err == nil {
			return s.redirectWithFlash(c, "/quality/visits/"+c.Params("id"), "Action added. The provider has been emailed.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderVisit(c, fiber.StatusUnprocessableEntity, in, errs)
}
