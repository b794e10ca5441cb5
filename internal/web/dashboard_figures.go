package web

import (
	"context"
	"sync"
	"time"

	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/quality"
)

// dashboardFigures are what a view of the dashboard shows without paging: the counts, the
// concerns, and the first page of every list for every window. Working them out reads across
// every provider (about three seconds of database time at 100,000 providers), so they are
// worked out at most once per PORTAL_DASHBOARD_REFRESH on each instance and shared by every
// view, which shows when they were worked out. Later pages of a list are read when asked for.
type dashboardFigures struct {
	// At is when they were worked out; Today the day they are for.
	At, Today time.Time
	Statuses  []directory.StatusCount
	Ratings   []ratingCount
	Concerns  []directory.Provider
	// Expiring counts contracts ending, policies expiring and providers with DBS checks
	// falling due within each of dashboardWindows (Expiring[kind][i] for window i).
	Expiring map[string][]int
	// The lists' first pages, by window for the windowed ones.
	Contracts map[int]firstPage[contract.Contract]
	Insurance map[int]firstPage[quality.PolicyExpiry]
	DBS       map[int]firstPage[quality.DBSChecksDue]
	Returns   firstPage[contract.MonitoringReturn]
	Actions   firstPage[quality.Action]
}

// firstPage is a list's first page and how many rows the whole list has.
type firstPage[T any] struct {
	Rows  []T
	Total int
}

// dashboardCache holds the last figures and works out new ones when they are older than
// maxAge. While new figures are worked out, views are answered from the last ones of the same
// day (stale while revalidating), so no view waits on the slow reads; only the first view, or
// the first of a new day, waits. A maxAge of 0 works them out for every view (the tests' way,
// so a change shows at once).
type dashboardCache struct {
	maxAge time.Duration
	mu     sync.Mutex
	cur    *dashboardFigures
	flight *figuresFlight
}

// figuresFlight is one working out of the figures, which every view that needs it waits on.
type figuresFlight struct {
	done    chan struct{}
	figures *dashboardFigures
	err     error
}

// figuresTimeout bounds one working out, which runs on after the view that started it ends.
const figuresTimeout = 2 * time.Minute

// get returns figures for today no older than maxAge, or the last ones of today while newer
// ones are worked out by compute.
func (c *dashboardCache) get(ctx context.Context, now, today time.Time, compute func(context.Context) (*dashboardFigures, error)) (*dashboardFigures, error) {
	c.mu.Lock()
	cur := c.cur
	usable := c.maxAge > 0 && cur != nil && cur.Today.Equal(today)
	if usable && now.Sub(cur.At) < c.maxAge {
		c.mu.Unlock()
		return cur, nil
	}
	fl := c.flight
	if fl == nil {
		fl = &figuresFlight{done: make(chan struct{})}
		c.flight = fl
		// The working out outlives the view that started it: other views wait on it.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), figuresTimeout)
		go func() {
			defer cancel()
			f, err := compute(wctx)
			c.mu.Lock()
			if err == nil {
				c.cur = f
			}
			c.flight = nil
			fl.figures, fl.err = f, err
			c.mu.Unlock()
			close(fl.done)
		}()
	}
	c.mu.Unlock()
	if usable {
		return cur, nil
	}
	select {
	case <-fl.done:
		return fl.figures, fl.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// dashboardFigures returns the dashboard's figures for today, from the cache.
func (s *Server) dashboardFigures(ctx context.Context, today time.Time) (*dashboardFigures, error) {
	return s.dashboardCache.get(ctx, s.clock(), today, func(ctx context.Context) (*dashboardFigures, error) {
		f, err := s.workOutDashboard(ctx, today)
		if err != nil {
			s.log.Error("dashboard figures", "error", err)
		}
		return f, err
	})
}

// workOutDashboard reads every figure of the dashboard for today.
func (s *Server) workOutDashboard(ctx context.Context, today time.Time) (*dashboardFigures, error) {
	f := &dashboardFigures{At: s.clock(), Today: today, Contracts: map[int]firstPage[contract.Contract]{},
		Insurance: map[int]firstPage[quality.PolicyExpiry]{}, DBS: map[int]firstPage[quality.DBSChecksDue]{}}
	var err error
	if f.Statuses, err = directory.StatusCounts(ctx, s.db); err != nil {
		return nil, err
	}
	if f.Ratings, err = s.ratingCounts(ctx, f.Statuses); err != nil {
		return nil, err
	}
	if f.Concerns, err = s.ratingConcerns(ctx); err != nil {
		return nil, err
	}
	settings, err := quality.LoadSettings(ctx, s.db)
	if err != nil {
		return nil, err
	}
	f.Expiring = map[string][]int{}
	if f.Expiring["insurance"], err = quality.InsuranceExpiringCounts(ctx, s.db, today, dashboardWindows); err != nil {
		return nil, err
	}
	if f.Expiring["dbs"], err = quality.DBSChecksFallingDueCounts(ctx, s.db, settings, today, dashboardWindows); err != nil {
		return nil, err
	}
	for _, w := range dashboardWindows {
		until := today.AddDate(0, 0, w)
		var cp firstPage[contract.Contract]
		if cp.Rows, cp.Total, err = contract.ExpiringContracts(ctx, s.db, today, until, dashboardListSize, 0); err != nil {
			return nil, err
		}
		f.Contracts[w] = cp
		f.Expiring["contracts"] = append(f.Expiring["contracts"], cp.Total)
		var ip firstPage[quality.PolicyExpiry]
		if ip.Rows, ip.Total, err = quality.InsuranceExpiring(ctx, s.db, today, until, dashboardListSize, 0); err != nil {
			return nil, err
		}
		f.Insurance[w] = ip
		var dp firstPage[quality.DBSChecksDue]
		if dp.Rows, dp.Total, err = quality.DBSChecksFallingDue(ctx, s.db, settings, today, until, dashboardListSize, 0); err != nil {
			return nil, err
		}
		f.DBS[w] = dp
	}
	if f.Returns.Rows, f.Returns.Total, err = s.overdueReturns(ctx, today, 0); err != nil {
		return nil, err
	}
	if f.Actions.Rows, f.Actions.Total, err = s.overdueActions(ctx, today, 0); err != nil {
		return nil, err
	}
	return f, nil
}

// overdueReturns and overdueActions read one page of the dashboard's two lists that have no
// window.
func (s *Server) overdueReturns(ctx context.Context, today time.Time, offset int) ([]contract.MonitoringReturn, int, error) {
	return contract.Returns(ctx, s.db, contract.ReturnFilter{Overdue: true, Today: today, Limit: dashboardListSize, Offset: offset})
}

func (s *Server) overdueActions(ctx context.Context, today time.Time, offset int) ([]quality.Action, int, error) {
	return quality.Actions(ctx, s.db, quality.ActionFilter{OverdueOnly: true, Limit: dashboardListSize, Offset: offset}, today)
}
