package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/gofiber/fiber/v2"
)

// qaProviderActionPage is an action as its provider sees it, with their responses and the
// form to respond.
type qaProviderActionPage struct {
	Page
	Action    *quality.Action
	Responses []quality.Response
	Input     quality.ResponseInput
	Version   int
	Conflict  string
}

// Statuses are what the provider may say of the action.
func (qaProviderActionPage) Statuses() []provider.Option { return quality.ResponseStatuses }

// providerAction reads an action of the organisation the session acts for. Another
// organisation's action is "not found", the same as one that does not exist.
func (s *Server) providerAction(c *fiber.Ctx) (*quality.Action, string, error) {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return nil, "", err
	}
	a, err := quality.ActionByID(c.UserContext(), s.db, c.Params("id"), s.quality.Today())
	if err != nil {
		return nil, "", err
	}
	if a.OrganisationID != orgID {
		return nil, "", apperr.New(apperr.NotFound, "Action not found")
	}
	return a, orgID, nil
}

func (s *Server) qaProviderAction(c *fiber.Ctx) error {
	a, _, err := s.providerAction(c)
	if err != nil {
		return err
	}
	return s.renderProviderAction(c, fiber.StatusOK, qaProviderActionPage{Action: a, Version: a.Version}, nil)
}

func (s *Server) renderProviderAction(c *fiber.Ctx, status int, data qaProviderActionPage, errs map[string]string) error {
	var err error
	if data.Responses, err = quality.Responses(c.UserContext(), s.db, data.Action.ID); err != nil {
		return err
	}
	data.Page = s.page(c, "Action from the visit on "+data.Action.VisitedOn.Format("2 January 2006"))
	data.Page.Back = "/provider/quality"
	data.Page.Errors = fieldErrors(quality.ResponseFieldOrder, errs)
	return render(c, status, "provider/quality/action", data)
}

// qaProviderRespond records the provider's response to its action, with evidence if a file
// was chosen; the visiting officers are emailed.
func (s *Server) qaProviderRespond(c *fiber.Ctx) error {
	a, orgID, err := s.providerAction(c)
	if err != nil {
		return err
	}
	var in quality.ResponseInput
	errs := decodeForm(c, &in)
	evidence, msg := qaEvidence(c, "evidence")
	if msg != "" {
		errs["evidence"] = msg
	}
	data := qaProviderActionPage{Action: a, Input: in, Version: formInt(c, "version")}
	if len(errs) == 0 {
		err := s.quality.Respond(c.UserContext(), orgID, a.ID, data.Version, in, evidence)
		switch {
		case err == nil:
			return s.redirectWithFlash(c, "/provider/quality/actions/"+a.ID, "Response sent. The council's officers have been emailed.")
		case apperr.Is(err, apperr.Conflict):
			data.Conflict, data.Version = apperr.MessageOf(err), a.Version
			return s.renderProviderAction(c, fiber.StatusConflict, data, nil)
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderProviderAction(c, fiber.StatusUnprocessableEntity, data, errs)
}

// qaEvidence reads the evidence file chosen with a response: nil when none was.
func qaEvidence(c *fiber.Ctx, field string) (*quality.Evidence, string) {
	u, msg := readDocument(c, field)
	if u == nil {
		return nil, msg
	}
	return &quality.Evidence{Filename: u.Name, Content: u.Content}, ""
}
