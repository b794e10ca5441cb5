package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/gofiber/fiber/v2"
)

// dpoNoticeFormPage drafts a new version of the notice, or edits the draft.
type dpoNoticeFormPage struct {
	Page
	// Notice is the draft being edited; nil for a new one.
	Notice    *privacy.Notice
	Title     string
	Body      string
	Effective form.DateInput
	Action    string
}

// dpoNoticeFields are the form's fields in page order, for the error summary.
var dpoNoticeFields = []string{"title", "body", "effective_from"}

// dpoNoticeNewForm starts a draft from the version in force, since a new version is
// nearly always an edit of the last one. Where a draft exists already, it is opened
// instead: there is one draft at a time.
func (s *Server) dpoNoticeNewForm(c *fiber.Ctx) error {
	ctx := c.UserContext()
	draft, err := privacy.CurrentDraft(ctx, s.db, privacy.AudienceProvider)
	if err == nil {
		return c.Redirect("/dpo/notices/"+draft.ID+"/edit", fiber.StatusSeeOther)
	}
	if !apperr.Is(err, apperr.NotFound) {
		return err
	}
	data := dpoNoticeFormPage{Action: "/dpo/notices"}
	current, err := privacy.Current(ctx, s.db, privacy.AudienceProvider)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	if current != nil {
		data.Title, data.Body = current.Title, current.BodyMarkdown
	}
	return s.renderNoticeForm(c, fiber.StatusOK, data, nil)
}

func (s *Server) renderNoticeForm(c *fiber.Ctx, status int, data dpoNoticeFormPage, errs map[string]string) error {
	title := "Draft a new version of the privacy notice"
	if data.Notice != nil {
		title = "Edit the draft privacy notice"
	}
	data.Page = s.page(c, title)
	data.Page.Back = "/dpo/notices"
	data.Page.Errors = fieldErrors(dpoNoticeFields, errs)
	return render(c, status, "dpo/notices/form", data)
}

// noticeDraftInput reads the form. The body is read as sent rather than through
// decodeForm, whose limit suits ordinary fields: a notice is longer. privacy.Draft.Validate
// checks it instead.
func noticeDraftInput(c *fiber.Ctx) (privacy.Draft, dpoNoticeFormPage, map[string]string) {
	var in struct {
		Title     string         `form:"title" label:"the title"`
		Effective form.DateInput `form:"effective_from" label:"the date the notice takes effect"`
	}
	errs := decodeForm(c, &in)
	data := dpoNoticeFormPage{Title: in.Title, Body: c.FormValue("body"), Effective: in.Effective}
	draft := privacy.Draft{Title: in.Title, Body: data.Body}
	if _, bad := errs["effective_from"]; !bad && !in.Effective.IsEmpty() {
		var msg string
		if draft.EffectiveFrom, msg = in.Effective.Time("the date the notice takes effect"); msg != "" {
			errs["effective_from"] = msg
		}
	}
	return draft, data, errs
}

// dpoNoticeCreate saves a new draft and shows its preview.
func (s *Server) dpoNoticeCreate(c *fiber.Ctx) error {
	draft, data, errs := noticeDraftInput(c)
	data.Action = "/dpo/notices"
	if len(errs) == 0 {
		n, err := privacy.CreateDraft(c.UserContext(), s.db, privacy.AudienceProvider, draft)
		if err == nil {
			return s.redirectWithFlash(c, "/dpo/notices/"+n.ID, "Draft saved. Check the preview, then publish it.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderNoticeForm(c, fiber.StatusUnprocessableEntity, data, errs)
}

// dpoNoticeEditForm edits the draft; a published version cannot be edited.
func (s *Server) dpoNoticeEditForm(c *fiber.Ctx) error {
	n, err := s.draftNotice(c)
	if err != nil {
		return err
	}
	eff := n.EffectiveFrom
	return s.renderNoticeForm(c, fiber.StatusOK, dpoNoticeFormPage{Notice: n, Title: n.Title, Body: n.BodyMarkdown,
		Effective: form.DateInputOf(&eff), Action: "/dpo/notices/" + n.ID}, nil)
}

// draftNotice is the draft named in the path; a published version is a conflict.
func (s *Server) draftNotice(c *fiber.Ctx) (*privacy.Notice, error) {
	n, err := privacy.NoticeByID(c.UserContext(), s.db, c.Params("id"))
	if err != nil {
		return nil, err
	}
	if n.Status != privacy.StatusDraft {
		return nil, apperr.New(apperr.Conflict, "Version %d has been published and can no longer be changed. Start a new draft instead.", n.Version)
	}
	return n, nil
}

// dpoNoticeUpdate saves the draft and shows its preview.
func (s *Server) dpoNoticeUpdate(c *fiber.Ctx) error {
	n, err := s.draftNotice(c)
	if err != nil {
		return err
	}
	draft, data, errs := noticeDraftInput(c)
	data.Notice, data.Action = n, "/dpo/notices/"+n.ID
	if len(errs) == 0 {
		_, err := privacy.UpdateDraft(c.UserContext(), s.db, n.ID, draft)
		if err == nil {
			return s.redirectWithFlash(c, "/dpo/notices/"+n.ID, "Draft saved. Check the preview, then publish it.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderNoticeForm(c, fiber.StatusUnprocessableEntity, data, errs)
}
