package web

import (
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/gofiber/fiber/v2"
)

type qaProviderPage struct {
	Page
	Org          *provider.Organisation
	Compliance   *CompliancePanel
	Visits       []quality.Visit
	VisitsPager  namedPager
	Actions      []quality.Action
	ActionsPager namedPager
	History      []quality.HistoryEntry
	HistoryPager namedPager
}

// qaProvider is an officer's view of one provider's quality assurance: its compliance with
// every reason, its visits, its actions (outstanding first, overdue flagged) and the history
// of visits, actions and reminders.
func (s *Server) qaProvider(c *fiber.Ctx) error {
	ctx := c.UserContext()
	org, err := provider.OrganisationByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	today := s.quality.Today()
	data := qaProviderPage{Page: s.page(c, "Quality assurance: "+org.DisplayName()), Org: org,
		VisitsPager: newNamedPager(c, "visits_page", 10), ActionsPager: newNamedPager(c, "actions_page", 20),
		HistoryPager: newNamedPager(c, "history_page", 20)}
	data.Page.Back = "/review/providers/" + org.ID
	if data.Compliance, err = s.compliancePanel(c, org.ID, false); err != nil {
		return err
	}
	if data.Visits, data.VisitsPager.Total, err = quality.Visits(ctx, s.db, org.ID, today, data.VisitsPager.Size, data.VisitsPager.Offset()); err != nil {
		return err
	}
	if data.Actions, data.ActionsPager.Total, err = quality.Actions(ctx, s.db, quality.ActionFilter{OrganisationID: org.ID,
		Limit: data.ActionsPager.Size, Offset: data.ActionsPager.Offset()}, today); err != nil {
		return err
	}
	if data.History, data.HistoryPager.Total, err = quality.History(ctx, s.db, org.ID, data.HistoryPager.Size, data.HistoryPager.Offset()); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "quality/provider", data)
}
