package web

import (
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/notify"
	"github.com/gofiber/fiber/v2"
)

type outboxPage struct {
	Page
	Entries []notify.OutboxEntry
	To      string
	Pager   Pager
}

// outbox lets administrators read the mail the portal has queued, in development, where no
// SMTP server may be configured (reset and confirmation links are found here).
func (s *Server) outbox(c *fiber.Ctx) error {
	to, msg := form.Text(c.Query("to"), "the address", false, 254)
	pager := newPager(c, 25)
	if msg != "" {
		p := s.page(c, "Outbox")
		p.Errors = []FieldError{{Field: "to", Message: msg}}
		return render(c, fiber.StatusBadRequest, "admin/outbox/list", outboxPage{Page: p, Pager: pager})
	}
	entries, total, err := notify.Recent(c.UserContext(), s.db, to, pager.Size, pager.Offset())
	if err != nil {
		return err
	}
	pager.Total = total
	return render(c, fiber.StatusOK, "admin/outbox/list", outboxPage{Page: s.page(c, "Outbox"), Entries: entries, To: to, Pager: pager})
}
