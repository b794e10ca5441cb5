package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/gofiber/fiber/v2"
)

// returnRecord is an officer keying in a return the provider sent another way.
func (s *Server) returnRecord(c *fiber.Ctx) error {
	r, err := s.officerReturn(c)
	if err != nil {
		return err
	}
	var f contract.ReturnForm
	errs := decodeForm(c, &f)
	evidence, msg := contractUpload(c, "evidence")
	if msg != "" {
		errs["evidence"] = msg
	}
	data := returnPage{Return: r, Form: f, ForOfficer: true}
	if len(errs) == 0 {
		err = s.contracts.RecordReturn(c.UserContext(), r.ID, formInt(c, "version"), f, evidence)
		if err == nil {
			return s.redirectWithFlash(c, "/returns/"+r.ID, "Return recorded and accepted.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderReturn(c, fiber.StatusUnprocessableEntity, data, errs)
}

// returnAccept accepts a submitted or answered return.
func (s *Server) returnAccept(c *fiber.Ctx) error {
	r, err := s.officerReturn(c)
	if err != nil {
		return err
	}
	if err := s.contracts.AcceptReturn(c.UserContext(), r.ID, formInt(c, "version")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/returns/"+r.ID, "Return accepted.")
}

// returnQuery asks the provider a question about a return; they are emailed.
func (s *Server) returnQuery(c *fiber.Ctx) error {
	r, err := s.officerReturn(c)
	if err != nil {
		return err
	}
	var f struct {
		Question string `form:"question" multiline:"true" label:"your question"`
	}
	errs := decodeForm(c, &f)
	if len(errs) == 0 {
		err = s.contracts.QueryReturn(c.UserContext(), r.ID, formInt(c, "version"), f.Question)
		if err == nil {
			return s.redirectWithFlash(c, "/returns/"+r.ID, "Question sent to "+r.ProviderName+".")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderReturn(c, fiber.StatusUnprocessableEntity, returnPage{Return: r, Question: f.Question, ForOfficer: true}, errs)
}
