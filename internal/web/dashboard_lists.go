package web

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/export"
	"github.com/council/provider-portal/internal/quality"
)

// dashboardWindows are how many days ahead the dashboard's "what expires" lists look.
var dashboardWindows = []int{30, 60, 90}

// parseWithin reads the window of the "what expires" lists: 30 days unless one of the others
// is asked for.
func parseWithin(v string) (int, error) {
	if v == "" {
		return dashboardWindows[0], nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || !slices.Contains(dashboardWindows, n) {
		return 0, apperr.New(apperr.Invalid, "Choose what expires within 30, 60 or 90 days.")
	}
	return n, nil
}

// dashboardList is one of the dashboard's lists as a download: its heading, its columns and
// what reads its rows. Windowed lists take the "within" window.
type dashboardList struct {
	Title    string
	Windowed bool
	Columns  []export.Column
	rows     func(s *Server, ctx context.Context, today time.Time, within int, row func([]export.Cell) error) (int, error)
}

// exportBatch is how many rows a download reads from the database at a time.
const exportBatch = 500

// pagedRows writes every item fetch returns, a batch at a time, as cells.
func pagedRows[T any](fetch func(limit, offset int) ([]T, int, error), cells func(T) []export.Cell, row func([]export.Cell) error) (int, error) {
	n := 0
	for offset := 0; ; offset += exportBatch {
		items, _, err := fetch(exportBatch, offset)
		if err != nil {
			return n, err
		}
		for _, it := range items {
			if err := row(cells(it)); err != nil {
				return n, err
			}
			n++
		}
		if len(items) < exportBatch {
			return n, nil
		}
	}
}

func optionalText(s *string) export.Cell {
	if s == nil {
		return export.Empty
	}
	return export.Text(*s)
}

// dashboardLists are the dashboard's downloads, by the name in their address.
var dashboardLists = map[string]dashboardList{
	"contracts": {
		Title: "Contracts ending", Windowed: true,
		Columns: []export.Column{{Header: "Reference"}, {Header: "Title", Width: 40}, {Header: "Provider", Width: 40}, {Header: "Supplier reference"},
			{Header: "Service category", Width: 30}, {Header: "Ends on", Kind: export.KindDate}, {Header: "Current value", Kind: export.KindMoney}, {Header: "Contract manager", Width: 30}},
		rows: func(s *Server, ctx context.Context, today time.Time, within int, row func([]export.Cell) error) (int, error) {
			return pagedRows(func(limit, offset int) ([]contract.Contract, int, error) {
				return contract.ExpiringContracts(ctx, s.db, today, today.AddDate(0, 0, within), limit, offset)
			}, func(c contract.Contract) []export.Cell {
				return []export.Cell{export.Text(c.Reference), export.Text(c.Title), export.Text(c.ProviderName), export.Text(c.SupplierRef),
					export.Text(c.CategoryLabel()), export.Date(c.EndDate), export.Money(c.CurrentValuePence()), optionalText(c.ManagerName)}
			}, row)
		},
	},
	"insurance": {
		Title: "Insurance policies expiring", Windowed: true,
		Columns: []export.Column{{Header: "Provider", Width: 40}, {Header: "Supplier reference"}, {Header: "Policy", Width: 24}, {Header: "Insurer", Width: 30},
			{Header: "Policy number"}, {Header: "Expires on", Kind: export.KindDate}},
		rows: func(s *Server, ctx context.Context, today time.Time, within int, row func([]export.Cell) error) (int, error) {
			return pagedRows(func(limit, offset int) ([]quality.PolicyExpiry, int, error) {
				return quality.InsuranceExpiring(ctx, s.db, today, today.AddDate(0, 0, within), limit, offset)
			}, func(p quality.PolicyExpiry) []export.Cell {
				return []export.Cell{export.Text(p.ProviderName), export.Text(p.SupplierRef), export.Text(p.KindLabel()), export.Text(p.Insurer),
					export.Text(p.PolicyNumber), export.Date(p.ExpiresOn)}
			}, row)
		},
	},
	"dbs": {
		Title: "DBS status checks falling due", Windowed: true,
		Columns: []export.Column{{Header: "Provider", Width: 40}, {Header: "Supplier reference"}, {Header: "Staff with a check due", Kind: export.KindCount}, {Header: "First check due on", Kind: export.KindDate}},
		rows: func(s *Server, ctx context.Context, today time.Time, within int, row func([]export.Cell) error) (int, error) {
			settings, err := quality.LoadSettings(ctx, s.db)
			if err != nil {
				return 0, err
			}
			return pagedRows(func(limit, offset int) ([]quality.DBSChecksDue, int, error) {
				return quality.DBSChecksFallingDue(ctx, s.db, settings, today, today.AddDate(0, 0, within), limit, offset)
			}, func(d quality.DBSChecksDue) []export.Cell {
				return []export.Cell{export.Text(d.ProviderName), export.Text(d.SupplierRef), export.Count(d.Staff), export.Date(d.FirstDue)}
			}, row)
		},
	},
	"returns": {
		Title: "Overdue monitoring returns",
		Columns: []export.Column{{Header: "Provider", Width: 40}, {Header: "Contract"}, {Header: "KPI", Width: 30}, {Header: "Period", Width: 30},
			{Header: "Due on", Kind: export.KindDate}, {Header: "Days overdue", Kind: export.KindCount}},
		rows: func(s *Server, ctx context.Context, today time.Time, _ int, row func([]export.Cell) error) (int, error) {
			return pagedRows(func(limit, offset int) ([]contract.MonitoringReturn, int, error) {
				return contract.Returns(ctx, s.db, contract.ReturnFilter{Overdue: true, Today: today, Limit: limit, Offset: offset})
			}, func(r contract.MonitoringReturn) []export.Cell {
				return []export.Cell{export.Text(r.ProviderName), export.Text(r.ContractReference), export.Text(r.KPIName), export.Text(r.Period().Label()),
					export.Date(r.DueDate), export.Count(daysPast(r.DueDate, today))}
			}, row)
		},
	},
	"actions": {
		Title: "Overdue quality assurance actions",
		Columns: []export.Column{{Header: "Provider", Width: 40}, {Header: "Action", Width: 50}, {Header: "Owner", Width: 30}, {Header: "Due on", Kind: export.KindDate},
			{Header: "Days overdue", Kind: export.KindCount}, {Header: "Status"}},
		rows: func(s *Server, ctx context.Context, today time.Time, _ int, row func([]export.Cell) error) (int, error) {
			return pagedRows(func(limit, offset int) ([]quality.Action, int, error) {
				return quality.Actions(ctx, s.db, quality.ActionFilter{OverdueOnly: true, Limit: limit, Offset: offset}, today)
			}, func(a quality.Action) []export.Cell {
				return []export.Cell{export.Text(a.OrganisationName), export.Text(a.Description), export.Text(a.Owner()), export.Date(a.DueOn),
					export.Count(a.DaysOverdue()), export.Text(a.Status.Label())}
			}, row)
		},
	},
	"statuses": {
		Title:   "Providers by status",
		Columns: []export.Column{{Header: "Status", Width: 24}, {Header: "Providers", Kind: export.KindCount}},
		rows: func(s *Server, ctx context.Context, _ time.Time, _ int, row func([]export.Cell) error) (int, error) {
			counts, err := directory.StatusCounts(ctx, s.db)
			if err != nil {
				return 0, err
			}
			for _, c := range counts {
				if err := row([]export.Cell{export.Text(c.Status.Label()), export.Count(c.Count)}); err != nil {
					return 0, err
				}
			}
			return len(counts), nil
		},
	},
	"ratings": {
		Title:   "Providers by compliance rating",
		Columns: []export.Column{{Header: "Compliance rating", Width: 24}, {Header: "Providers", Kind: export.KindCount}},
		rows: func(s *Server, ctx context.Context, _ time.Time, _ int, row func([]export.Cell) error) (int, error) {
			statuses, err := directory.StatusCounts(ctx, s.db)
			if err != nil {
				return 0, err
			}
			bars, err := s.ratingCounts(ctx, statuses)
			if err != nil {
				return 0, err
			}
			for _, b := range bars {
				if err := row([]export.Cell{export.Text(b.Label), export.Count(b.Count)}); err != nil {
					return 0, err
				}
			}
			return len(bars), nil
		},
	},
}

// daysPast is how many days after due today is.
func daysPast(due, today time.Time) int {
	return int(today.Sub(time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// ratingCount is how many providers have a compliance rating, or none yet.
type ratingCount struct {
	// Key is the directory's filter value: red, amber, green or unrated.
	Key, Label string
	Count      int
}

// ratingCounts counts providers by stored compliance rating, worst first, and those not yet
// rated.
func (s *Server) ratingCounts(ctx context.Context, statuses []directory.StatusCount) ([]ratingCount, error) {
	counts, err := quality.RAGCounts(ctx, s.db)
	if err != nil {
		return nil, err
	}
	all, rated := 0, 0
	for _, c := range statuses {
		all += c.Count
	}
	out := make([]ratingCount, 0, len(counts)+1)
	for _, c := range counts {
		out = append(out, ratingCount{Key: string(c.RAG), Label: c.RAG.Label(), Count: c.Count})
		rated += c.Count
	}
	return append(out, ratingCount{Key: directory.Unrated, Label: "Not rated yet", Count: max(all-rated, 0)}), nil
}

// ratingConcerns are the first providers rated red, then amber (by name within each), read
// from the directory so their ratings and reasons are the stored ones every page shows.
func (s *Server) ratingConcerns(ctx context.Context) ([]directory.Provider, error) {
	page, err := directory.List(ctx, s.db, directory.Request{Sort: directory.SortRAG, Size: dashboardListSize})
	if err != nil {
		return nil, err
	}
	var out []directory.Provider
	for _, p := range page.Providers {
		if p.RAG == quality.Red || p.RAG == quality.Amber {
			out = append(out, p)
		}
	}
	return out, nil
}
