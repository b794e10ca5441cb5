package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

type providerBankPage struct {
	Page
	Org       *provider.Organisation
	Active    *finance.PaymentDetails
	Changes   []finance.Change
	Open      *finance.Change
	CanChange bool
	// Upcoming are approved details that take effect after today.
	Upcoming *finance.PaymentDetails
}

// providerBankDetails shows a provider the account the council pays (masked) and their
// requests to change it, with a way to withdraw one still waiting.
func (s *Server) providerBankDetails(c *fiber.Ctx) error {
	ctx := c.UserContext()
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	org, err := provider.OrganisationByID(ctx, s.db, orgID)
	if err != nil {
		return err
	}
	data := providerBankPage{Org: org, CanChange: org.Status.Approved()}
	// In use is what is paid today; approved details dated later are shown as upcoming.
	today := s.finance.Today()
	if data.Active, err = finance.DetailsInForce(ctx, s.db, orgID, today); err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	if data.Upcoming, err = finance.UpcomingDetails(ctx, s.db, orgID, today); err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	if data.Changes, err = finance.Changes(ctx, s.db, finance.ChangeFilter{OrganisationID: orgID, Limit: 50}); err != nil {
		return err
	}
	for i := range data.Changes {
		if data.Changes[i].Status.Open() {
			data.Open = &data.Changes[i]
		}
	}
	data.Page = s.page(c, "Bank details")
	return render(c, fiber.StatusOK, "provider/bank_details", data)
}

// providerBankChangeForm asks for the new account, a reason and evidence.
func (s *Server) providerBankChangeForm(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	org, err := provider.OrganisationByID(c.UserContext(), s.db, orgID)
	if err != nil {
		return err
	}
	if !org.Status.Approved() {
		return c.Redirect("/provider/bank-details", fiber.StatusSeeOther)
	}
	data := changeFormPage{Org: org, Action: "/provider/bank-details/change"}
	if err := s.restoreChangeRequest(c, &data); err != nil {
		return err
	}
	return s.renderChangeForm(c, fiber.StatusOK, data, nil)
}

// providerBankChange sends the request. Nothing changes until finance has verified it by a
// call to a contact already on the record and a second officer has approved it.
func (s *Server) providerBankChange(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	org, err := provider.OrganisationByID(c.UserContext(), s.db, orgID)
	if err != nil {
		return err
	}
	ch, err := s.submitChangeRequest(c, changeFormPage{Org: org, Action: "/provider/bank-details/change"})
	if err != nil || ch == nil {
		return err
	}
	return s.redirectWithFlash(c, "/provider/bank-details", "Your request has been sent. We will phone a contact on your record to confirm it before anything changes. Everyone on your record has been emailed about it.")
}

// providerBankWithdraw takes back a request still waiting.
func (s *Server) providerBankWithdraw(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	if err := s.finance.Withdraw(c.UserContext(), orgID, c.Params("id"), formInt(c, "version")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/provider/bank-details", "Your request has been withdrawn. Nothing has changed.")
}
