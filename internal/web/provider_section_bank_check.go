package web

import (
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// bankCheckPage is "Check your bank details" before they are saved: the numbers the person
// has just typed, in full, so a typo can be seen. It exists only as the answer to their own
// post; once saved, the numbers are sealed and only ever shown masked.
type bankCheckPage struct {
	sectionPage
	Bank *provider.BankAnswers
}

// sectionBankCheck shows typed bank details back for checking ("Save and continue"), saves
// them when confirmed ("Confirm and save"), or returns to the form with every value kept
// ("Change"). It reports whether the action was one of these.
func (s *Server) sectionBankCheck(c *fiber.Ctx, def provider.Definition, orgID string, answers provider.Answers, version int, action string, errs map[string]string) (bool, error) {
	bank, ok := answers.(*provider.BankAnswers)
	if !ok {
		return false, nil
	}
	ctx := c.UserContext()
	if len(errs) > 0 && action != "draft" {
		checked, err := s.providers.Check(ctx, orgID, def, answers)
		if err != nil {
			return true, err
		}
		for k, v := range checked {
			if errs[k] == "" {
				errs[k] = v
			}
		}
		return true, s.renderSection(c, fiber.StatusUnprocessableEntity, def, orgID, answers, version, errs)
	}
	switch action {
	case "change":
		return true, s.renderSection(c, fiber.StatusOK, def, orgID, answers, version, nil)
	case "confirm":
		if err := s.saveAndComplete(c, def, orgID, answers, version); err != nil {
			return true, err
		}
		return true, s.redirectWithFlash(c, "/provider", "Bank details saved and completed.")
	case "", "save":
		errs, err := s.providers.Check(ctx, orgID, def, answers)
		if err != nil {
			return true, err
		}
		if len(errs) > 0 {
			return true, s.renderSection(c, fiber.StatusUnprocessableEntity, def, orgID, answers, version, errs)
		}
		org, err := provider.OrganisationByID(ctx, s.db, orgID)
		if err != nil {
			return true, err
		}
		p := s.page(c, "Check your bank details")
		p.Back = "/provider/sections/" + string(def.Key)
		return true, render(c, fiber.StatusOK, "provider/sections/bank-details-check", bankCheckPage{
			sectionPage: sectionPage{Page: p, Def: def, Org: org, Answers: answers, Version: version}, Bank: bank})
	}
	return false, nil
}

// saveAndComplete saves a section the provider has already checked on a check page and
// marks it completed, so they are not asked to check it twice.
func (s *Server) saveAndComplete(c *fiber.Ctx, def provider.Definition, orgID string, answers provider.Answers, version int) error {
	ctx := c.UserContext()
	if err := s.providers.SaveSection(ctx, orgID, def, answers, version); err != nil {
		return err
	}
	rec, err := provider.SectionRecordByKey(ctx, s.db, orgID, def.Key)
	if err != nil {
		return err
	}
	if rec.PendingReview {
		return nil // held for an officer: "completed" is theirs to give
	}
	return s.providers.MarkCompleted(ctx, orgID, def.Key, rec.Version)
}
