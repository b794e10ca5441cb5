package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/gofiber/fiber/v2"
)

// rectificationListSize is how many requests one page lists.
const rectificationListSize = 25

// rectificationFields are the request form's fields in page order.
var rectificationFields = []string{"location", "what_is_wrong", "should_say"}

type rectificationListPage struct {
	Page
	Requests []privacy.Correction
	Pager    Pager
	// Provider says the person can correct their organisation's supplier record themselves.
	Provider bool
}

// rectificationList shows a signed-in person (a provider user or a member of staff) the
// requests to correct their information that they made, newest first, and how to make one.
// Nobody else's requests are listed.
func (s *Server) rectificationList(c *fiber.Ctx) error {
	pager := newPager(c, rectificationListSize)
	list, total, err := privacy.CorrectionList(c.UserContext(), s.db, privacy.CorrectionFilter{
		RequestedBy: userOf(c).ID, Limit: pager.Size, Offset: pager.Offset()})
	if err != nil {
		return err
	}
	pager.Total = total
	return render(c, fiber.StatusOK, "rectification/list", rectificationListPage{Page: s.page(c, "Correct information we hold about you"), Requests: list, Pager: pager,
		Provider: userOf(c).Has(auth.RoleProvider)})
}

type rectificationFormPage struct {
	Page
	In       rectificationForm
	Provider bool
}

type rectificationForm struct {
	Location    string `form:"location" multiline:"true" label:"where the information appears"`
	WhatIsWrong string `form:"what_is_wrong" multiline:"true" label:"what is wrong"`
	ShouldSay   string `form:"should_say" multiline:"true" label:"what it should say"`
}

func (s *Server) rectificationNewForm(c *fiber.Ctx) error {
	return s.renderRectificationForm(c, fiber.StatusOK, rectificationForm{}, nil)
}

func (s *Server) renderRectificationForm(c *fiber.Ctx, status int, in rectificationForm, errs map[string]string) error {
	p := s.page(c, "Ask us to correct your information")
	p.Back = "/rectification"
	p.Errors = fieldErrors(rectificationFields, errs)
	return render(c, status, "rectification/new", rectificationFormPage{Page: p, In: in, Provider: userOf(c).Has(auth.RoleProvider)})
}

// rectificationCreate records the request against the user and the organisation they act
// for (if any; a correction to their own account needs none).
func (s *Server) rectificationCreate(c *fiber.Ctx) error {
	var in rectificationForm
	errs := decodeForm(c, &in)
	if len(errs) == 0 {
		orgID, err := s.currentOrgID(c)
		if apperr.Is(err, apperr.Forbidden) {
			orgID, err = "", nil
		}
		if err != nil {
			return err
		}
		u := userOf(c)
		r, err := s.corrections().Request(c.UserContext(), privacy.Requester{UserID: u.ID, Name: u.Name, Email: u.Email, OrganisationID: orgID},
			privacy.CorrectionInput{Location: in.Location, WhatIsWrong: in.WhatIsWrong, ShouldSay: in.ShouldSay})
		if err == nil {
			return s.redirectWithFlash(c, "/rectification/"+r.ID, "Request sent. Your reference is "+r.Reference+".")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderRectificationForm(c, fiber.StatusUnprocessableEntity, in, errs)
}

type rectificationShowPage struct {
	Page
	Request *privacy.Correction
}

// rectificationShow shows one of the user's own requests; another's is not found.
func (s *Server) rectificationShow(c *fiber.Ctx) error {
	r, err := privacy.CorrectionForUser(c.UserContext(), s.db, c.Params("id"), userOf(c).ID)
	if err != nil {
		return err
	}
	p := s.page(c, "Your request "+r.Reference)
	p.Back = "/rectification"
	return render(c, fiber.StatusOK, "rectification/show", rectificationShowPage{Page: p, Request: r})
}

// corrections is the service for requests to correct personal data.
func (s *Server) corrections() *privacy.Corrections {
	base := ""
	if s.cfg.BaseURL != nil {
		base = s.cfg.BaseURL.String()
	}
	return &privacy.Corrections{DB: s.db, CouncilName: s.cfg.Council.Name, BaseURL: base}
}
