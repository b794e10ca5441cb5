package web

import (
	"slices"
	"strings"

	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// contractListSize is how many contracts one page of a list shows.
const contractListSize = 25

type contractListPage struct {
	Page
	Contracts []contract.Contract
	Total     int
	Pager     Pager
	// Query, Status, Category, Route and Provider are the filters as applied (unknown values dropped).
	Query, Status, Category, Route, Provider string
	// ProviderName names the provider the list is filtered to, if any.
	ProviderName                              string
	StatusSelect, CategorySelect, RouteSelect contractSelect
	Filtered                                  bool
}

// optionOr returns v when it is one of opts' values, else "".
func optionOr(opts []provider.Option, v string) string {
	if slices.ContainsFunc(opts, func(o provider.Option) bool { return o.Value == v }) {
		return v
	}
	return ""
}

// contractList is the officers' list of contracts, soonest ending first, with a search and
// filters by status (expiring included), service category, route and provider.
func (s *Server) contractList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	data := contractListPage{Page: s.page(c, "Contracts")}
	q := c.Query("q")
	if len(q) > 200 {
		q = q[:200]
	}
	data.Query = cleanQuery(q)
	data.Status = optionOr(contract.FilterStatuses, c.Query("status"))
	data.Category = optionOr(provider.ServiceCategories, c.Query("category"))
	data.Route = optionOr(contract.Routes, c.Query("route"))
	if id := c.Query("provider"); db.IsUUID(id) {
		if org, err := provider.OrganisationByID(ctx, s.db, id); err == nil {
			data.Provider, data.ProviderName = org.ID, org.DisplayName()
		}
	}
	data.StatusSelect = contractSelect{ID: "status", Label: "Status", Empty: "Any status", Value: data.Status, Options: contract.FilterStatuses}
	data.CategorySelect = contractSelect{ID: "category", Label: "Service category", Empty: "Any category", Value: data.Category, Options: provider.ServiceCategories}
	data.RouteSelect = contractSelect{ID: "route", Label: "Procurement route", Empty: "Any route", Value: data.Route, Options: contract.Routes}
	data.Filtered = data.Query != "" || data.Status != "" || data.Category != "" || data.Route != "" || data.Provider != ""
	data.Pager = newPager(c, contractListSize)
	var err error
	data.Contracts, data.Total, err = s.contracts.List(ctx, contract.Filter{Query: data.Query, Status: contract.Status(data.Status),
		ServiceCategory: data.Category, Route: contract.Route(data.Route), OrganisationID: data.Provider,
		Limit: data.Pager.Size, Offset: data.Pager.Offset()})
	if err != nil {
		return err
	}
	data.Pager.Total = data.Total
	return render(c, fiber.StatusOK, "contracts/list", data)
}

// cleanQuery keeps a search term to printable text on one line.
func cleanQuery(q string) string {
	out := make([]rune, 0, len(q))
	for _, r := range q {
		if r < 0x20 || r == 0x7f || r == '\uFFFD' {
			continue
		}
		out = append(out, r)
	}
	return strings.TrimSpace(string(out))
}
