package web

import (
	"github.com/council/provider-portal/internal/quality"
	"github.com/gofiber/fiber/v2"
)

// qaProviderHomePage is a provider's quality assurance: the council's visits to it and the
// actions arising, outstanding ones first with overdue ones flagged.
type qaProviderHomePage struct {
	Page
	Visits       []quality.Visit
	VisitsPager  namedPager
	Actions      []quality.Action
	ActionsPager namedPager
}

// qaProviderHome lists the provider's own visits and actions: only the organisation the
// session acts for.
func (s *Server) qaProviderHome(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	today := s.quality.Today()
	data := qaProviderHomePage{Page: s.page(c, "Quality assurance"), VisitsPager: newNamedPager(c, "visits_page", 10),
		ActionsPager: newNamedPager(c, "actions_page", 20)}
	if data.Actions, data.ActionsPager.Total, err = quality.Actions(ctx, s.db, quality.ActionFilter{OrganisationID: orgID,
		Limit: data.ActionsPager.Size, Offset: data.ActionsPager.Offset()}, today); err != nil {
		return err
	}
	if data.Visits, data.VisitsPager.Total, err = quality.Visits(ctx, s.db, orgID, today, data.VisitsPager.Size, data.VisitsPager.Offset()); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "provider/quality/home", data)
}
