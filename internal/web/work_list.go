package web

import (
	"fmt"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/work"
	"github.com/council/provider-portal/internal/workqueue"
	"github.com/gofiber/fiber/v2"
)

// workPageSize is how many items one page of "Your work" shows.
const workPageSize = 25

type workPage struct {
	Page
	Items []workRow
	// Total counts every item the filter keeps, not just this page's; Capped says the pages
	// stop at the oldest workqueue.MaxItems.
	Total  int
	Capped bool
	Mine   bool
	Pager  Pager
}

type workRow struct {
	work.Item
	AgeDays int
}

// workList is "Your work": everything waiting for the person's roles (returns to review,
// QA actions marked complete, registrations and held changes, bank changes, correction and
// subject access requests, staff roles to approve), oldest first, optionally only for the
// providers whose contracts they manage. Work they must not do themselves (their own
// request, approving a change they verified) is not listed.
func (s *Server) workList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := userOf(c)
	mine := c.Query("show") == "mine"
	pager := newPager(c, workPageSize)
	items, total, err := workqueue.List(ctx, s.db, u, workqueue.Query{Mine: mine, Limit: pager.Size, Offset: pager.Offset()})
	if err != nil {
		return err
	}
	if !mine {
		s.workCounts.Store(u, total) // the nav on this page and the next ones agrees with the list
	}
	pager.Total = min(total, workqueue.MaxItems)
	data := workPage{Page: s.page(c, "Your work"), Total: total, Capped: total > workqueue.MaxItems, Mine: mine, Pager: pager}
	now := s.clock()
	for _, it := range items {
		data.Items = append(data.Items, workRow{Item: it, AgeDays: ageDays(now, it.Since)})
	}
	return render(c, fiber.StatusOK, "work/list", data)
}

// workNav is the navigation's "Your work (N)". The count is kept for a few seconds per
// person (workqueue.Counter), so most pages cost no query for it; if counting fails the
// link shows without a number rather than failing the page.
func (s *Server) workNav(c *fiber.Ctx, u *auth.User) NavItem {
	item := NavItem{Text: "Your work", Href: "/work"}
	n, err := s.workCounts.Count(c.UserContext(), s.db, u)
	if err != nil {
		s.log.Warn("count work for the navigation", "error", err)
		return item
	}
	item.Counted, item.Count = true, n
	item.CountHint = fmt.Sprintf("%s waiting for you", plural(n, "item", "items"))
	return item
}
