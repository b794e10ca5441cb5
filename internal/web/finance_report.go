package web

import (
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/finance"
	"github.com/gofiber/fiber/v2"
)

type financeReportPage struct {
	Page
	Month   time.Time
	Value   string
	Entries []finance.ReportEntry
}

// financeReport is the monthly report of changes to master data (payment details and key
// contacts), for finance's monthly review.
func (s *Server) financeReport(c *fiber.Ctx) error {
	value := c.Query("month")
	data := financeReportPage{Value: value}
	month, err := s.finance.ParseMonth(value)
	status := fiber.StatusOK
	var errs map[string]string
	if fields := apperr.FieldsOf(err); fields != nil {
		status, errs = fiber.StatusUnprocessableEntity, fields
	} else if err != nil {
		return err
	} else {
		data.Month = month
		if data.Value == "" {
			data.Value = month.Format("2006-01")
		}
		if data.Entries, err = finance.ChangeReport(c.UserContext(), s.db, month); err != nil {
			return err
		}
	}
	data.Page = s.page(c, "Changes to payment details and key contacts")
	data.Page.Back = "/finance"
	data.Page.Errors = fieldErrors([]string{"month"}, errs)
	return render(c, status, "finance/report", data)
}

// financeReportCSV downloads the month's report. It holds only the last digits of accounts,
// as the screen does, so it needs no step-up; it is audited like every export.
func (s *Server) financeReportCSV(c *fiber.Ctx) error {
	month, err := s.finance.ParseMonth(c.Query("month"))
	if err != nil {
		return err
	}
	e, err := s.finance.ChangeReportExport(c.UserContext(), month)
	if err != nil {
		return err
	}
	return s.streamExport(c, e)
}
