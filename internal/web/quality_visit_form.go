package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/gofiber/fiber/v2"
)

// qaVisitFormPage records a new visit or changes one.
type qaVisitFormPage struct {
	Page
	Org   *provider.Organisation
	Visit *quality.Visit // nil for a new visit
	Input quality.VisitInput
	// Version is the visit's version the form was made from (0 for a new visit).
	Version  int
	Officers []provider.Option
	Action   string
	Conflict string
}

// Areas, Grades and Types are the visit form's choices.
func (qaVisitFormPage) Areas() []provider.Option  { return quality.Areas }
func (qaVisitFormPage) Grades() []provider.Option { return quality.Grades }
func (qaVisitFormPage) Types() []provider.Option  { return quality.VisitTypes }

func (s *Server) renderVisitForm(c *fiber.Ctx, status int, data qaVisitFormPage, errs map[string]string) error {
	officers, err := quality.Officers(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	for _, o := range officers {
		data.Officers = append(data.Officers, provider.Option{Value: o.ID, Label: o.Name + " (" + o.Email + ")"})
	}
	title := "Record a quality assurance visit"
	data.Action = "/quality/providers/" + data.Org.ID + "/visits"
	data.Page = s.page(c, title)
	data.Page.Back = "/quality/providers/" + data.Org.ID
	if data.Visit != nil {
		data.Page.Title = "Change the visit"
		data.Action = "/quality/visits/" + data.Visit.ID
		data.Page.Back = data.Action
	}
	data.Page.Errors = fieldErrors(quality.VisitFieldOrder, errs)
	return render(c, status, "quality/visit_form", data)
}

// qaVisitNewForm asks for a visit's details. The officer filling it in is ticked as one of
// the visiting officers to start with.
func (s *Server) qaVisitNewForm(c *fiber.Ctx) error {
	org, err := provider.OrganisationByID(c.UserContext(), s.db, c.Params("id"))
	if err != nil {
		return err
	}
	return s.renderVisitForm(c, fiber.StatusOK, qaVisitFormPage{Org: org, Input: quality.VisitInput{Officers: []string{userOf(c).ID}}}, nil)
}

func (s *Server) qaVisitCreate(c *fiber.Ctx) error {
	org, err := provider.OrganisationByID(c.UserContext(), s.db, c.Params("id"))
	if err != nil {
		return err
	}
	var in quality.VisitInput
	errs := decodeForm(c, &in)
	if len(errs) == 0 {
		id, err := s.quality.RecordVisit(c.UserContext(), org.ID, in)
		if err == nil {
			return s.redirectWithFlash(c, "/quality/visits/"+id, "Visit recorded. Add any actions arising from it below.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderVisitForm(c, fiber.StatusUnprocessableEntity, qaVisitFormPage{Org: org, Input: in}, errs)
}

// visitAndOrg reads the visit named in the URL and its provider.
func (s *Server) visitAndOrg(c *fiber.Ctx) (*quality.Visit, *provider.Organisation, error) {
	ctx := c.UserContext()
	v, err := quality.VisitByID(ctx, s.db, c.Params("id"), s.quality.Today())
	if err != nil {
		return nil, nil, err
	}
	org, err := provider.OrganisationByID(ctx, s.db, v.OrganisationID)
	return v, org, err
}

func (s *Server) qaVisitEditForm(c *fiber.Ctx) error {
	v, org, err := s.visitAndOrg(c)
	if err != nil {
		return err
	}
	return s.renderVisitForm(c, fiber.StatusOK, qaVisitFormPage{Org: org, Visit: v, Input: quality.VisitInputOf(v), Version: v.Version}, nil)
}

// qaVisitUpdate saves a changed visit. A save over someone else's change is refused with
// what was typed kept: the form then carries the latest version, so saving again is a
// decision made having seen the warning.
func (s *Server) qaVisitUpdate(c *fiber.Ctx) error {
	v, org, err := s.visitAndOrg(c)
	if err != nil {
		return err
	}
	var in quality.VisitInput
	errs := decodeForm(c, &in)
	data := qaVisitFormPage{Org: org, Visit: v, Input: in, Version: formInt(c, "version")}
	if len(errs) == 0 {
		err := s.quality.UpdateVisit(c.UserContext(), v.ID, data.Version, in)
		switch {
		case err == nil:
			return s.redirectWithFlash(c, "/quality/visits/"+v.ID, "Visit changed.")
		case apperr.Is(err, apperr.Conflict):
			data.Conflict, data.Version = apperr.MessageOf(err), v.Version
			return s.renderVisitForm(c, fiber.StatusConflict, data, nil)
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderVisitForm(c, fiber.StatusUnprocessableEntity, data, errs)
}
