package web

import (
	"github.com/council/provider-portal/internal/retention"
	"github.com/gofiber/fiber/v2"
)

// processingRow is one category of personal data on the record of processing, with the
// retention it is kept for: the rule in force, or for a category without one, its words.
type processingRow struct {
	retention.Category
	Rule *retention.Rule
}

// Retention is the retention period in words.
func (r processingRow) Retention() string {
	if r.Rule != nil {
		return r.Rule.Describe()
	}
	return r.KeptFor
}

type processingRecordPage struct {
	Page
	Rows []processingRow
}

// processingRecord is the record of processing activities (UK GDPR art. 30): each category
// of personal data the portal holds, generated from the same definitions and rules the
// retention sweep uses, so the record and the destruction schedule cannot disagree.
func (s *Server) processingRecord(c *fiber.Ctx) error {
	rules, err := retention.Rules(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	byKey := map[string]retention.Rule{}
	for _, r := range rules {
		byKey[r.Category] = r
	}
	data := processingRecordPage{Page: s.page(c, "Record of processing")}
	for _, cat := range retention.Categories {
		row := processingRow{Category: cat}
		if r, ok := byKey[cat.Key]; ok {
			row.Rule = &r
		}
		data.Rows = append(data.Rows, row)
	}
	return render(c, fiber.StatusOK, "record_of_processing/show", data)
}
