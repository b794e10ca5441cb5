package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/gofiber/fiber/v2"
)

type breachNewPage struct {
	Page
	Form privacy.BreachInput
}

func (s *Server) renderBreachNew(c *fiber.Ctx, status int, in privacy.BreachInput, errs map[string]string) error {
	data := breachNewPage{Form: in}
	data.Page = s.page(c, "Record a breach")
	data.Page.Back = "/dpo/breaches"
	data.Page.Errors = fieldErrors(privacy.BreachFields, errs)
	return render(c, status, "dpo/breaches/new", data)
}

// breachNewForm asks what happened and when it was discovered, which starts the 72 hours.
func (s *Server) breachNewForm(c *fiber.Ctx) error {
	return s.renderBreachNew(c, fiber.StatusOK, privacy.BreachInput{}, nil)
}

// breachCreate adds the breach to the register.
func (s *Server) breachCreate(c *fiber.Ctx) error {
	var in privacy.BreachInput
	errs := decodeForm(c, &in)
	now := s.clock()
	if len(errs) == 0 {
		b, err := privacy.RecordBreach(c.UserContext(), s.db, in, now)
		if err == nil {
			return s.redirectWithFlash(c, "/dpo/breaches/"+b.ID, "Breach "+b.Reference+" is recorded. "+b.Deadline(now).Text()+" to report it to the ICO if it must be.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	} else {
		_, more := in.Validate(now)
		for k, v := range more {
			if errs[k] == "" {
				errs[k] = v
			}
		}
	}
	return s.renderBreachNew(c, fiber.StatusUnprocessableEntity, in, errs)
}
