package web

import (
	"github.com/council/provider-portal/internal/retention"
	"github.com/gofiber/fiber/v2"
)

type retentionRuleRow struct {
	Category retention.Category
	Rule     retention.Rule
}

type retentionHomePage struct {
	Page
	Rules     []retentionRuleRow
	Proposals []retention.Proposal
	Pager     Pager
}

// retentionHome is the data protection officer's retention page: the schedule in force and
// the proposals the sweep made, open ones first.
func (s *Server) retentionHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	rules, err := retention.Rules(ctx, s.db)
	if err != nil {
		return err
	}
	pager := newPager(c, 20)
	proposals, total, err := retention.Proposals(ctx, s.db, pager.Size, pager.Offset())
	if err != nil {
		return err
	}
	pager.Total = total
	data := retentionHomePage{Page: s.page(c, "Retention and destruction"), Proposals: proposals, Pager: pager}
	for _, r := range rules {
		cat, _ := retention.CategoryByKey(r.Category)
		data.Rules = append(data.Rules, retentionRuleRow{Category: cat, Rule: r})
	}
	return render(c, fiber.StatusOK, "dpo/retention/home", data)
}
