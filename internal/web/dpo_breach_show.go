package web

import (
	"strconv"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// breachPage is a breach with its deadline, who was told, and the forms that move it on:
// the assessment and decision, the report to the ICO, who was told, and closing it. A form
// that fails comes back on this page with what was typed and its messages.
type breachPage struct {
	Page
	Breach        *privacy.Breach
	Due           privacy.Deadline
	Notifications []privacy.BreachNotification
	Assessment    privacy.BreachAssessment
	Report        privacy.BreachReport
	Notification  privacy.NotificationInput
	Risks         []provider.Option
	Decisions     []provider.Option
	Audiences     []provider.Option
	PeopleCount   string
}

// loadBreachPage reads the breach and fills the forms from it.
func (s *Server) loadBreachPage(c *fiber.Ctx) (breachPage, error) {
	ctx := c.UserContext()
	b, err := privacy.BreachByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return breachPage{}, err
	}
	notes, err := privacy.Notifications(ctx, s.db, b.ID)
	if err != nil {
		return breachPage{}, err
	}
	data := breachPage{Breach: b, Due: b.Deadline(s.clock()), Notifications: notes,
		Risks: registerRadioOptions(privacy.BreachRisks), Decisions: registerRadioOptions(privacy.BreachDecisions),
		Audiences:  registerRadioOptions(privacy.NotificationAudiences),
		Assessment: privacy.BreachAssessment{Risk: b.Risk, RiskAssessment: b.RiskAssessment, Decision: b.Decision, DecisionReason: b.DecisionReason}}
	if b.PeopleAffected != nil {
		data.PeopleCount = strconv.Itoa(*b.PeopleAffected)
	}
	if b.ReportedAt != nil {
		at := privacy.InUK(*b.ReportedAt)
		data.Report = privacy.BreachReport{ReportedOn: form.DateInputOf(&at), ReportedTime: at.Format("15:04"), ICOReference: b.ICOReference}
	}
	return data, nil
}

// UK writes an instant in UK time, as the breach's times were typed.
func (breachPage) UK(t any) string {
	switch v := t.(type) {
	case time.Time:
		return privacy.FormatUK(v)
	case *time.Time:
		if v != nil {
			return privacy.FormatUK(*v)
		}
	}
	return ""
}

func (s *Server) renderBreach(c *fiber.Ctx, status int, data breachPage, order []string, errs map[string]string) error {
	data.Page = s.page(c, "Breach "+data.Breach.Reference)
	data.Page.Back = "/dpo/breaches"
	data.Page.Errors = fieldErrors(order, errs)
	return render(c, status, "dpo/breaches/show", data)
}

// breachShow is one breach of the register.
func (s *Server) breachShow(c *fiber.Ctx) error {
	data, err := s.loadBreachPage(c)
	if err != nil {
		return err
	}
	return s.renderBreach(c, fiber.StatusOK, data, nil, nil)
}

// breachFormResult finishes a breach form: on success back to the breach with a message; on
// a validation failure the page again, 422, with the form as typed.
func (s *Server) breachFormResult(c *fiber.Ctx, err error, flash string, order []string, errs map[string]string, keep func(*breachPage)) error {
	if len(errs) == 0 {
		if err == nil {
			return s.redirectWithFlash(c, "/dpo/breaches/"+c.Params("id"), flash)
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	data, lerr := s.loadBreachPage(c)
	if lerr != nil {
		return lerr
	}
	keep(&data)
	return s.renderBreach(c, fiber.StatusUnprocessableEntity, data, order, errs)
}
