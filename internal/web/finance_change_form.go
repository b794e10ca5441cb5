package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// changeFormPage is the form asking for new bank details: the provider's own, or a finance
// officer's keying in of a letter.
type changeFormPage struct {
	Page
	Org      *provider.Organisation
	Action   string
	ForStaff bool
	Req      finance.ChangeRequest
}

var changeFormOrder = []string{"account_name", "sort_code", "account_number", "roll_number", "remittance_email", "reason", "evidence"}

func (s *Server) renderChangeForm(c *fiber.Ctx, status int, data changeFormPage, errs map[string]string) error {
	title := "Change your bank details"
	if data.ForStaff {
		title = "Record a change of bank details"
	}
	data.Page = s.page(c, title)
	data.Page.Back = "/provider/bank-details"
	if data.ForStaff {
		data.Page.Back = "/finance/providers/" + data.Org.ID
	}
	data.Page.Errors = fieldErrors(changeFormOrder, errs)
	return render(c, status, "finance/change_form", data)
}

// restoreChangeRequest fills the form with what was typed into it before the session timed
// out, when the person comes back to it (restoredForm); the evidence file was not kept.
func (s *Server) restoreChangeRequest(c *fiber.Ctx, data *changeFormPage) error {
	f, err := s.restoredForm(c)
	if err != nil || f == nil {
		return err
	}
	_ = form.Decode(f.Get, &data.Req)
	data.Req.Evidence = nil
	return nil
}

// readChangeRequest decodes the form and its evidence file, and returns every message at
// once: the form's own checks as well as the service's.
func (s *Server) readChangeRequest(c *fiber.Ctx) (finance.ChangeRequest, map[string]string) {
	var req finance.ChangeRequest
	errs := decodeForm(c, &req)
	ev, msg := changeEvidence(c, "evidence")
	req.Evidence = ev
	if msg != "" {
		errs["evidence"] = msg
	}
	if len(errs) > 0 {
		check := req
		_, more := check.Validate(s.finance.Modulus)
		for k, v := range more {
			if _, ok := errs[k]; !ok {
				errs[k] = v
			}
		}
	}
	return req, errs
}

// changeEvidence reads the evidence chosen with a change request: nil when none was.
// Its type is checked by the finance service, with the rest of the request.
func changeEvidence(c *fiber.Ctx, field string) (*finance.Evidence, string) {
	u, msg := readUpload(c, field, document.MaxSize)
	if u == nil {
		return nil, msg
	}
	return &finance.Evidence{Filename: u.Name, Content: u.Content}, ""
}

// submitChangeRequest asks the service for the change and answers the form: field messages
// come back on the form (422).
func (s *Server) submitChangeRequest(c *fiber.Ctx, data changeFormPage) (*finance.Change, error) {
	req, errs := s.readChangeRequest(c)
	data.Req = req
	data.Req.Evidence = nil
	if len(errs) > 0 {
		return nil, s.renderChangeForm(c, fiber.StatusUnprocessableEntity, data, errs)
	}
	ch, err := s.finance.RequestChange(c.UserContext(), data.Org.ID, req)
	if fields := apperr.FieldsOf(err); fields != nil {
		return nil, s.renderChangeForm(c, fiber.StatusUnprocessableEntity, data, fields)
	}
	return ch, err
}

// financeChangeNewForm lets a finance officer key in a change received by letter. They become
// its requester, so two other officers verify and approve it.
func (s *Server) financeChangeNewForm(c *fiber.Ctx) error {
	org, err := provider.OrganisationByID(c.UserContext(), s.db, c.Params("id"))
	if err != nil {
		return err
	}
	data := changeFormPage{Org: org, ForStaff: true, Action: "/finance/providers/" + org.ID + "/changes"}
	if err := s.restoreChangeRequest(c, &data); err != nil {
		return err
	}
	return s.renderChangeForm(c, fiber.StatusOK, data, nil)
}

func (s *Server) financeChangeCreate(c *fiber.Ctx) error {
	org, err := provider.OrganisationByID(c.UserContext(), s.db, c.Params("id"))
	if err != nil {
		return err
	}
	ch, err := s.submitChangeRequest(c, changeFormPage{Org: org, ForStaff: true, Action: "/finance/providers/" + org.ID + "/changes"})
	if err != nil || ch == nil {
		return err
	}
	return s.redirectWithFlash(c, "/finance/changes/"+ch.ID, "Change recorded. Another finance officer must now verify it by phone.")
}
