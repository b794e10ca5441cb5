package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/quality"
	"github.com/gofiber/fiber/v2"
)

type complianceSettingsPage struct {
	Page
	Input quality.SettingsInput
	// Fingerprint identifies the settings the form was made from, so a save over someone
	// else's change is refused.
	Fingerprint string
	Conflict    string
}

func (s *Server) renderComplianceSettings(c *fiber.Ctx, status int, data complianceSettingsPage, errs map[string]string) error {
	data.Page = s.page(c, "Compliance and reminder settings")
	data.Page.Back = "/quality"
	data.Page.Errors = fieldErrors(quality.SettingsFieldOrder, errs)
	return render(c, status, "quality/settings/form", data)
}

// complianceSettings shows the thresholds of the compliance rules and the reminder days.
func (s *Server) complianceSettings(c *fiber.Ctx) error {
	settings, err := quality.LoadSettings(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	return s.renderComplianceSettings(c, fiber.StatusOK, complianceSettingsPage{Input: settings.Input(), Fingerprint: settings.Fingerprint()}, nil)
}

// complianceSettingsSave changes the thresholds; audited with every value before and after.
// Saving re-rates every provider, so the directory, dashboard and providers' pages use the
// new thresholds at once.
func (s *Server) complianceSettingsSave(c *fiber.Ctx) error {
	var in quality.SettingsInput
	errs := decodeForm(c, &in)
	data := complianceSettingsPage{Input: in, Fingerprint: c.FormValue("fingerprint")}
	if len(errs) == 0 {
		err := s.quality.UpdateSettings(c.UserContext(), in, data.Fingerprint)
		switch {
		case err == nil:
			return s.redirectWithFlash(c, "/quality/settings", "Settings saved.")
		case apperr.Is(err, apperr.Conflict):
			current, lerr := quality.LoadSettings(c.UserContext(), s.db)
			if lerr != nil {
				return lerr
			}
			data.Conflict, data.Fingerprint = apperr.MessageOf(err), current.Fingerprint()
			return s.renderComplianceSettings(c, fiber.StatusConflict, data, nil)
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderComplianceSettings(c, fiber.StatusUnprocessableEntity, data, errs)
}
