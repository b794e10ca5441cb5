package web

import (
	"strconv"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/finance"
	"github.com/gofiber/fiber/v2"
)

// financeCreditorSave records the finance system's creditor number (and site id) of a
// supplier, for the NFI standing data. A number another supplier has, or one with
// characters the finance system would not use, comes back on the page with the values
// typed; a stale form is a conflict.
func (s *Server) financeCreditorSave(c *fiber.Ctx) error {
	var in struct {
		Number string `form:"creditor_number" label:"the creditor number"`
		SiteID string `form:"site_id" label:"the site ID"`
	}
	// The version is the form's own; one that is not a count was not sent by the page.
	version, err := strconv.Atoi(c.FormValue("version"))
	if err != nil || version < 0 {
		return apperr.New(apperr.Invalid, "This form is not the one the page sent. Open the page again")
	}
	typed := &creditorForm{Version: version}
	errs := decodeForm(c, &in)
	typed.Number, typed.SiteID = in.Number, in.SiteID
	if len(errs) == 0 {
		err := s.finance.SetCreditor(c.UserContext(), c.Params("id"), finance.CreditorInput{Number: in.Number, SiteID: in.SiteID, Version: typed.Version})
		if err == nil {
			msg := "Creditor number saved."
			if finance.NormaliseCreditorNumber(in.Number) == "" {
				msg = "Creditor number removed. The supplier is left out of the NFI standing data until it has one."
			}
			return s.redirectWithFlash(c, "/finance/providers/"+c.Params("id")+"#creditor", msg)
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderFinanceProvider(c, fiber.StatusUnprocessableEntity, c.Params("id"), "", errs, typed)
}
