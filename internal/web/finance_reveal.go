package web

import (
	"net/url"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/finance"
	"github.com/gofiber/fiber/v2"
)

type financeRevealedPage struct {
	Page
	Revealed *finance.Revealed
	Title    string
	Reason   string
}

// financeRevealDetails shows a provider's payment details in full, after a step-up and with a
// reason, both recorded. The page is the response to the POST, never stored or redirected to,
// so the details are not left in a URL or a cache.
func (s *Server) financeRevealDetails(c *fiber.Ctx) error {
	ctx := c.UserContext()
	details, err := finance.DetailsByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	back := "/finance/providers/" + details.OrganisationID
	reason := c.FormValue("reason")
	if !steppedUp(c) {
		return toStepUp(c, withReason(back, reason))
	}
	r, err := s.finance.RevealDetails(ctx, details.ID, reason)
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.renderFinanceProvider(c, fiber.StatusUnprocessableEntity, details.OrganisationID, reason, fields, nil)
	}
	if err != nil {
		return err
	}
	p := s.page(c, "Bank details in full")
	p.Back = back
	return render(c, fiber.StatusOK, "finance/revealed", financeRevealedPage{Page: p, Revealed: r, Title: "Bank details in use", Reason: reason})
}

// financeRevealRequested shows the details a change request asks for in full, for the
// verifier to read back to the contact on file; step-up and reason as above.
func (s *Server) financeRevealRequested(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id := c.Params("id")
	if _, err := finance.ChangeByID(ctx, s.db, id); err != nil {
		return err
	}
	reason := c.FormValue("reason")
	if !steppedUp(c) {
		return toStepUp(c, withReason("/finance/changes/"+id, reason))
	}
	r, err := s.finance.RevealRequested(ctx, id, reason)
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.renderFinanceChange(c, fiber.StatusUnprocessableEntity, financeChangePage{RevealReason: reason}, fields)
	}
	if err != nil {
		return err
	}
	p := s.page(c, "Requested bank details in full")
	p.Back = "/finance/changes/" + id
	return render(c, fiber.StatusOK, "finance/revealed", financeRevealedPage{Page: p, Revealed: r, Title: "Bank details asked for", Reason: reason})
}

// withReason carries the reason an officer typed through the step-up and back to the page
// with the reveal form, which shows it again so they need not type it twice. A reason is
// audited anyway, so it may ride in the address.
func withReason(page, reason string) string {
	if reason == "" || len(reason) > 500 {
		return page
	}
	return page + "?reason=" + url.QueryEscape(reason) + "#reveal"
}
