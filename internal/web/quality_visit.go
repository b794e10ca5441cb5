package web

import (
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/gofiber/fiber/v2"
)

// qaVisitPage is a visit with its actions and the form to add one.
type qaVisitPage struct {
	Page
	Org     *provider.Organisation
	Visit   *quality.Visit
	Actions []quality.Action
	Pager   namedPager
	// Owners are the choices of who owns a new action: the provider's contacts, then someone else.
	Owners []provider.Option
	Input  quality.ActionInput
}

// ownerOptions are the provider's contacts as owner choices, and "someone else".
func ownerOptions(contacts []quality.Contact) []provider.Option {
	if len(contacts) == 0 {
		return nil
	}
	var out []provider.Option
	for _, ct := range contacts {
		label := ct.Name
		if ct.Role != "" {
			label += ", " + ct.Role
		}
		out = append(out, provider.Option{Value: ct.Email, Label: label})
	}
	return append(out, provider.Option{Value: quality.OwnerOther, Label: "Someone else"})
}

// qaVisit shows a visit to an officer.
func (s *Server) qaVisit(c *fiber.Ctx) error {
	return s.renderVisit(c, fiber.StatusOK, quality.ActionInput{}, nil)
}

func (s *Server) renderVisit(c *fiber.Ctx, status int, in quality.ActionInput, errs map[string]string) error {
	v, org, err := s.visitAndOrg(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	data := qaVisitPage{Page: s.page(c, "Visit on "+v.VisitedOn.Format("2 January 2006")), Org: org, Visit: v, Input: in,
		Pager: newNamedPager(c, "page", 20)}
	data.Page.Back = "/quality/providers/" + org.ID
	data.Page.Errors = fieldErrors(quality.ActionFieldOrder, errs)
	if data.Actions, data.Pager.Total, err = quality.Actions(ctx, s.db, quality.ActionFilter{VisitID: v.ID, Limit: data.Pager.Size,
		Offset: data.Pager.Offset()}, s.quality.Today()); err != nil {
		return err
	}
	contacts, err := quality.Contacts(ctx, s.db, org.ID)
	if err != nil {
		return err
	}
	data.Owners = ownerOptions(contacts)
	return render(c, status, "quality/visit", data)
}
