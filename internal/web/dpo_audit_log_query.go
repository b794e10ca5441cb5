package web

import (
	"time"

	"github.com/council/provider-portal/internal/form"
	"github.com/gofiber/fiber/v2"
)

// decodeQuery fills dst from the query string, as decodeForm does from a body: the filter
// forms of the registers and the audit viewer are GET forms, so a search can be bookmarked.
func decodeFilterQuery(c *fiber.Ctx, dst any) map[string]string {
	args := c.Context().QueryArgs()
	return form.Decode(func(name string) []string {
		var out []string
		for _, v := range args.PeekMulti(name) {
			out = append(out, string(v))
		}
		return out
	}, dst)
}

// queryDate reads an optional filter date; an empty one is zero, a wrong one a message.
func filterDate(errs map[string]string, field string, d form.DateInput, label string) time.Time {
	if d.IsEmpty() || errs[field] != "" {
		return time.Time{}
	}
	t, msg := d.Time(label)
	if msg != "" {
		errs[field] = msg
	}
	return t
}

// dateOrEmpty writes a filter date for the audit trail, or "" when it is not set.
func filterDateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
