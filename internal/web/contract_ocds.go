package web

import (
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/document"
	"github.com/gofiber/fiber/v2"
)

// ocdsBuyer is the council as OCDS shows it, from the configuration.
func (s *Server) ocdsBuyer() contract.Buyer {
	return contract.Buyer{Name: s.cfg.Council.Name, AddressLines: s.cfg.Council.AddressLines(), Email: s.cfg.Council.Email,
		Telephone: s.cfg.Council.Phone}
}

// contractOCDS downloads one contract's release package from its page.
func (s *Server) contractOCDS(c *fiber.Ctx) error {
	ctx := c.UserContext()
	svc := s.contracts
	ct, err := svc.Contract(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	releases, err := svc.Releases(ctx, []contract.Contract{*ct}, s.ocdsBuyer())
	if err != nil {
		return err
	}
	settings, err := contract.LoadSettings(ctx, s.db)
	if err != nil {
		return err
	}
	uri := s.cfg.BaseURL.JoinPath("/contracts", ct.ID, "ocds.json").String()
	c.Set(fiber.HeaderContentDisposition, document.ContentDisposition(contract.OCID(settings.OCIDPrefix, ct.ID)+".json"))
	return c.JSON(contract.NewPackage(uri, s.ocdsBuyer(), settings, releases, s.clock()))
}
