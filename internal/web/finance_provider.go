package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

type financeProviderPage struct {
	Page
	Org       *provider.Organisation
	Active    *finance.PaymentDetails
	History   []finance.PaymentDetails
	Changes   []finance.Change
	Open      *finance.Change
	SteppedUp bool
	Reason    string
	// Upcoming are approved details that take effect after today.
	Upcoming *finance.PaymentDetails
	// Creditor is the finance system's creditor number on record (nil: none yet);
	// CreditorNumber and SiteID are the form's values, as typed after a refusal.
	Creditor               *finance.Creditor
	CreditorNumber, SiteID string
	CreditorVersion        int
}

// creditorForm is the creditor number form as typed, for showing it again after a refusal.
type creditorForm struct {
	Number, SiteID string
	Version        int
}

// financeProvider shows a provider's payment details, masked, with their history and every
// request made; a form reveals the details in force after a step-up.
func (s *Server) financeProvider(c *fiber.Ctx) error {
	return s.renderFinanceProvider(c, fiber.StatusOK, c.Params("id"), c.Query("reason"), nil, nil)
}

func (s *Server) renderFinanceProvider(c *fiber.Ctx, status int, orgID, reason string, errs map[string]string, typed *creditorForm) error {
	ctx := c.UserContext()
	org, err := provider.OrganisationByID(ctx, s.db, orgID)
	if err != nil {
		return err
	}
	data := financeProviderPage{Org: org, SteppedUp: steppedUp(c), Reason: reason}
	// In use is what is paid today; approved details dated later are shown as upcoming.
	today := s.finance.Today()
	if data.Active, err = finance.DetailsInForce(ctx, s.db, org.ID, today); err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	if data.Upcoming, err = finance.UpcomingDetails(ctx, s.db, org.ID, today); err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	if data.History, err = finance.DetailsHistory(ctx, s.db, org.ID); err != nil {
		return err
	}
	if data.Changes, err = finance.Changes(ctx, s.db, finance.ChangeFilter{OrganisationID: org.ID, Limit: 100}); err != nil {
		return err
	}
	for i := range data.Changes {
		if data.Changes[i].Status.Open() {
			data.Open = &data.Changes[i]
		}
	}
	if data.Creditor, err = finance.CreditorOf(ctx, s.db, org.ID); err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	if data.Creditor != nil {
		data.CreditorNumber, data.SiteID, data.CreditorVersion = data.Creditor.Number, data.Creditor.SiteID, data.Creditor.Version
	}
	if typed != nil {
		data.CreditorNumber, data.SiteID, data.CreditorVersion = typed.Number, typed.SiteID, typed.Version
	}
	data.Page = s.page(c, "Bank details: "+org.DisplayName())
	data.Page.Back = "/finance"
	data.Page.Errors = fieldErrors([]string{"reason", "creditor_number", "site_id"}, errs)
	return render(c, status, "finance/provider", data)
}

// financeOpenInitialRequest starts verification of the bank details an approved provider
// gave at registration, for one the scheduler has not reached or whose earlier request
// lapsed.
func (s *Server) financeOpenInitialRequest(c *fiber.Ctx) error {
	ch, err := s.finance.OpenInitialRequest(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/finance/changes/"+ch.ID, "The bank details from the provider's registration are waiting for a verification call.")
}
