package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/gofiber/fiber/v2"
)

// qaActionPage is an officer's view of an action: its details, the provider's responses with
// their evidence, the form to change it and the form to close it.
type qaActionPage struct {
	Page
	Org       *provider.Organisation
	Action    *quality.Action
	Responses []quality.Response
	Owners    []provider.Option
	Input     quality.ActionInput
	// Version is the action's version the forms were made from.
	Version     int
	ClosingNote string
	Conflict    string
}

// Statuses are the statuses the edit form offers.
func (qaActionPage) Statuses() []provider.Option { return quality.EditableStatuses }

var qaActionFieldOrder = append(append([]string{}, quality.ActionFieldOrder...), "closing_note")

// qaAction shows an action to an officer.
func (s *Server) qaAction(c *fiber.Ctx) error {
	a, err := quality.ActionByID(c.UserContext(), s.db, c.Params("id"), s.quality.Today())
	if err != nil {
		return err
	}
	return s.renderAction(c, fiber.StatusOK, qaActionPage{Action: a, Input: quality.ActionInputOf(a), Version: a.Version}, nil)
}

func (s *Server) renderAction(c *fiber.Ctx, status int, data qaActionPage, errs map[string]string) error {
	ctx := c.UserContext()
	var err error
	if data.Org, err = provider.OrganisationByID(ctx, s.db, data.Action.OrganisationID); err != nil {
		return err
	}
	if data.Responses, err = quality.Responses(ctx, s.db, data.Action.ID); err != nil {
		return err
	}
	contacts, err := quality.Contacts(ctx, s.db, data.Org.ID)
	if err != nil {
		return err
	}
	data.Owners = ownerOptions(contacts)
	data.Page = s.page(c, "Quality assurance action")
	data.Page.Back = "/quality/visits/" + data.Action.VisitID
	data.Page.Errors = fieldErrors(qaActionFieldOrder, errs)
	return render(c, status, "quality/action", data)
}

// qaActionUpdate changes an action's details or status (reopening a closed one). A save over
// someone else's change is refused, keeping what was typed.
func (s *Server) qaActionUpdate(c *fiber.Ctx) error {
	a, err := quality.ActionByID(c.UserContext(), s.db, c.Params("id"), s.quality.Today())
	if err != nil {
		return err
	}
	var in quality.ActionInput
	errs := decodeForm(c, &in)
	data := qaActionPage{Action: a, Input: in, Version: formInt(c, "version")}
	if len(errs) == 0 {
		err := s.quality.UpdateAction(c.UserContext(), a.ID, data.Version, in)
		switch {
		case err == nil:
			return s.redirectWithFlash(c, "/quality/actions/"+a.ID, "Action changed.")
		case apperr.Is(err, apperr.Conflict):
			data.Conflict, data.Version = apperr.MessageOf(err), a.Version
			return s.renderAction(c, fiber.StatusConflict, data, nil)
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderAction(c, fiber.StatusUnprocessableEntity, data, errs)
}

// qaActionClose closes an action, with an optional note for the provider; the provider is
// emailed.
func (s *Server) qaActionClose(c *fiber.Ctx) error {
	a, err := quality.ActionByID(c.UserContext(), s.db, c.Params("id"), s.quality.Today())
	if err != nil {
		return err
	}
	var in struct {
		Note string `form:"closing_note" multiline:"true" label:"the note"`
	}
	errs := decodeForm(c, &in)
	data := qaActionPage{Action: a, Input: quality.ActionInputOf(a), Version: a.Version, ClosingNote: in.Note}
	if len(errs) == 0 {
		err := s.quality.CloseAction(c.UserContext(), a.ID, formInt(c, "version"), in.Note)
		switch {
		case err == nil:
			return s.redirectWithFlash(c, "/quality/actions/"+a.ID, "Action closed. The provider has been emailed.")
		case apperr.Is(err, apperr.Conflict):
			data.Conflict = apperr.MessageOf(err)
			return s.renderAction(c, fiber.StatusConflict, data, nil)
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderAction(c, fiber.StatusUnprocessableEntity, data, errs)
}
