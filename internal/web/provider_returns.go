package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/gofiber/fiber/v2"
)

// providerReturn reads a return of the organisation the provider acts for. Another
// organisation's return, and one of a contract still in draft, is not found.
func (s *Server) providerReturn(c *fiber.Ctx) (*contract.MonitoringReturn, error) {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return nil, err
	}
	svc := s.contracts
	r, err := contract.ReturnByID(c.UserContext(), s.db, c.Params("id"), svc.Today())
	if err != nil {
		return nil, err
	}
	if r.OrganisationID != orgID {
		return nil, apperr.New(apperr.NotFound, "Monitoring return not found")
	}
	if _, err := svc.ProviderContract(c.UserContext(), orgID, r.ContractID); err != nil {
		return nil, err
	}
	return r, nil
}

// providerReturnForm shows a return to the provider: the form while it is due, what was
// returned afterwards, and the officer's question with a box for the answer and a form for
// a correction, which starts from what was sent.
func (s *Server) providerReturnForm(c *fiber.Ctx) error {
	r, err := s.providerReturn(c)
	if err != nil {
		return err
	}
	data := returnPage{Return: r, Base: "/provider"}
	if r.Correctable() && r.Value != nil {
		data.Form = contract.ReturnForm{Value: contract.FormatNumber(*r.Value), Commentary: r.Commentary}
	}
	return s.renderReturn(c, fiber.StatusOK, data, nil)
}

// providerReturnSubmit is the provider making a return: value, commentary and evidence.
func (s *Server) providerReturnSubmit(c *fiber.Ctx) error {
	r, err := s.providerReturn(c)
	if err != nil {
		return err
	}
	var f contract.ReturnForm
	errs := decodeForm(c, &f)
	evidence, msg := contractUpload(c, "evidence")
	if msg != "" {
		errs["evidence"] = msg
	}
	data := returnPage{Return: r, Form: f, Base: "/provider"}
	if len(errs) == 0 {
		err = s.contracts.SubmitReturn(c.UserContext(), r.OrganisationID, r.ID, formInt(c, "version"), f, evidence)
		if err == nil {
			return s.redirectWithFlash(c, "/provider/returns/"+r.ID, "Return submitted. The commissioning team will review it.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderReturn(c, fiber.StatusUnprocessableEntity, data, errs)
}

// providerReturnCorrect is the provider sending a corrected revision of a queried return;
// the one it replaces stays in the return's history.
func (s *Server) providerReturnCorrect(c *fiber.Ctx) error {
	r, err := s.providerReturn(c)
	if err != nil {
		return err
	}
	var f contract.ReturnForm
	errs := decodeForm(c, &f)
	evidence, msg := contractUpload(c, "evidence")
	if msg != "" {
		errs["evidence"] = msg
	}
	if len(errs) == 0 {
		err = s.contracts.CorrectReturn(c.UserContext(), r.OrganisationID, r.ID, formInt(c, "version"), f, evidence)
		if err == nil {
			return s.redirectWithFlash(c, "/provider/returns/"+r.ID, "Correction sent. The commissioning team will review it.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderReturn(c, fiber.StatusUnprocessableEntity, returnPage{Return: r, Form: f, Base: "/provider"}, errs)
}

// providerReturnAnswer is the provider's answer to an officer's question.
func (s *Server) providerReturnAnswer(c *fiber.Ctx) error {
	r, err := s.providerReturn(c)
	if err != nil {
		return err
	}
	var f struct {
		Answer string `form:"answer" multiline:"true" label:"your answer"`
	}
	errs := decodeForm(c, &f)
	if len(errs) == 0 {
		err = s.contracts.AnswerQuery(c.UserContext(), r.OrganisationID, r.ID, formInt(c, "version"), f.Answer)
		if err == nil {
			return s.redirectWithFlash(c, "/provider/returns/"+r.ID, "Answer sent. The commissioning team will review the return again.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderReturn(c, fiber.StatusUnprocessableEntity, returnPage{Return: r, Answer: f.Answer, Base: "/provider"}, errs)
}
