package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// assessmentFormPage is the contract performance assessment: each KPI's proposed rating
// with the accepted values it comes from, for the officer to confirm or change.
type assessmentFormPage struct {
	Page
	Contract *contract.Contract
	Proposal *contract.Proposal
	Form     contract.AssessmentForm
	Kinds    []provider.Option
	Ratings  []provider.Option
}

// Rating is the rating chosen for the proposal's KPI i on the form.
func (p assessmentFormPage) Rating(i int) string {
	if i < len(p.Form.KPIs) && p.Form.KPIs[i].KPIID == p.Proposal.KPIs[i].KPIID {
		return p.Form.KPIs[i].Rating
	}
	return ""
}

func (s *Server) renderAssessmentForm(c *fiber.Ctx, status int, data assessmentFormPage, errs map[string]string) error {
	data.Page = s.page(c, "Assess performance")
	data.Page.Back = "/contracts/" + data.Contract.ID + "#assessments"
	data.Page.Errors = fieldErrors(contract.AssessmentFormOrder, errs)
	data.Kinds, data.Ratings = contract.AssessmentKinds, contract.Ratings
	return render(c, status, "contracts/assessment_form", data)
}

// contractAssessmentForm proposes the contract's next assessment from its accepted returns.
func (s *Server) contractAssessmentForm(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ct, err := s.contracts.Contract(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	p, err := s.contracts.ProposeAssessment(ctx, ct.ID)
	if err != nil {
		return err
	}
	return s.renderAssessmentForm(c, fiber.StatusOK, assessmentFormPage{Contract: ct, Proposal: p, Form: contract.AssessmentFormOf(p)}, nil)
}

// contractAssessmentConfirm records the officer's assessment. A proposal overtaken while
// the officer read it (a return accepted, another assessment) comes back with the new
// proposal and the officer's choices kept, to check and confirm again.
func (s *Server) contractAssessmentConfirm(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ct, err := s.contracts.Contract(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	var f contract.AssessmentForm
	errs := decodeForm(c, &f)
	status := fiber.StatusUnprocessableEntity
	if len(errs) == 0 {
		_, err := s.contracts.ConfirmAssessment(ctx, ct.ID, f)
		if err == nil {
			return s.redirectWithFlash(c, "/contracts/"+ct.ID+"#assessments", "Performance assessment confirmed.")
		}
		switch {
		case apperr.Is(err, apperr.Conflict):
			status, errs = fiber.StatusConflict, map[string]string{"kind": apperr.MessageOf(err)}
		default:
			if errs = apperr.FieldsOf(err); errs == nil {
				return err
			}
		}
	}
	p, err := s.contracts.ProposeAssessment(ctx, ct.ID)
	if err != nil {
		return err
	}
	f.Basis = p.Basis()
	return s.renderAssessmentForm(c, status, assessmentFormPage{Contract: ct, Proposal: p, Form: f}, errs)
}
