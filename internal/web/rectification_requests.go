package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// rectificationStates filter the staff list.
var rectificationStates = []provider.Option{{Value: "open", Label: "Open and in progress"}, {Value: "closed", Label: "Resolved and refused"}, {Value: "all", Label: "All"}}

type rectificationStaffListPage struct {
	Page
	Requests []privacy.Correction
	State    string
	States   []provider.Option
	Pager    Pager
}

// rectificationStaffList is the work list of requests to correct personal data, for the
// data protection officer and commissioning officers: open ones oldest first.
func (s *Server) rectificationStaffList(c *fiber.Ctx) error {
	state := c.Query("status", "open")
	filter := state
	if state != "open" && state != "closed" {
		state, filter = "all", ""
	}
	pager := newPager(c, rectificationListSize)
	list, total, err := privacy.CorrectionList(c.UserContext(), s.db, privacy.CorrectionFilter{State: filter, Limit: pager.Size, Offset: pager.Offset()})
	if err != nil {
		return err
	}
	pager.Total = total
	return render(c, fiber.StatusOK, "rectification_requests/list", rectificationStaffListPage{Page: s.page(c, "Correction requests"),
		Requests: list, State: state, States: rectificationStates, Pager: pager})
}

type rectificationStaffPage struct {
	Page
	Request *privacy.Correction
	Status  string
	Outcome string
	Options []provider.Option
	// Own says the person looking made the request: a colleague decides it.
	Own bool
}

// rectificationDecisionOptions are what staff can do with an open request.
var rectificationDecisionOptions = []provider.Option{
	{Value: privacy.CorrectionInProgress, Label: "We are looking into it"},
	{Value: privacy.CorrectionResolved, Label: "Corrected: close it and tell them what we did"},
	{Value: privacy.CorrectionRefused, Label: "Not corrected: close it and tell them why"},
}

func (s *Server) rectificationStaffShow(c *fiber.Ctx) error {
	return s.renderRectificationStaff(c, fiber.StatusOK, rectificationStaffPage{}, nil)
}

func (s *Server) renderRectificationStaff(c *fiber.Ctx, status int, data rectificationStaffPage, errs map[string]string) error {
	r, err := privacy.CorrectionByID(c.UserContext(), s.db, c.Params("id"))
	if err != nil {
		return err
	}
	data.Request, data.Options = r, rectificationDecisionOptions
	data.Own = r.RequestedBy != nil && *r.RequestedBy == userOf(c).ID
	data.Page = s.page(c, "Correction request "+r.Reference)
	data.Page.Back = "/rectification-requests"
	data.Page.Errors = fieldErrors([]string{"status", "outcome"}, errs)
	return render(c, status, "rectification_requests/show", data)
}

// rectificationDecide moves a request on; closing it emails the requester the outcome.
func (s *Server) rectificationDecide(c *fiber.Ctx) error {
	var in struct {
		Status  string `form:"status" label:"what is happening"`
		Outcome string `form:"outcome" multiline:"true" label:"the outcome"`
	}
	errs := decodeForm(c, &in)
	data := rectificationStaffPage{Status: in.Status, Outcome: in.Outcome}
	if len(errs) == 0 {
		u := userOf(c)
		r, err := s.corrections().Decide(c.UserContext(), c.Params("id"), privacy.CorrectionDecision{Status: in.Status, Outcome: in.Outcome,
			Version: formInt(c, "version"), HandlerID: u.ID, Handler: u.Name})
		if err == nil {
			msg := "Request " + r.Reference + " is in progress."
			if r.Closed() {
				msg = "Request " + r.Reference + " closed. The requester has been emailed the outcome."
			}
			return s.redirectWithFlash(c, "/rectification-requests/"+r.ID, msg)
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderRectificationStaff(c, fiber.StatusUnprocessableEntity, data, errs)
}
