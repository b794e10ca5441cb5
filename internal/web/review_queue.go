package web

import (
	"time"

	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// reviewQueueSize is how many rows of each table one page of the queue shows.
const reviewQueueSize = 25

type reviewQueuePage struct {
	Page
	Queue   []queueRow
	Changes []changeRow
	// QueueTotal and ChangesTotal count every row, not just this page's.
	QueueTotal, ChangesTotal int
	Pager                    Pager
}

type queueRow struct {
	provider.QueueEntry
	AgeDays int
}

type changeRow struct {
	provider.PendingChange
	AgeDays int
}

// ageDays is how many whole days have passed since t.
func ageDays(now, t time.Time) int {
	if d := int(now.Sub(t).Hours() / 24); d > 0 {
		return d
	}
	return 0
}

// reviewQueue is the officers' work list: records waiting for a decision and changes to
// approved records waiting for review, each oldest first. One page number pages both
// tables, so the pager counts the longer of the two.
func (s *Server) reviewQueue(c *fiber.Ctx) error {
	ctx := c.UserContext()
	pager := newPager(c, reviewQueueSize)
	queue, queueTotal, err := provider.AwaitingDecision(ctx, s.db, pager.Size, pager.Offset())
	if err != nil {
		return err
	}
	changes, changesTotal, err := provider.PendingChanges(ctx, s.db, pager.Size, pager.Offset())
	if err != nil {
		return err
	}
	pager.Total = max(queueTotal, changesTotal)
	now := s.clock()
	data := reviewQueuePage{Page: s.page(c, "Review queue"), QueueTotal: queueTotal, ChangesTotal: changesTotal, Pager: pager}
	for _, q := range queue {
		data.Queue = append(data.Queue, queueRow{QueueEntry: q, AgeDays: ageDays(now, q.SubmittedAt)})
	}
	for _, ch := range changes {
		data.Changes = append(data.Changes, changeRow{PendingChange: ch, AgeDays: ageDays(now, ch.UpdatedAt)})
	}
	return render(c, fiber.StatusOK, "review/queue", data)
}
