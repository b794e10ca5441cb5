package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/document"
	"github.com/gofiber/fiber/v2"
)

// ocdsBuyer is the council as OCDS shows it, from the configuration: its name, address and
// role mailbox. Its telephone number is left out, like every person's contact details.
func (s *Server) ocdsBuyer() contract.Buyer {
	return contract.Buyer{Name: s.cfg.Council.Name, AddressLines: s.cfg.Council.AddressLines(), Email: s.cfg.Council.Email}
}

// contractOCDS downloads one contract's release package from its page: what the open data
// says of it once published (a draft's release shows what it will say). A grant is not
// published as a contract, so it has none.
func (s *Server) contractOCDS(c *fiber.Ctx) error {
	ctx := c.UserContext()
	svc := s.contracts
	ct, err := svc.Contract(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	if ct.Route == contract.RouteGrant {
		return apperr.New(apperr.NotFound, "Grants are not published as contracts in the open contracting data")
	}
	releases, err := svc.Releases(ctx, []contract.Contract{*ct}, s.ocdsBuyer())
	if err != nil {
		return err
	}
	settings, err := svc.OCDSSettings(ctx)
	if err != nil {
		return err
	}
	uri := s.cfg.BaseURL.JoinPath("/contracts", ct.ID, "ocds.json").String()
	c.Set(fiber.HeaderContentDisposition, document.ContentDisposition(contract.OCID(settings.OCIDPrefix, ct.ID)+".json"))
	return c.JSON(contract.NewPackage(uri, s.ocdsBuyer(), settings, releases, s.clock()))
}
