package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// registerOptions turns a register's answers into the radios' options.
func registerRadioOptions(opts []privacy.RegisterOption) []provider.Option {
	out := make([]provider.Option, len(opts))
	for i, o := range opts {
		out[i] = provider.Option{Value: o.Value, Label: o.Label}
	}
	return out
}

type disclosureNewPage struct {
	Page
	Form                  privacy.DisclosureInput
	RecipientKinds, Bases []provider.Option
}

func (s *Server) renderDisclosureNew(c *fiber.Ctx, status int, in privacy.DisclosureInput, errs map[string]string) error {
	data := disclosureNewPage{Form: in, RecipientKinds: registerRadioOptions(privacy.RecipientKinds), Bases: registerRadioOptions(privacy.LawfulBases)}
	data.Page = s.page(c, "Record a disclosure")
	data.Page.Back = "/disclosures"
	data.Page.Errors = fieldErrors(privacy.DisclosureFields, errs)
	return render(c, status, "disclosures/new", data)
}

// disclosureNewForm asks what was shared, with whom, when and on what basis.
func (s *Server) disclosureNewForm(c *fiber.Ctx) error {
	var in privacy.DisclosureInput
	if ref := c.Query("supplier_ref"); len(ref) <= 50 {
		in.SupplierRef = ref
	}
	return s.renderDisclosureNew(c, fiber.StatusOK, in, nil)
}

// disclosureCreate adds the disclosure to the log, recorded by the signed-in officer.
func (s *Server) disclosureCreate(c *fiber.Ctx) error {
	var in privacy.DisclosureInput
	errs := decodeForm(c, &in)
	if len(errs) == 0 {
		d, err := privacy.RecordDisclosure(c.UserContext(), s.db, in, s.clock())
		if err == nil {
			return s.redirectWithFlash(c, "/disclosures/"+d.ID, "The disclosure is recorded in the log.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	} else {
		_, more := in.Validate(privacy.RegistersToday(s.clock()))
		for k, v := range more {
			if errs[k] == "" {
				errs[k] = v
			}
		}
	}
	return s.renderDisclosureNew(c, fiber.StatusUnprocessableEntity, in, errs)
}
