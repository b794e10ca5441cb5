package web

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// sectionPage is the view model of every section's question page; each section's template
// (views/provider/sections/KEY.html) reads .Answers as that section's type.
type sectionPage struct {
	Page
	Def     provider.Definition
	Org     *provider.Organisation
	Answers provider.Answers
	Version int
	Locked  bool
	// Notice is the current privacy notice, linked from every page that collects personal data.
	Notice   *privacy.Notice
	Comments []provider.SectionComment
	Options  sectionOptions
	// DraftSavedAt is when the provider last saved the section part-done, if they did.
	DraftSavedAt *time.Time
}

// sectionOptions are the choices the section templates offer.
type sectionOptions struct {
	LegalForms, OperationTypes, ServiceCategories, YesNo, PolicyKinds []provider.Option
	OfstedJudgements, CQCRatings, DBSLevels, DBSCheckResults          []provider.Option
}

var allOptions = sectionOptions{
	LegalForms: provider.LegalForms, OperationTypes: provider.OperationTypes, ServiceCategories: provider.ServiceCategories,
	YesNo: provider.YesNo, PolicyKinds: provider.PolicyKinds, OfstedJudgements: provider.OfstedJudgements,
	CQCRatings: provider.CQCRatings, DBSLevels: provider.DBSLevels, DBSCheckResults: provider.DBSCheckResults,
}

// sectionOfCurrentOrg resolves the section named in the URL and the organisation the
// provider user is acting for.
func (s *Server) sectionOfCurrentOrg(c *fiber.Ctx) (provider.Definition, string, error) {
	def, ok := provider.SectionByKey(c.Params("section"))
	if !ok {
		return def, "", fiber.ErrNotFound
	}
	orgID, err := s.currentOrgID(c)
	return def, orgID, err
}

// providerSectionForm shows a section's questions filled with the saved answers.
func (s *Server) providerSectionForm(c *fiber.Ctx) error {
	def, orgID, err := s.sectionOfCurrentOrg(c)
	if err != nil {
		return err
	}
	rec, err := provider.SectionRecordByKey(c.UserContext(), s.db, orgID, def.Key)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	answers, version := def.New(), 0
	if rec != nil {
		if answers, err = rec.Draft(def); err != nil {
			return err
		}
		version = rec.Version
	}
	if answers, version, err = s.restoreSection(c, orgID, def, answers, version); err != nil {
		return err
	}
	if err := s.auditRestrictedView(c, def, orgID); err != nil {
		return err
	}
	org, err := provider.OrganisationByID(c.UserContext(), s.db, orgID)
	if err != nil {
		return err
	}
	if !org.Status.Editable() {
		// Sent for review, rejected or suspended: the answers as they stand, read-only.
		p := s.page(c, def.Title)
		p.Back = "/provider"
		return render(c, fiber.StatusOK, "provider/check", checkPage{Page: p, Def: def, Rows: answers.Summary(), Version: version,
			Locked: true, Org: org})
	}
	return s.renderSection(c, fiber.StatusOK, def, orgID, answers, version, nil)
}

func (s *Server) renderSection(c *fiber.Ctx, status int, def provider.Definition, orgID string, answers provider.Answers, version int, errs map[string]string) error {
	ctx := c.UserContext()
	org, err := provider.OrganisationByID(ctx, s.db, orgID)
	if err != nil {
		return err
	}
	notice, err := privacy.Current(ctx, s.db, privacy.AudienceProvider)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	comments, err := provider.OpenComments(ctx, s.db, orgID)
	if err != nil {
		return err
	}
	p := s.page(c, def.Title)
	p.Back = "/provider"
	p.Errors = fieldErrors(formOrder(answers), errs)
	data := sectionPage{Page: p, Def: def, Org: org, Answers: answers, Version: version, Notice: notice, Options: allOptions,
		Locked: def.Locked(org.Status)}
	for _, cm := range comments {
		if cm.Section == string(def.Key) {
			data.Comments = append(data.Comments, cm)
		}
	}
	if rec, err := provider.SectionRecordByKey(ctx, s.db, orgID, def.Key); err == nil && rec.HasDraft() {
		data.DraftSavedAt = rec.DraftSavedAt
	} else if err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	return render(c, status, "provider/sections/"+string(def.Key), data)
}

// providerSectionSave saves a section ("Save and continue", checked in full), keeps it
// part-done ("Save as draft", unchecked), or adds or removes an item of a list ("Add
// another") or an uploaded file and shows the form again without saving. Files that pass
// their own checks are kept whatever else is wrong, and every problem on the page is shown at
// once.
func (s *Server) providerSectionSave(c *fiber.Ctx) error {
	def, orgID, err := s.sectionOfCurrentOrg(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	answers := def.New()
	errs := decodeForm(c, answers)
	version := formInt(c, "version")
	for k, v := range s.attachUploads(c, orgID, def, answers) {
		errs[k] = v
	}
	action := c.FormValue("action")
	if handled, err := s.sectionBankCheck(c, def, orgID, answers, version, action, errs); handled {
		return s.sectionSaveError(c, def, orgID, answers, version, err)
	}
	switch action {
	case "", "save":
	case "draft":
		return s.saveSectionDraft(c, def, orgID, answers, version)
	default:
		handled, err := s.removeUpload(c, orgID, answers, action)
		if err != nil {
			return err
		}
		if !handled && !applyListAction(answers, action) {
			return apperr.New(apperr.Invalid, "That button does not do anything here")
		}
		if err := s.keepStored(c, orgID, def, answers); err != nil {
			return err
		}
		return s.renderSection(c, fiber.StatusOK, def, orgID, answers, version, nil)
	}
	if msg, err := s.checkNoticeVersion(c, answers); err != nil {
		return err
	} else if msg != "" {
		errs["notice_read"] = msg
	}
	if len(errs) > 0 {
		// Show the section's own checks beside the form's, not one round after it.
		checked, err := s.providers.Check(ctx, orgID, def, answers)
		if err != nil {
			return err
		}
		for k, v := range checked {
			if errs[k] == "" {
				errs[k] = v
			}
		}
		return s.renderSection(c, fiber.StatusUnprocessableEntity, def, orgID, answers, version, errs)
	}
	if err := s.providers.SaveSection(ctx, orgID, def, answers, version); err != nil {
		return s.sectionSaveError(c, def, orgID, answers, version, err)
	}
	return c.Redirect("/provider/sections/"+string(def.Key)+"/check", fiber.StatusSeeOther)
}

// sectionSaveError shows a refused save: someone else's newer version side by side, or the
// form with the section's own messages; other errors go to the error pages.
func (s *Server) sectionSaveError(c *fiber.Ctx, def provider.Definition, orgID string, answers provider.Answers, version int, err error) error {
	var conflict *provider.ConflictError
	switch {
	case errors.As(err, &conflict):
		return s.renderConflict(c, def, answers, conflict)
	case apperr.FieldsOf(err) != nil:
		return s.renderSection(c, fiber.StatusUnprocessableEntity, def, orgID, answers, version, apperr.FieldsOf(err))
	}
	return err
}

// saveSectionDraft keeps the section as typed, mistakes and all, and returns to the task
// list, where the section shows "In progress".
func (s *Server) saveSectionDraft(c *fiber.Ctx, def provider.Definition, orgID string, answers provider.Answers, version int) error {
	if err := s.providers.SaveDraft(c.UserContext(), orgID, def, answers, version); err != nil {
		return s.sectionSaveError(c, def, orgID, answers, version, err)
	}
	msg := fmt.Sprintf("%s saved as a draft. It will be checked when you select Save and continue.", def.Title)
	if def.Key == provider.SectionBank {
		msg = "Bank details saved as a draft. Sort codes and account numbers are not kept in a draft: enter them when you finish the section."
	}
	return s.redirectWithFlash(c, "/provider", msg)
}

// applyListAction handles "add-FIELD" and "remove-FIELD-N" buttons of repeated fieldsets.
func applyListAction(answers provider.Answers, action string) bool {
	v := reflect.ValueOf(answers).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("form"), ",")
		fv := v.Field(i)
		if name == "" || fv.Kind() != reflect.Slice || fv.Type().Elem().Kind() != reflect.Struct {
			continue
		}
		switch {
		case action == "add-"+name:
			if fv.Len() >= 50 {
				return true
			}
			fv.Set(reflect.Append(fv, reflect.Zero(fv.Type().Elem())))
			return true
		case strings.HasPrefix(action, "remove-"+name+"-"):
			n, err := strconv.Atoi(strings.TrimPrefix(action, "remove-"+name+"-"))
			if err != nil || n < 0 || n >= fv.Len() {
				return false
			}
			fv.Set(reflect.AppendSlice(fv.Slice(0, n), fv.Slice(n+1, fv.Len())))
			return true
		}
	}
	return false
}

// formOrder lists an answers type's form fields in order, for the error summary.
func formOrder(answers provider.Answers) []string {
	var out []string
	t := reflect.TypeOf(answers).Elem()
	for i := 0; i < t.NumField(); i++ {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("form"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

type conflictPage struct {
	Page
	Def    provider.Definition
	Mine   []provider.SummaryRow
	Theirs []provider.SummaryRow
}

// renderConflict shows both versions when someone else saved the section first; nothing of
// the second save was written.
func (s *Server) renderConflict(c *fiber.Ctx, def provider.Definition, mine provider.Answers, conflict *provider.ConflictError) error {
	p := s.page(c, "Someone else changed this section")
	p.Back = "/provider/sections/" + string(def.Key)
	return render(c, fiber.StatusConflict, "provider/conflict", conflictPage{Page: p, Def: def, Mine: mine.Summary(), Theirs: conflict.Theirs.Summary()})
}

type checkPage struct {
	Page
	Org     *provider.Organisation
	Def     provider.Definition
	Rows    []provider.SummaryRow
	Version int
	Locked  bool
	Pending bool
}

// providerSectionCheck is "Check your answers" for a section, with a change link per answer.
func (s *Server) providerSectionCheck(c *fiber.Ctx) error {
	def, orgID, err := s.sectionOfCurrentOrg(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	rec, err := provider.SectionRecordByKey(ctx, s.db, orgID, def.Key)
	if apperr.Is(err, apperr.NotFound) {
		return c.Redirect("/provider/sections/"+string(def.Key), fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	answers, err := rec.Answers(def)
	if err != nil {
		return err
	}
	org, err := provider.OrganisationByID(ctx, s.db, orgID)
	if err != nil {
		return err
	}
	p := s.page(c, "Check your answers: "+def.InSentence())
	p.Back = "/provider/sections/" + string(def.Key)
	return render(c, fiber.StatusOK, "provider/check", checkPage{Page: p, Org: org, Def: def, Rows: answers.Summary(), Version: rec.Version,
		Locked: !org.Status.Editable(), Pending: rec.PendingReview})
}

// providerSectionComplete marks a section completed after the provider checked it.
func (s *Server) providerSectionComplete(c *fiber.Ctx) error {
	def, orgID, err := s.sectionOfCurrentOrg(c)
	if err != nil {
		return err
	}
	if err := s.providers.MarkCompleted(c.UserContext(), orgID, def.Key, formInt(c, "version")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/provider", fmt.Sprintf("%s completed.", def.Title))
}

// keepStored puts stored values the form cannot carry (masked secrets, certificates) back
// into answers being shown again, so "Leave blank to keep ••••1234" stays true.
func (s *Server) keepStored(c *fiber.Ctx, orgID string, def provider.Definition, answers provider.Answers) error {
	keeper, ok := answers.(provider.Keeper)
	if !ok {
		return nil
	}
	rec, err := provider.SectionRecordByKey(c.UserContext(), s.db, orgID, def.Key)
	if apperr.Is(err, apperr.NotFound) {
		return nil // nothing stored to keep
	}
	if err != nil {
		return err
	}
	previous, err := rec.Answers(def)
	if err != nil {
		return err
	}
	keeper.KeepFrom(previous)
	return nil
}

// checkNoticeVersion refuses a declaration made against a privacy notice that is no longer
// the current one: the provider must confirm the version in force.
func (s *Server) checkNoticeVersion(c *fiber.Ctx, answers provider.Answers) (string, error) {
	d, ok := answers.(*provider.DeclarationsAnswers)
	if !ok {
		return "", nil
	}
	notice, err := privacy.Current(c.UserContext(), s.db, privacy.AudienceProvider)
	if apperr.Is(err, apperr.NotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if d.NoticeRead && d.NoticeVersion != notice.Version {
		return fmt.Sprintf("The privacy notice has changed since you opened this page. Read version %d and confirm again", notice.Version), nil
	}
	return "", nil
}
