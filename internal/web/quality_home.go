package web

import (
	"github.com/council/provider-portal/internal/quality"
	"github.com/gofiber/fiber/v2"
)

type qaHomePage struct {
	Page
	Overdue []quality.Action
	Pager   namedPager
	Counts  []quality.RAGCount
	Rated   int
}

// qaHome is the officers' quality assurance work list: overdue actions across every
// provider, most overdue first, and how many providers are red, amber and green.
func (s *Server) qaHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	today := s.quality.Today()
	pager := newNamedPager(c, "page", 25)
	overdue, total, err := quality.Actions(ctx, s.db, quality.ActionFilter{OverdueOnly: true, Limit: pager.Size, Offset: pager.Offset()}, today)
	if err != nil {
		return err
	}
	pager.Total = total
	counts, err := quality.RAGCounts(ctx, s.db)
	if err != nil {
		return err
	}
	data := qaHomePage{Page: s.page(c, "Quality assurance"), Overdue: overdue, Pager: pager, Counts: counts}
	for _, n := range counts {
		data.Rated += n.Count
	}
	return render(c, fiber.StatusOK, "quality/home", data)
}
