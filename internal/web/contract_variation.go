package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/form"
	"github.com/gofiber/fiber/v2"
)

type variationFormPage struct {
	Page
	Contract *contract.Contract
	Form     contract.VariationForm
}

func (s *Server) renderVariationForm(c *fiber.Ctx, status int, data variationFormPage, errs map[string]string) error {
	data.Page = s.page(c, "Record a variation")
	data.Page.Back = "/contracts/" + data.Contract.ID
	data.Page.Errors = fieldErrors(contract.VariationFormOrder, errs)
	return render(c, status, "contracts/variation_form", data)
}

func (s *Server) variationForm(c *fiber.Ctx) error {
	ct, err := s.contracts.Contract(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	today := s.contracts.Today()
	return s.renderVariationForm(c, fiber.StatusOK, variationFormPage{Contract: ct, Form: contract.VariationForm{VariedOn: form.DateInputOf(&today)}}, nil)
}

// variationCreate records a variation; it is audited with the value before and after.
func (s *Server) variationCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ct, err := s.contracts.Contract(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	var f contract.VariationForm
	errs := decodeForm(c, &f)
	data := variationFormPage{Contract: ct, Form: f}
	if len(errs) > 0 {
		return s.renderVariationForm(c, fiber.StatusUnprocessableEntity, data, errs)
	}
	_, err = s.contracts.AddVariation(ctx, ct.ID, f)
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.renderVariationForm(c, fiber.StatusUnprocessableEntity, data, fields)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/contracts/"+ct.ID+"#variations", "Variation recorded.")
}
