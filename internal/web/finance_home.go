package web

import (
	"time"

	"github.com/council/provider-portal/internal/finance"
	"github.com/gofiber/fiber/v2"
)

type financeHomePage struct {
	Page
	Pending  []finance.Change
	Recent   []finance.Change
	Without  []finance.ProviderWithoutDetails
	Settings *finance.Settings
	Now      time.Time
	// Flags are the signs of mandate fraud for each waiting request's provider.
	Flags map[string][]finance.FraudFlag
}

// financeHome is the finance officer's starting point: requests waiting, oldest first, with
// their age; what was decided lately; and approved providers the council cannot pay yet.
func (s *Server) financeHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	pending, err := finance.Changes(ctx, s.db, finance.ChangeFilter{Open: true, Limit: 200})
	if err != nil {
		return err
	}
	since := s.clock().AddDate(0, 0, -30)
	recent, err := finance.Changes(ctx, s.db, finance.ChangeFilter{ClosedSince: &since, Limit: 50})
	if err != nil {
		return err
	}
	without, err := finance.ProvidersWithoutDetails(ctx, s.db, 200)
	if err != nil {
		return err
	}
	settings, err := finance.LoadSettings(ctx, s.db)
	if err != nil {
		return err
	}
	orgs := make([]string, len(pending))
	for i, p := range pending {
		orgs[i] = p.OrganisationID
	}
	flags, err := finance.FraudFlags(ctx, s.db, orgs)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "finance/home", financeHomePage{Page: s.page(c, "Finance"), Pending: pending, Recent: recent,
		Without: without, Settings: settings, Now: s.clock(), Flags: flags})
}
