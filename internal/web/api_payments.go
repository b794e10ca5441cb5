package web

import (
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// apiPaymentDetails is the account the council pays a provider into today, in full.
type apiPaymentDetails struct {
	ProviderID       string `json:"provider_id"`
	PaymentDetailsID string `json:"payment_details_id"`
	AccountName      string `json:"account_name"`
	// SortCode and AccountNumber are the 6 and 8 digits a payment system pays
	// (finance.ClearAccount.Payable); the AsIssued pair is the account as the bank issued it,
	// 9 or 10 digits for some banks, for a person checking against a statement.
	SortCode              string  `json:"sort_code"`
	AccountNumber         string  `json:"account_number"`
	SortCodeAsIssued      string  `json:"sort_code_as_issued"`
	AccountNumberAsIssued string  `json:"account_number_as_issued"`
	RollNumber            *string `json:"roll_number"`
	RemittanceEmail       string  `json:"remittance_email"`
	EffectiveFrom         string  `json:"effective_from"`
	// HoldUntil is the end of the hold on the first payment after a change, when there is one.
	HoldUntil  *string   `json:"hold_until"`
	ApprovedAt time.Time `json:"approved_at"`
}

// apiPaymentDetails is GET /api/v1/providers/{id}/payment-details: the provider's verified
// payment details in force today, opened in full. Only details that passed finance's dual
// control (verified by a call to a contact on file, approved by a second officer) exist to
// be returned; a change still waiting is never shown. Every call is recorded in the audit
// trail as a reveal (finance.bank_details.revealed) by the token, with a reason naming the
// token and who made it.
func (s *Server) apiPaymentDetails(c *fiber.Ctx) error {
	if err := newAPIParams(c).err(); err != nil {
		return err
	}
	ctx := c.UserContext()
	org, err := provider.OrganisationByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	current, err := finance.DetailsInForce(ctx, s.db, org.ID, s.finance.Today())
	if err != nil {
		return err
	}
	tok := apiTokenOf(c)
	createdBy := tok.CreatedByEmail
	if createdBy == "" {
		createdBy = "a user since removed"
	}
	reason := fmt.Sprintf("Read through the API with token %s %q (scope payments:read), made by %s", tok.Prefix, tok.Name, createdBy)
	r, err := s.finance.RevealDetails(ctx, current.ID, reason)
	if err != nil {
		return err
	}
	sortCode, accountNumber, ok := r.Payable()
	if !ok {
		return apperr.New(apperr.Conflict, "The bank details on file are not an account any bank issues, so they cannot be paid. Finance must check them with the provider")
	}
	out := apiPaymentDetails{ProviderID: org.ID, PaymentDetailsID: current.ID, AccountName: r.AccountName, SortCode: sortCode,
		AccountNumber: accountNumber, SortCodeAsIssued: r.SortCode, AccountNumberAsIssued: r.AccountNumber,
		RollNumber: nullable(r.RollNumber), RemittanceEmail: r.RemittanceEmail,
		EffectiveFrom: current.EffectiveFrom.Format(time.DateOnly), HoldUntil: apiDateOf(current.HoldUntil), ApprovedAt: current.ApprovedAt.UTC()}
	return c.JSON(out)
}
