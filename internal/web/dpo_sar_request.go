package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/privacy/subject"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// sarRequestPage is one request: its details and deadline, its extensions and what was
// disclosed, and the forms to search for the person, extend the deadline and close it.
type sarRequestPage struct {
	Page
	Request     *subject.Request
	Deadline    sarDeadline
	Extensions  []subject.Extension
	Disclosures []subject.Disclosure
	// Search holds the search form's values: the requester's details to begin with, what
	// was typed once searched (searched is then true, even if all were left empty).
	Search   subject.Criteria
	searched bool
	// The extension and closing forms' values, kept when they are refused.
	ExtendMonths   string
	ExtendReason   string
	MonthOptions   []provider.Option
	CloseOutcome   string
	CloseNotes     string
	ClosedOn       form.DateInput
	OutcomeOptions []provider.Option
}

// sarRequestFields are the page's fields in page order, for the error summary.
var sarRequestFields = []string{"search_email", "search_name", "search_phone", "extend_months", "extend_reason", "close_outcome", "close_notes", "closed_on"}

func (s *Server) sarRequest(c *fiber.Ctx) error {
	return s.renderSARRequest(c, fiber.StatusOK, sarRequestPage{}, nil)
}

// renderSARRequest draws the request page with data's form values (or the defaults) and errs.
func (s *Server) renderSARRequest(c *fiber.Ctx, status int, data sarRequestPage, errs map[string]string) error {
	ctx := c.UserContext()
	r, err := subject.ByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	today, err := subject.Today(ctx, s.db)
	if err != nil {
		return err
	}
	if data.Extensions, err = subject.Extensions(ctx, s.db, r.ID); err != nil {
		return err
	}
	if data.Disclosures, err = subject.Disclosures(ctx, s.db, r.ID); err != nil {
		return err
	}
	data.Request, data.Deadline = r, deadlineOf(*r, today)
	if !data.searched {
		data.Search = subject.Criteria{Email: r.RequesterEmail, Name: r.RequesterName, Phone: r.RequesterPhone}
	}
	for m := 1; m <= r.ExtensionLeft(); m++ {
		label := "1 month"
		if m == 2 {
			label = "2 months"
		}
		data.MonthOptions = append(data.MonthOptions, provider.Option{Value: []string{"", "1", "2"}[m], Label: label})
	}
	data.OutcomeOptions = subject.Outcomes
	if data.ClosedOn.IsEmpty() && status == fiber.StatusOK {
		data.ClosedOn = form.DateInputOf(&today)
	}
	data.Page = s.page(c, "Subject access request "+r.Reference)
	data.Page.Back = "/dpo/sar"
	data.Page.Errors = fieldErrors(sarRequestFields, errs)
	return render(c, status, "dpo/sar/show", data)
}

// sarExtend extends the deadline, with the reason.
func (s *Server) sarExtend(c *fiber.Ctx) error {
	var in struct {
		Months string `form:"extend_months" label:"the extension"`
		Reason string `form:"extend_reason" multiline:"true" label:"the reason"`
	}
	errs := decodeForm(c, &in)
	data := sarRequestPage{ExtendMonths: in.Months, ExtendReason: in.Reason}
	if len(errs) == 0 {
		months := map[string]int{"1": 1, "2": 2}[in.Months]
		u := userOf(c)
		r, err := subject.Extend(c.UserContext(), s.db, c.Params("id"), months, in.Reason, formInt(c, "version"), subject.Staff{ID: u.ID, Name: u.Name})
		if err == nil {
			return s.redirectWithFlash(c, "/dpo/sar/"+r.ID, "Deadline extended to "+r.DueOn.Format("2 January 2006")+". Tell the requester why.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderSARRequest(c, fiber.StatusUnprocessableEntity, data, errs)
}

// sarClose closes the request with its outcome.
func (s *Server) sarClose(c *fiber.Ctx) error {
	var in struct {
		Outcome  string         `form:"close_outcome" label:"the outcome"`
		Notes    string         `form:"close_notes" multiline:"true" label:"the notes"`
		ClosedOn form.DateInput `form:"closed_on" label:"the date the request was closed"`
	}
	errs := decodeForm(c, &in)
	data := sarRequestPage{CloseOutcome: in.Outcome, CloseNotes: in.Notes, ClosedOn: in.ClosedOn}
	closing := subject.Closing{Outcome: in.Outcome, Notes: in.Notes}
	if _, bad := errs["closed_on"]; !bad && !in.ClosedOn.IsEmpty() {
		var msg string
		if closing.ClosedOn, msg = in.ClosedOn.Time("the date the request was closed"); msg != "" {
			errs["closed_on"] = msg
		}
	}
	if len(errs) == 0 {
		u := userOf(c)
		r, err := subject.Close(c.UserContext(), s.db, c.Params("id"), closing, formInt(c, "version"), subject.Staff{ID: u.ID, Name: u.Name})
		if err == nil {
			return s.redirectWithFlash(c, "/dpo/sar/"+r.ID, "Request "+r.Reference+" closed.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderSARRequest(c, fiber.StatusUnprocessableEntity, data, errs)
}
