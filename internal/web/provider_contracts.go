package web

import (
	"github.com/council/provider-portal/internal/contract"
	"github.com/gofiber/fiber/v2"
)

type providerContractsPage struct {
	Page
	Contracts []contract.Contract
	Total     int
	Pager     Pager
	// ToDo are the returns the provider has to make or answer, oldest due first.
	ToDo      []contract.MonitoringReturn
	ToDoTotal int
}

// providerContracts lists the contracts of the organisation the provider acts for (not
// drafts, which the council has not agreed with them yet) and the returns they owe.
func (s *Server) providerContracts(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	svc := s.contracts
	data := providerContractsPage{Page: s.page(c, "Your contracts"), Pager: newPager(c, contractListSize)}
	data.Contracts, data.Total, err = svc.List(ctx, contract.Filter{OrganisationID: orgID, VisibleToProvider: true,
		Limit: data.Pager.Size, Offset: data.Pager.Offset()})
	if err != nil {
		return err
	}
	data.Pager.Total = data.Total
	data.ToDo, data.ToDoTotal, err = contract.Returns(ctx, s.db, contract.ReturnFilter{OrganisationID: orgID, AwaitingProvider: true,
		Today: svc.Today(), Limit: 50})
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "provider/contracts/list", data)
}
