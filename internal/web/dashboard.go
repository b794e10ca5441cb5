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
	Today time.Time
	// FiguresAt is when the figures shown were worked out (dashboard_figures.go), and
	// RefreshWords how old they may grow, in words ("1 minute"), or empty when they are
	// worked out for every view.
	FiguresAt      time.Time
	RefreshWords   string
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
	fig, err := s.dashboardFigures(ctx, today)
	if err != nil {
		return err
	}
	data.FiguresAt = fig.At
	if s.dashboardCache.maxAge > 0 {
		data.RefreshWords = durationWords(s.dashboardCache.maxAge)
	}
	for _, sc := range fig.Statuses {
		data.TotalProviders += sc.Count
		data.Statuses = append(data.Statuses, dashboardStatus{StatusCount: sc, Href: "/providers?status=" + url.QueryEscape(string(sc.Status))})
	}
	data.Ratings, data.Concerns = fig.Ratings, fig.Concerns
	data.Chart = newRAGChart(data.Ratings)
	data.Expiring = expiringRows(fig.Expiring, within)
	// Each list's first page comes with the figures; a later page is read when asked for.
	until := today.AddDate(0, 0, within)
	var settings quality.Settings
	if data.DBSPager.Page > 1 {
		if settings, err = quality.LoadSettings(ctx, s.db); err != nil {
			return err
		}
	}
	for _, l := range []struct {
		page  int
		first func()
		read  func() error
	}{
		{data.ContractsPager.Page, func() {
			data.Contracts, data.ContractsPager.Total = fig.Contracts[within].Rows, fig.Contracts[within].Total
		},
			func() (err error) {
				data.Contracts, data.ContractsPager.Total, err = contract.ExpiringContracts(ctx, s.db, today, until, dashboardListSize, data.ContractsPager.Offset())
				return err
			}},
		{data.InsurancePager.Page, func() {
			data.Insurance, data.InsurancePager.Total = fig.Insurance[within].Rows, fig.Insurance[within].Total
		},
			func() (err error) {
				data.Insurance, data.InsurancePager.Total, err = quality.InsuranceExpiring(ctx, s.db, today, until, dashboardListSize, data.InsurancePager.Offset())
				return err
			}},
		{data.DBSPager.Page, func() { data.DBS, data.DBSPager.Total = fig.DBS[within].Rows, fig.DBS[within].Total },
			func() (err error) {
				data.DBS, data.DBSPager.Total, err = quality.DBSChecksFallingDue(ctx, s.db, settings, today, until, dashboardListSize, data.DBSPager.Offset())
				return err
			}},
		{data.ReturnsPager.Page, func() { data.Returns, data.ReturnsPager.Total = fig.Returns.Rows, fig.Returns.Total },
			func() (err error) {
				data.Returns, data.ReturnsPager.Total, err = s.overdueReturns(ctx, today, data.ReturnsPager.Offset())
				return err
			}},
		{data.ActionsPager.Page, func() { data.Actions, data.ActionsPager.Total = fig.Actions.Rows, fig.Actions.Total },
			func() (err error) {
				data.Actions, data.ActionsPager.Total, err = s.overdueActions(ctx, today, data.ActionsPager.Offset())
				return err
			}},
	} {
		if l.page <= 1 {
			l.first()
		} else if err := l.read(); err != nil {
			return err
		}
	}
	return render(c, fiber.StatusOK, "dashboard/home", data)
}

// expiringRows are the "what expires" table: contracts ending, insurance policies expiring
// and providers with DBS status checks falling due, counted within each window, with the
// window shown marked.
func expiringRows(counts map[string][]int, within int) []expiringRow {
	row := func(key, label string) expiringRow {
		r := expiringRow{Key: key, Label: label}
		for i, w := range dashboardWindows {
			r.Counts = append(r.Counts, windowCount{Within: w, Count: counts[key][i], Current: w == within,
				Href: fmt.Sprintf("/dashboard?within=%d#expiring-%s", w, key)})
		}
		return r
	}
	return []expiringRow{
		row("contracts", "Contracts ending"),
		row("insurance", "Insurance policies expiring"),
		row("dbs", "Providers with DBS status checks falling due"),
	}
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
