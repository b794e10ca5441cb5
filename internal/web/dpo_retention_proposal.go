package web

import (
	"fmt"

	"github.com/council/provider-portal/internal/retention"
	"github.com/gofiber/fiber/v2"
)

type retentionProposalPage struct {
	Page
	Proposal *retention.Proposal
	Category retention.Category
	Items    []retention.Item
	Pager    Pager
	// ApprovedFirst says the viewer gave the first of the two approvals a TwoPeople
	// category needs, so the second must be someone else's.
	ApprovedFirst bool
}

// retentionProposal shows what a proposal would destroy, page by page, for review: each
// item by its provider's supplier reference or its contract, never a person's name.
func (s *Server) retentionProposal(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := retention.ProposalByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	data := retentionProposalPage{Proposal: p, Category: p.CategoryInfo(), Pager: newPager(c, 50)}
	if p.Status == retention.ProposalOpen && p.Cutoff == nil {
		data.Pager.Total = p.ItemCount
		if data.Items, err = s.retention.ProposalItems(ctx, s.db, p.ID, data.Pager.Size, data.Pager.Offset()); err != nil {
			return err
		}
	}
	data.ApprovedFirst = p.FirstApprovedBy != nil && *p.FirstApprovedBy == userOf(c).ID
	data.Page = s.page(c, "Destruction of "+data.Category.Name)
	data.Page.Back = "/dpo/retention"
	return render(c, fiber.StatusOK, "dpo/retention/proposal", data)
}

// retentionApprove carries out a proposal: destruction in one transaction, logged without
// personal data. The form carries the version the officer reviewed. The audit trail takes
// two people: the first approval only records itself.
func (s *Server) retentionApprove(c *fiber.Ctx) error {
	d, err := s.retention.Approve(c.UserContext(), c.Params("id"), formInt(c, "version"))
	if err != nil {
		return err
	}
	if d.Awaiting {
		return s.redirectWithFlash(c, "/dpo/retention/proposals/"+c.Params("id"),
			"Your approval is recorded. Another person must approve too before anything is destroyed.")
	}
	cat := d.CategoryInfo()
	return s.redirectWithFlash(c, "/dpo/retention/destruction-log",
		fmt.Sprintf("%s: %d %s. The destruction log records it.", cat.Name, d.Destroyed, d.Method))
}
