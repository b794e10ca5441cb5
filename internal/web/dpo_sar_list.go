package web

import (
	"strconv"
	"time"

	"github.com/council/provider-portal/internal/privacy/subject"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// sarListSize is how many requests one page lists.
const sarListSize = 25

type sarListPage struct {
	Page
	Requests []sarRow
	State    string
	States   []provider.Option
	Pager    Pager
}

// sarRow is a request with its deadline as the list shows it.
type sarRow struct {
	subject.Request
	Deadline sarDeadline
}

// sarDeadline says how long is left to respond, or how late the response is.
type sarDeadline struct {
	Text, TagClass string
	Overdue        bool
}

// deadlineOf reads a request's due date against today.
func deadlineOf(r subject.Request, today time.Time) sarDeadline {
	if !r.Open() {
		if r.ClosedOn != nil && subject.DaysBetween(r.DueOn, *r.ClosedOn) > 0 {
			return sarDeadline{Text: "Closed late", TagClass: "govuk-tag--orange"}
		}
		return sarDeadline{Text: "Closed", TagClass: "govuk-tag--grey"}
	}
	switch left := r.DaysLeft(today); {
	case left < 0:
		text := "Overdue by 1 day"
		if left < -1 {
			text = "Overdue by " + strconv.Itoa(-left) + " days"
		}
		return sarDeadline{Text: text, TagClass: "govuk-tag--red", Overdue: true}
	case left == 0:
		return sarDeadline{Text: "Due today", TagClass: "govuk-tag--orange"}
	case left == 1:
		return sarDeadline{Text: "1 day left", TagClass: "govuk-tag--yellow"}
	case left <= 7:
		return sarDeadline{Text: strconv.Itoa(left) + " days left", TagClass: "govuk-tag--yellow"}
	default:
		return sarDeadline{Text: strconv.Itoa(left) + " days left", TagClass: "govuk-tag--blue"}
	}
}

// sarStates filter the list.
var sarStates = []provider.Option{{Value: "open", Label: "Open"}, {Value: "closed", Label: "Closed"}, {Value: "all", Label: "All"}}

// sarList lists subject access requests: open ones by due date, most urgent first, with the
// days left or how overdue each is.
func (s *Server) sarList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	state := c.Query("status", "open")
	filter := state
	switch state {
	case "open", "closed":
	default:
		state, filter = "all", ""
	}
	pager := newPager(c, sarListSize)
	requests, total, err := subject.List(ctx, s.db, filter, pager.Size, pager.Offset())
	if err != nil {
		return err
	}
	today, err := subject.Today(ctx, s.db)
	if err != nil {
		return err
	}
	pager.Total = total
	data := sarListPage{Page: s.page(c, "Subject access requests"), State: state, States: sarStates, Pager: pager}
	for _, r := range requests {
		data.Requests = append(data.Requests, sarRow{Request: r, Deadline: deadlineOf(r, today)})
	}
	return render(c, fiber.StatusOK, "dpo/sar/list", data)
}
