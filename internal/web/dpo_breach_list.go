package web

import (
	"time"

	"github.com/council/provider-portal/internal/privacy"
	"github.com/gofiber/fiber/v2"
)

// breachRow is a breach with its deadline as of the page's time.
type breachRow struct {
	privacy.Breach
	Due privacy.Deadline
}

// UK writes an instant in UK time, as the breach's times were typed.
func (breachRow) UK(t time.Time) string { return privacy.FormatUK(t) }

type breachListPage struct {
	Page
	Breaches []breachRow
	Pager    Pager
}

// breachList is the breach register: open breaches first, each with its 72-hour reporting
// deadline counting down (computed when the page is served, so it reads without JavaScript).
func (s *Server) breachList(c *fiber.Ctx) error {
	pager := newPager(c, 25)
	breaches, total, err := privacy.Breaches(c.UserContext(), s.db, pager.Size, pager.Offset())
	if err != nil {
		return err
	}
	pager.Total = total
	now := s.clock()
	data := breachListPage{Page: s.page(c, "Breach register"), Pager: pager}
	for _, b := range breaches {
		data.Breaches = append(data.Breaches, breachRow{Breach: b, Due: b.Deadline(now)})
	}
	return render(c, fiber.StatusOK, "dpo/breaches/list", data)
}
