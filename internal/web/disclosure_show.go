package web

import (
	"github.com/council/provider-portal/internal/privacy"
	"github.com/gofiber/fiber/v2"
)

type disclosureShowPage struct {
	Page
	Disclosure *privacy.Disclosure
}

// disclosureShow is one entry of the disclosure log.
func (s *Server) disclosureShow(c *fiber.Ctx) error {
	d, err := privacy.DisclosureByID(c.UserContext(), s.db, c.Params("id"))
	if err != nil {
		return err
	}
	data := disclosureShowPage{Page: s.page(c, "Disclosure to "+d.RecipientName), Disclosure: d}
	data.Page.Back = "/disclosures"
	return render(c, fiber.StatusOK, "disclosures/show", data)
}
