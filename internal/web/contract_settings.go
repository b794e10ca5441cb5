package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/gofiber/fiber/v2"
)

type contractSettingsPage struct {
	Page
	Form contract.SettingsForm
	// Configured is the publishing the configuration sets (PORTAL_OCDS_*), which the open
	// data uses in place of the prefix and identifier on this page.
	Configured contract.Publishing
}

var contractSettingsOrder = []string{"expiring_within_days", "return_due_days", "ocid_prefix", "buyer_identifier"}

func (s *Server) renderContractSettings(c *fiber.Ctx, status int, data contractSettingsPage, errs map[string]string) error {
	data.Page = s.page(c, "Contract settings")
	data.Page.Back = "/"
	data.Page.Errors = fieldErrors(contractSettingsOrder, errs)
	data.Configured = s.contracts.Publishing
	return render(c, status, "contract_settings/form", data)
}

func (s *Server) contractSettings(c *fiber.Ctx) error {
	settings, err := contract.LoadSettings(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	return s.renderContractSettings(c, fiber.StatusOK, contractSettingsPage{Form: contract.SettingsFormOf(settings)}, nil)
}

// contractSettingsSave changes when contracts show as expiring, when returns are due and
// how contracts are published in OCDS; audited with the values before and after.
func (s *Server) contractSettingsSave(c *fiber.Ctx) error {
	var f contract.SettingsForm
	errs := decodeForm(c, &f)
	if len(errs) == 0 {
		err := s.contracts.SaveSettings(c.UserContext(), f)
		if err == nil {
			return s.redirectWithFlash(c, "/contract-settings", "Contract settings saved.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderContractSettings(c, fiber.StatusUnprocessableEntity, contractSettingsPage{Form: f}, errs)
}
