package web

import (
	"github.com/council/provider-portal/internal/retention"
	"github.com/gofiber/fiber/v2"
)

type retentionLogPage struct {
	Page
	Entries []retention.Destruction
	Pager   Pager
}

// retentionLog is the destruction log: what was destroyed, how many, under which rule, who
// approved it and when.
func (s *Server) retentionLog(c *fiber.Ctx) error {
	pager := newPager(c, 25)
	entries, total, err := retention.DestructionLog(c.UserContext(), s.db, pager.Size, pager.Offset())
	if err != nil {
		return err
	}
	pager.Total = total
	data := retentionLogPage{Page: s.page(c, "Destruction log"), Entries: entries, Pager: pager}
	data.Page.Back = "/dpo/retention"
	return render(c, fiber.StatusOK, "dpo/retention/log", data)
}
