package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// financeChangePage is a request with what the officer looking at it may do: record a call
// (not the requester), approve (neither the requester nor the verifier), reject (not the
// requester), or see the requested details in full.
type financeChangePage struct {
	Page
	Change         *finance.Change
	Org            *provider.Organisation
	Calls          []finance.Call
	ContactOptions []provider.Option
	OutcomeOptions []provider.Option
	IsRequester    bool
	IsVerifier     bool
	SteppedUp      bool
	// The forms' values, kept when one comes back with a message.
	Call            finance.CallInput
	EffectiveFrom   form.DateInput
	RejectionReason string
	RevealReason    string
	// Flags are signs of mandate fraud to check before verifying: the account or a phone
	// number on file shared with another supplier.
	Flags []finance.FraudFlag
}

var outcomeOptions = []provider.Option{
	{Value: string(finance.OutcomeConfirmed), Label: "They confirmed they asked for this change"},
	{Value: string(finance.OutcomeDenied), Label: "They said they did not ask for it (the request is rejected as suspected fraud)"},
	{Value: string(finance.OutcomeNoAnswer), Label: "No answer, or they could not confirm it (the request keeps waiting)"},
}

// changeFieldOrder is the order of the page's fields for the error summary.
var changeFieldOrder = []string{"number_used", "outcome", "notes", "effective_from", "approve", "rejection_reason", "reason"}

func (s *Server) financeChange(c *fiber.Ctx) error {
	today := s.finance.Today()
	return s.renderFinanceChange(c, fiber.StatusOK, financeChangePage{EffectiveFrom: form.DateInputOf(&today), RevealReason: c.Query("reason")}, nil)
}

// renderFinanceChange shows a request, with data carrying any values typed into its forms.
func (s *Server) renderFinanceChange(c *fiber.Ctx, status int, data financeChangePage, errs map[string]string) error {
	ctx := c.UserContext()
	ch, err := finance.ChangeByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	if data.Org, err = provider.OrganisationByID(ctx, s.db, ch.OrganisationID); err != nil {
		return err
	}
	if data.Calls, err = finance.Calls(ctx, s.db, ch.ID); err != nil {
		return err
	}
	contacts, err := finance.ContactsOnFile(ctx, s.db, ch.OrganisationID)
	if err != nil {
		return err
	}
	data.ContactOptions = nil
	for _, ct := range contacts {
		data.ContactOptions = append(data.ContactOptions, provider.Option{Value: ct.Phone, Label: ct.Name + " (" + ct.Role + "): " + ct.Phone})
	}
	flags, err := finance.FraudFlags(ctx, s.db, []string{ch.OrganisationID})
	if err != nil {
		return err
	}
	data.Flags = flags[ch.OrganisationID]
	u := userOf(c)
	data.Change, data.OutcomeOptions, data.SteppedUp = ch, outcomeOptions, steppedUp(c)
	data.IsRequester, data.IsVerifier = ch.Requested(u.ID), ch.Verified(u.ID)
	data.Page = s.page(c, ch.Kind.Label()+": "+ch.OrganisationName)
	data.Page.Back = "/finance"
	data.Page.Errors = fieldErrors(changeFieldOrder, errs)
	return render(c, status, "finance/change", data)
}

// renderChangeOutcome shows the request again after a refused action: field messages and
// segregation refusals on the page, with the status they deserve; anything else to the
// error page.
func (s *Server) renderChangeOutcome(c *fiber.Ctx, data financeChangePage, err error, field string) error {
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.renderFinanceChange(c, fiber.StatusUnprocessableEntity, data, fields)
	}
	if apperr.Is(err, apperr.Forbidden) {
		return s.renderFinanceChange(c, fiber.StatusForbidden, data, map[string]string{field: apperr.MessageOf(err)})
	}
	return err
}
