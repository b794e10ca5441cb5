package web

import (
	"strconv"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/finance"
	"github.com/gofiber/fiber/v2"
)

type financeSettingsPage struct {
	Page
	Settings         *finance.Settings
	HoldDays, Expiry string
	DormantMonths    string
}

func (s *Server) financeSettings(c *fiber.Ctx) error {
	settings, err := finance.LoadSettings(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	return s.renderFinanceSettings(c, fiber.StatusOK, financeSettingsPage{Settings: settings}, nil)
}

func (s *Server) renderFinanceSettings(c *fiber.Ctx, status int, data financeSettingsPage, errs map[string]string) error {
	if data.HoldDays == "" && data.Expiry == "" && data.DormantMonths == "" {
		data.HoldDays, data.Expiry = strconv.Itoa(data.Settings.FirstPaymentHoldDays), strconv.Itoa(data.Settings.ChangeExpiryDays)
		data.DormantMonths = strconv.Itoa(data.Settings.DormantMonths)
	}
	data.Page = s.page(c, "Finance settings")
	data.Page.Back = "/finance"
	data.Page.Errors = fieldErrors([]string{"first_payment_hold_days", "change_expiry_days", "dormant_months"}, errs)
	return render(c, status, "finance/settings", data)
}

// financeSettingsSave changes the first-payment hold, the expiry of requests and the NFI
// dormancy period; audited with the values before and after.
func (s *Server) financeSettingsSave(c *fiber.Ctx) error {
	ctx := c.UserContext()
	settings, err := finance.LoadSettings(ctx, s.db)
	if err != nil {
		return err
	}
	var in struct {
		HoldDays int `form:"first_payment_hold_days" label:"the number of days"`
		Expiry   int `form:"change_expiry_days" label:"the number of days"`
		Dormant  int `form:"dormant_months" label:"the number of months"`
	}
	data := financeSettingsPage{Settings: settings, HoldDays: c.FormValue("first_payment_hold_days"), Expiry: c.FormValue("change_expiry_days"),
		DormantMonths: c.FormValue("dormant_months")}
	errs := decodeForm(c, &in)
	for field, v := range map[string]string{"first_payment_hold_days": data.HoldDays, "change_expiry_days": data.Expiry} {
		if v == "" {
			errs[field] = "Enter a number of days"
		}
	}
	if data.DormantMonths == "" {
		errs["dormant_months"] = "Enter a number of months"
	}
	if len(errs) == 0 {
		err = s.finance.UpdateSettings(ctx, in.HoldDays, in.Expiry, in.Dormant, formInt(c, "version"))
		if err == nil {
			return s.redirectWithFlash(c, "/finance", "Settings saved.")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderFinanceSettings(c, fiber.StatusUnprocessableEntity, data, errs)
}
