package web

import (
	"fmt"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// Officers' free text (comments, reasons) is cleaned as every form field is: trimmed,
// bounded, and refused when it holds characters no one types. The label names the field
// in the message.
type commentText struct {
	Text string `form:"text" multiline:"true" label:"the comment"`
}

type reasonText struct {
	Text string `form:"text" multiline:"true" label:"the reason"`
}

// maxReviewEcho bounds refused text shown back to the officer.
const maxReviewEcho = 10000

// reviewText reads one free-text field: a comment, or else a reason. What was typed goes
// into values (cleaned, when it could be), and a message into errs when it was refused.
func reviewText(c *fiber.Ctx, name string, comment bool, values, errs map[string]string) string {
	raw := c.FormValue(name)
	get := func(string) []string { return []string{raw} }
	var text string
	var msgs map[string]string
	if comment {
		var v commentText
		msgs = form.Decode(get, &v)
		text = v.Text
	} else {
		var v reasonText
		msgs = form.Decode(get, &v)
		text = v.Text
	}
	if m := msgs["text"]; m != "" {
		// Shown back in the textarea: bounded and readable, whatever was sent.
		values[name], errs[name] = strings.ToValidUTF8(raw[:min(len(raw), maxReviewEcho)], ""), m
		return ""
	}
	values[name] = text
	return text
}

// reviewDecision makes a decision on the whole record: request changes, approve or reject
// one awaiting review; suspend an approved one; reinstate a suspended one. The form carries
// the record's version, so a decision on a record that moved on since the officer looked,
// or the same form sent twice, is refused with nothing changed.
func (s *Server) reviewDecision(c *fiber.Ctx) error {
	ctx := c.UserContext()
	orgID := c.Params("id")
	org, err := provider.OrganisationByID(ctx, s.db, orgID)
	if err != nil {
		return err
	}
	version := formInt(c, "version")
	values, errs := map[string]string{}, map[string]string{}
	decision := c.FormValue("decision")
	reason := reviewText(c, "reason", false, values, errs)
	// The comment boxes are on the page only while the record awaits review, in the one
	// form with the three decisions made then.
	comments := map[provider.SectionKey]string{}
	var firstComment string
	if decision == "request_changes" || decision == "approve" || decision == "reject" {
		for _, def := range provider.Sections {
			name := "comment-" + string(def.Key)
			if text := reviewText(c, name, true, values, errs); text != "" {
				comments[def.Key] = text
				if firstComment == "" {
					firstComment = name
				}
			}
		}
	}
	name := org.DisplayName()
	// Approving and rejecting are confirmed first. A decision the service will refuse (a
	// reason missing, comments left, a record moved on) goes straight to it instead, so the
	// officer sees why at once and nothing changes.
	ready := (decision == "approve" && firstComment == "") || (decision == "reject" && reason != "")
	if ready && len(errs) == 0 && !confirmed(c) && org.Version == version && org.Status.AwaitingReview() {
		return s.confirmRecordDecision(c, org, decision, version, reason)
	}
	var flash string
	to := "/review/providers/" + orgID
	switch decision {
	case "request_changes":
		flash, to = fmt.Sprintf("You asked %s to make changes. We have emailed the provider.", name), "/review"
		if len(errs) == 0 {
			err = s.providers.RequestChanges(ctx, orgID, version, comments)
		}
	case "approve":
		flash, to = fmt.Sprintf("%s is approved. We have emailed the provider.", name), "/review"
		if firstComment != "" {
			errs[firstComment] = "Remove your comments before you approve the record, or request changes instead"
		}
		if len(errs) == 0 {
			err = s.providers.Approve(ctx, orgID, version)
		}
	case "reject":
		flash, to = fmt.Sprintf("%s is rejected. We have emailed the provider.", name), "/review"
		if len(errs) == 0 {
			err = s.providers.Reject(ctx, orgID, version, reason)
		}
	case "suspend":
		flash = fmt.Sprintf("%s is suspended. We have emailed the provider.", name)
		if len(errs) == 0 {
			err = s.providers.Suspend(ctx, orgID, version, reason)
		}
	case "reinstate":
		flash = fmt.Sprintf("%s is reinstated. We have emailed the provider.", name)
		if len(errs) == 0 {
			err = s.providers.Reinstate(ctx, orgID, version, reason)
		}
	default:
		return apperr.New(apperr.Invalid, "Choose a decision using one of the buttons on the page")
	}
	return s.afterDecision(c, orgID, err, values, errs, to, flash)
}

// reviewSectionDecision accepts or declines a change an approved provider made to a
// section. The form carries the section's version: a change edited again since the
// officer looked is refused.
func (s *Server) reviewSectionDecision(c *fiber.Ctx) error {
	ctx := c.UserContext()
	orgID := c.Params("id")
	if _, err := provider.OrganisationByID(ctx, s.db, orgID); err != nil {
		return err
	}
	def, ok := provider.SectionByKey(c.Params("section"))
	if !ok {
		return fiber.ErrNotFound
	}
	version := formInt(c, "version")
	values, errs := map[string]string{}, map[string]string{}
	field := "reason-" + string(def.Key)
	reason := reviewText(c, field, false, values, errs)
	decision := c.FormValue("decision")
	if (decision == "accept" || (decision == "decline" && len(errs) == 0 && reason != "")) && !confirmed(c) {
		rec, err := provider.SectionRecordByKey(ctx, s.db, orgID, def.Key)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return err
		}
		// A change gone or edited since is refused by the service, with the reason shown.
		if rec != nil && rec.PendingReview && rec.Version == version {
			return s.confirmSectionDecision(c, orgID, def, decision, version, reason)
		}
	}
	var flash string
	var err error
	switch decision {
	case "accept":
		flash = fmt.Sprintf("Change accepted and now in force: %s. We have emailed the provider.", def.Title)
		delete(errs, field) // accepting needs no reason, so what was typed there does not matter
		err = s.providers.AcceptSectionChange(ctx, orgID, def.Key, version)
	case "decline":
		flash = fmt.Sprintf("Change declined: %s. The approved details stay in force. We have emailed the provider.", def.Title)
		if len(errs) == 0 {
			err = s.providers.DeclineSectionChange(ctx, orgID, def.Key, version, reason)
		}
		// The service names its one field "reason"; on this page each section has its own.
		if fields := apperr.FieldsOf(err); fields != nil {
			errs[field], err = fields["reason"], nil
		}
	default:
		return apperr.New(apperr.Invalid, "Choose a decision using one of the buttons on the page")
	}
	return s.afterDecision(c, orgID, err, values, errs, "/review/providers/"+orgID, flash)
}

// afterDecision redirects with a flash when the decision was made; otherwise it shows the
// record again as it is now, with the officer's text kept: 422 with an error summary for
// fields to put right, 409 with the reason when the record moved on.
func (s *Server) afterDecision(c *fiber.Ctx, orgID string, err error, values, errs map[string]string, to, flash string) error {
	if fields := apperr.FieldsOf(err); fields != nil {
		for k, v := range fields {
			errs[k] = v
		}
		err = nil
	}
	switch {
	case len(errs) > 0:
		return s.renderReview(c, fiber.StatusUnprocessableEntity, orgID, values, errs, "")
	case apperr.Is(err, apperr.Conflict):
		return s.renderReview(c, fiber.StatusConflict, orgID, values, nil, apperr.MessageOf(err))
	case err != nil:
		return err
	}
	return s.redirectWithFlash(c, to, flash)
}

// reviewSectionAccept records that the officer accepts one section of a record under
// review. The button sits in the decision form (it names this URL with formaction), so the
// form brings the comments typed so far: when there are any, the page comes back with them
// kept rather than redirecting, so no one loses what they wrote.
func (s *Server) reviewSectionAccept(c *fiber.Ctx) error {
	ctx := c.UserContext()
	orgID := c.Params("id")
	if _, err := provider.OrganisationByID(ctx, s.db, orgID); err != nil {
		return err
	}
	def, ok := provider.SectionByKey(c.Params("section"))
	if !ok {
		return fiber.ErrNotFound
	}
	values, errs := map[string]string{}, map[string]string{}
	typed := false
	for _, d := range provider.Sections {
		if reviewText(c, "comment-"+string(d.Key), true, values, errs) != "" {
			typed = true
		}
	}
	reviewText(c, "reason", false, values, errs)
	typed = typed || values["reason"] != "" || len(errs) > 0
	clear(errs) // accepting a section reads no text: what was typed is only kept
	err := s.providers.AcceptSection(ctx, orgID, def.Key, formInt(c, "section_version"))
	flash := fmt.Sprintf("Section accepted: %s.", def.Title)
	if err == nil && typed {
		c.Locals(localFlash, flash)
		return s.renderReview(c, fiber.StatusOK, orgID, values, nil, "")
	}
	return s.afterDecision(c, orgID, err, values, errs, "/review/providers/"+orgID+"#section-"+string(def.Key), flash)
}
