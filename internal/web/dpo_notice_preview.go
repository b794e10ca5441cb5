package web

import (
	"fmt"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/gofiber/fiber/v2"
)

// dpoNoticePage shows one version of the notice exactly as providers see it (the same
// partial, the same rendering with the council's details), with what the officer can do
// with it: edit and publish a draft, or see who acknowledged a published version.
type dpoNoticePage struct {
	Page
	noticeView
	Draft bool
	State string
	Tag   string
}

func (s *Server) dpoNotice(c *fiber.Ctx) error {
	ctx := c.UserContext()
	n, err := privacy.NoticeByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	current, err := privacy.Current(ctx, s.db, privacy.AudienceProvider)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	shown := *n
	if n.Status == privacy.StatusDraft {
		// Shown with the number it will have, as providers will see it once published.
		versions, err := privacy.Versions(ctx, s.db, n.Audience)
		if err != nil {
			return err
		}
		for _, v := range versions {
			shown.Version = max(shown.Version, v.Version+1)
		}
	}
	body, err := s.noticeHTML(ctx, &shown)
	if err != nil {
		return err
	}
	data := dpoNoticePage{noticeView: noticeView{Notice: &shown, Body: body}, Draft: n.Status == privacy.StatusDraft}
	data.State, data.Tag = noticeState(*n, current)
	title := fmt.Sprintf("Version %d of the privacy notice", n.Version)
	if data.Draft {
		title = "Preview of the draft privacy notice"
	}
	data.Page = s.page(c, title)
	data.Page.Back = "/dpo/notices"
	return render(c, fiber.StatusOK, "dpo/notices/show", data)
}

// dpoNoticePublish publishes the draft as the next version. A draft that can no longer be
// published as it is (its effective date passed since it was saved, or is before that of
// a version already published) opens in the edit form with the reason beside the field.
func (s *Server) dpoNoticePublish(c *fiber.Ctx) error {
	u := userOf(c)
	n, err := privacy.PublishDraft(c.UserContext(), s.db, c.Params("id"), u.ID, u.Name)
	if fields := apperr.FieldsOf(err); fields != nil {
		draft, derr := s.draftNotice(c)
		if derr != nil {
			return derr
		}
		eff := draft.EffectiveFrom
		return s.renderNoticeForm(c, fiber.StatusUnprocessableEntity, dpoNoticeFormPage{Notice: draft, Title: draft.Title,
			Body: draft.BodyMarkdown, Effective: form.DateInputOf(&eff), Action: "/dpo/notices/" + draft.ID}, fields)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/dpo/notices/"+n.ID, fmt.Sprintf("Version %d published. Provider users will be asked to read it from %s.",
		n.Version, n.EffectiveFrom.Format("2 January 2006")))
}
