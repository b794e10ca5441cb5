package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/retention"
	"github.com/gofiber/fiber/v2"
)

// holdKinds are what a hold may be placed on.
var holdKinds = []provider.Option{
	{Value: retention.HoldOrganisation, Label: "A provider"},
	{Value: retention.HoldContract, Label: "A contract"},
}

type holdForm struct {
	ObjectType string `form:"object_type" label:"what is held"`
	Reference  string `form:"reference" label:"the reference"`
	Reason     string `form:"reason" label:"the reason" multiline:"true"`
}

type retentionHoldsPage struct {
	Page
	Holds []retention.Hold
	Pager Pager
	Form  holdForm
	Kinds []provider.Option
	// Release is the hold whose release form failed, with its message.
	ReleaseID, ReleaseReason string
}

func (s *Server) renderRetentionHolds(c *fiber.Ctx, status int, data retentionHoldsPage, errs map[string]string) error {
	data.Pager = newPager(c, 25)
	holds, total, err := s.retention.Holds(c.UserContext(), s.db, data.Pager.Size, data.Pager.Offset())
	if err != nil {
		return err
	}
	data.Holds, data.Pager.Total, data.Kinds = holds, total, holdKinds
	data.Page = s.page(c, "Legal holds")
	data.Page.Back = "/dpo/retention"
	data.Page.Errors = fieldErrors([]string{"object_type", "reference", "reason", "release_reason"}, errs)
	return render(c, status, "dpo/retention/holds", data)
}

// retentionHolds lists legal holds, active first, with the form to place one. A provider's
// supplier reference may be given in ?reference= to fill the form from its page.
func (s *Server) retentionHolds(c *fiber.Ctx) error {
	data := retentionHoldsPage{}
	if ref := c.Query("reference"); len(ref) <= 100 {
		data.Form = holdForm{ObjectType: retention.HoldOrganisation, Reference: ref}
	}
	return s.renderRetentionHolds(c, fiber.StatusOK, data, nil)
}

// retentionHoldPlace puts a provider or a contract under legal hold.
func (s *Server) retentionHoldPlace(c *fiber.Ctx) error {
	var in holdForm
	errs := decodeForm(c, &in)
	if len(errs) == 0 {
		h, err := s.retention.PlaceHold(c.UserContext(), in.ObjectType, in.Reference, in.Reason)
		if err == nil {
			return s.redirectWithFlash(c, "/dpo/retention/holds", h.Label+" is under a legal hold: nothing of it will be destroyed until the hold is released.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderRetentionHolds(c, fiber.StatusUnprocessableEntity, retentionHoldsPage{Form: in}, errs)
}

// retentionHoldRelease ends a hold, with the reason.
func (s *Server) retentionHoldRelease(c *fiber.Ctx) error {
	var in struct {
		Reason string `form:"release_reason" label:"the reason" multiline:"true"`
	}
	errs := decodeForm(c, &in)
	if len(errs) == 0 {
		err := s.retention.ReleaseHold(c.UserContext(), c.Params("id"), in.Reason)
		if err == nil {
			return s.redirectWithFlash(c, "/dpo/retention/holds", "The hold is released. The next sweep may propose what it protected for destruction.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderRetentionHolds(c, fiber.StatusUnprocessableEntity, retentionHoldsPage{ReleaseID: c.Params("id"), ReleaseReason: in.Reason}, errs)
}
