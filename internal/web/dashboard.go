package web

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/export"
	"github.com/council/provider-portal/internal/quality"
	"github.com/gofiber/fiber/v2"
)

// dashboardListSize is how many rows each of the dashboard's lists shows a page at a time.
const dashboardListSize = 10

// dashboardPage is the officers' home dashboard.
type dashboardPage struct {
	Page
	Today          time.Time
	Statuses       []dashboardStatus
	TotalProviders int
	Ratings        []ratingCount
	Chart          ragChart
	// Concerns are the first providers rated red, then amber, with the stored reasons: the
	// same rating and words as the directory and the provider's page.
	Concerns []directory.Provider
	// Within is the window of the "what expires" lists, in days; Expiring counts each kind
	// within each window.
	Within   int
	Windows  []int
	Expiring []expiringRow

	Contracts      []contract.Contract
	ContractsPager namedPager
	Insurance      []quality.PolicyExpiry
	InsurancePager namedPager
	DBS            []quality.DBSChecksDue
	DBSPager       namedPager
	Returns        []contract.MonitoringReturn
	ReturnsPager   namedPager
	Actions        []quality.Action
	ActionsPager   namedPager
}

// dashboardStatus is a status's count with the directory filtered to it.
type dashboardStatus struct {
	directory.StatusCount
	Href string
}

// expiringRow is one kind of thing that expires, counted within each window.
type expiringRow struct {
	Key, Label string
	Counts     []windowCount
}

// windowCount is a count within a window, linking to that window's list.
type windowCount struct {
	Within, Count int
	Href          string
	Current       bool
}

// downloadLinks are the links to a list's downloads, and what the list is, in words.
type downloadLinks struct {
	List, What, CSV, XLSX string
}

// Downloads links to a list's downloads, for the window shown.
func (d dashboardPage) Downloads(list, what string) downloadLinks {
	query := ""
	if dashboardLists[list].Windowed {
		query = fmt.Sprintf("?within=%d", d.Within)
	}
	return downloadLinks{List: list, What: what, CSV: "/dashboard/" + list + ".csv" + query, XLSX: "/dashboard/" + list + ".xlsx" + query}
}

// dashboard is an officer's starting point: providers by status and by compliance rating
// (a chart and a table), what expires within 30, 60 or 90 days (contracts, insurance, DBS
// status checks), and the returns and quality assurance actions that are overdue. Every
// list pages and downloads as CSV or XLSX.
func (s *Server) dashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	within, err := parseWithin(c.Query("within"))
	if err != nil {
		return err
	}
	today := s.quality.Today()
	data := dashboardPage{Page: s.page(c, "Commissioning dashboard"), Today: today, Within: within, Windows: dashboardWindows,
		ContractsPager: newNamedPager(c, "contracts_page", dashboardListSize), InsurancePager: newNamedPager(c, "insurance_page", dashboardListSize),
		DBSPager: newNamedPager(c, "dbs_page", dashboardListSize), ReturnsPager: newNamedPager(c, "returns_page", dashboardListSize),
		ActionsPager: newNamedPager(c, "actions_page", dashboardListSize)}
	counts, err := directory.StatusCounts(ctx, s.db)
	if err != nil {
		return err
	}
	for _, sc := range counts {
		data.TotalProviders += sc.Count
		data.Statuses = append(data.Statuses, dashboardStatus{StatusCount: sc, Href: "/providers?status=" + url.QueryEscape(string(sc.Status))})
	}
	if data.Ratings, err = s.ratingCounts(ctx); err != nil {
		return err
	}
	data.Chart = newRAGChart(data.Ratings)
	if data.Concerns, err = s.ratingConcerns(ctx); err != nil {
		return err
	}
	if data.Expiring, err = s.expiringCounts(ctx, today, within); err != nil {
		return err
	}
	settings, err := quality.LoadSettings(ctx, s.db)
	if err != nil {
		return err
	}
	until := today.AddDate(0, 0, within)
	if data.Contracts, data.ContractsPager.Total, err = contract.ExpiringContracts(ctx, s.db, today, until,
		dashboardListSize, data.ContractsPager.Offset()); err != nil {
		return err
	}
	if data.Insurance, data.InsurancePager.Total, err = quality.InsuranceExpiring(ctx, s.db, today, until,
		dashboardListSize, data.InsurancePager.Offset()); err != nil {
		return err
	}
	if data.DBS, data.DBSPager.Total, err = quality.DBSChecksFallingDue(ctx, s.db, settings, today, until,
		dashboardListSize, data.DBSPager.Offset()); err != nil {
		return err
	}
	if data.Returns, data.ReturnsPager.Total, err = contract.Returns(ctx, s.db, contract.ReturnFilter{Overdue: true, Today: today,
		Limit: dashboardListSize, Offset: data.ReturnsPager.Offset()}); err != nil {
		return err
	}
	if data.Actions, data.ActionsPager.Total, err = quality.Actions(ctx, s.db, quality.ActionFilter{OverdueOnly: true,
		Limit: dashboardListSize, Offset: data.ActionsPager.Offset()}, today); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "dashboard/home", data)
}

// expiringCounts counts contracts ending, insurance policies expiring and providers with DBS
// status checks falling due within each window: one read of each for all the windows.
func (s *Server) expiringCounts(ctx context.Context, today time.Time, within int) ([]expiringRow, error) {
	var contracts []int
	for _, w := range dashboardWindows {
		_, n, err := contract.ExpiringContracts(ctx, s.db, today, today.AddDate(0, 0, w), 1, 0)
		if err != nil {
			return nil, err
		}
		contracts = append(contracts, n)
	}
	insurance, err := quality.InsuranceExpiringCounts(ctx, s.db, today, dashboardWindows)
	if err != nil {
		return nil, err
	}
	settings, err := quality.LoadSettings(ctx, s.db)
	if err != nil {
		return nil, err
	}
	dbs, err := quality.DBSChecksFallingDueCounts(ctx, s.db, settings, today, dashboardWindows)
	if err != nil {
		return nil, err
	}
	row := func(key, label string, counts []int) expiringRow {
		r := expiringRow{Key: key, Label: label}
		for i, w := range dashboardWindows {
			r.Counts = append(r.Counts, windowCount{Within: w, Count: counts[i], Current: w == within,
				Href: fmt.Sprintf("/dashboard?within=%d#expiring-%s", w, key)})
		}
		return r
	}
	return []expiringRow{
		row("contracts", "Contracts ending", contracts),
		row("insurance", "Insurance policies expiring", insurance),
		row("dbs", "Providers with DBS status checks falling due", dbs),
	}, nil
}

// dashboardCSV and dashboardXLSX download one of the dashboard's lists.
func (s *Server) dashboardCSV(c *fiber.Ctx) error  { return s.dashboardDownload(c, "csv") }
func (s *Server) dashboardXLSX(c *fiber.Ctx) error { return s.dashboardDownload(c, "xlsx") }

// dashboardDownload streams every row of one list (not just the page shown), for the window
// asked for; the download is audited.
func (s *Server) dashboardDownload(c *fiber.Ctx, format string) error {
	name := c.Params("list")
	list, ok := dashboardLists[name]
	if !ok {
		return fiber.ErrNotFound
	}
	within := 0
	if list.Windowed {
		var err error
		if within, err = parseWithin(c.Query("within")); err != nil {
			return err
		}
		name = fmt.Sprintf("%s-%d-days", name, within)
	}
	today := s.quality.Today()
	filters := map[string]any{"list": c.Params("list"), "today": today.Format(time.DateOnly)}
	if list.Windowed {
		filters["within_days"] = within
	}
	return s.streamTable(c, tableDownload{Name: "dashboard-" + name, Area: "dashboard", Format: format, Filters: filters, Columns: list.Columns,
		Rows: func(ctx context.Context, row func([]export.Cell) error) (int, error) {
			return list.rows(s, ctx, today, within, row)
		}})
}
