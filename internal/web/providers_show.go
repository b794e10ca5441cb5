package web

import (
	"slices"

	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/gofiber/fiber/v2"
)

// providerOverviewPage is everything about one provider in one place, for officers.
type providerOverviewPage struct {
	Page
	Provider *directory.Provider
	Org      *provider.Organisation
	// Compliance is worked out afresh, with every reason (the quality area's panel).
	Compliance     *CompliancePanel
	Contracts      []contract.Contract
	ContractsPager namedPager
	// KPIs are those of the contracts on the page, with their latest values.
	KPIs         []contract.KPISummary
	Visits       []quality.Visit
	VisitsPager  namedPager
	Actions      []quality.Action
	ActionsPager namedPager
	// StatusHistory is newest first.
	StatusHistory []historyRow
	Events        []directory.Event
	EventsPager   namedPager
}

// providerOverview shows an officer one provider: the record's identifiers and status (the
// review page has every section), its contracts with their status, the KPIs of those
// contracts with the latest rating, quality assurance visits and the actions still to do,
// compliance with every reason, and its history: status changes and the audit trail of the
// organisation and its contracts. DBS records are not shown: they stay on the review page,
// where every view of them is audited.
func (s *Server) providerOverview(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := directory.ByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	org, err := provider.OrganisationByID(ctx, s.db, p.ID)
	if err != nil {
		return err
	}
	today := s.quality.Today()
	data := providerOverviewPage{Page: s.page(c, p.Name), Provider: p, Org: org,
		ContractsPager: newNamedPager(c, "contracts_page", 10), VisitsPager: newNamedPager(c, "visits_page", 5),
		ActionsPager: newNamedPager(c, "actions_page", 10), EventsPager: newNamedPager(c, "events_page", 20)}
	data.Page.Back = "/providers"
	if data.Compliance, err = s.compliancePanel(c, p.ID, true); err != nil {
		return err
	}
	if data.Contracts, data.ContractsPager.Total, err = s.contracts.List(ctx, contract.Filter{OrganisationID: p.ID,
		Limit: data.ContractsPager.Size, Offset: data.ContractsPager.Offset()}); err != nil {
		return err
	}
	ids := make([]string, len(data.Contracts))
	for i, ct := range data.Contracts {
		ids[i] = ct.ID
	}
	if data.KPIs, err = contract.KPISummaries(ctx, s.db, ids, today); err != nil {
		return err
	}
	if data.Visits, data.VisitsPager.Total, err = quality.Visits(ctx, s.db, p.ID, today, data.VisitsPager.Size, data.VisitsPager.Offset()); err != nil {
		return err
	}
	if data.Actions, data.ActionsPager.Total, err = quality.OutstandingActions(ctx, s.db, p.ID, today, data.ActionsPager.Size,
		data.ActionsPager.Offset()); err != nil {
		return err
	}
	history, err := provider.History(ctx, s.db, p.ID)
	if err != nil {
		return err
	}
	for _, h := range slices.Backward(history) {
		row := historyRow{StatusChange: h}
		if h.From != nil {
			row.FromLabel = provider.Status(*h.From).Label()
		}
		data.StatusHistory = append(data.StatusHistory, row)
	}
	if data.Events, data.EventsPager.Total, err = directory.Events(ctx, s.db, p.ID, data.EventsPager.Size, data.EventsPager.Offset()); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "providers/show", data)
}
