package web

import (
	"fmt"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/gofiber/fiber/v2"
)

// dpoNoticeListSize is how many people one page of an acknowledgement report lists.
const dpoNoticeListSize = 50

type dpoAcknowledgementsPage struct {
	Page
	Notice *privacy.Notice
	People []privacy.Acknowledger
	Pager  Pager
}

// dpoNoticeAcknowledgements lists who acknowledged a published version and when, most
// recent first: the record that each person was given the notice (article 13).
func (s *Server) dpoNoticeAcknowledgements(c *fiber.Ctx) error {
	ctx := c.UserContext()
	n, err := privacy.NoticeByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	if n.Status != privacy.StatusPublished {
		return apperr.New(apperr.NotFound, "A draft has no acknowledgements")
	}
	pager := newPager(c, dpoNoticeListSize)
	people, total, err := privacy.Acknowledgers(ctx, s.db, n.ID, pager.Size, pager.Offset())
	if err != nil {
		return err
	}
	pager.Total = total
	p := s.page(c, fmt.Sprintf("Who acknowledged version %d", n.Version))
	p.Back = "/dpo/notices"
	return render(c, fiber.StatusOK, "dpo/notices/acknowledgements", dpoAcknowledgementsPage{Page: p, Notice: n, People: people, Pager: pager})
}

type dpoOutstandingPage struct {
	Page
	Current *privacy.Notice
	People  []privacy.Unacknowledged
	Pager   Pager
}

// dpoNoticeOutstanding lists the active provider users who have not acknowledged the
// version in force, with the last version each did acknowledge. The notice gate asks each
// of them to read it at their next visit.
func (s *Server) dpoNoticeOutstanding(c *fiber.Ctx) error {
	ctx := c.UserContext()
	current, err := privacy.Current(ctx, s.db, privacy.AudienceProvider)
	if err != nil {
		return err
	}
	pager := newPager(c, dpoNoticeListSize)
	people, total, err := privacy.NotAcknowledged(ctx, s.db, current.ID, pager.Size, pager.Offset())
	if err != nil {
		return err
	}
	pager.Total = total
	p := s.page(c, fmt.Sprintf("Provider users yet to acknowledge version %d", current.Version))
	p.Back = "/dpo/notices"
	return render(c, fiber.StatusOK, "dpo/notices/outstanding", dpoOutstandingPage{Page: p, Current: current, People: people, Pager: pager})
}
