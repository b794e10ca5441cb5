package browsertest_test

import (
	"testing"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/export/exporttest"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/webtest"
)

// TestSpreadsheetDownloadHoldsDatesAndMoney downloads the dashboard's "contracts ending"
// workbook in Chromium, as an officer does, and opens it: the end date is a date cell and
// the contract's value a number of pounds with the currency format, not text.
func TestSpreadsheetDownloadHoldsDatesAndMoney(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Rowan House Ltd")
	ends := quality.DateOf(time.Now()).AddDate(0, 0, 20)
	if _, err := s.DB.Exec(`INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, start_date, end_date,
		total_value_pence, annual_value_pence, status) VALUES ('C-ROWAN', 'Residential placements', $1, 'childrens_homes', 'spot', $2, $3,
		123456789, 61728394, 'active')`, org, ends.AddDate(-2, 0, 0), ends); err != nil {
		t.Fatal(err)
	}
	tab := browsertest.NewTab(t, browser)
	browsertest.SignIn(t, tab, s.URL, s.CreateUser(t, "sheets.officer@council.example", []auth.Role{auth.RoleOfficer}, ""))
	browsertest.Open(t, tab, s.URL+"/dashboard")
	file := browsertest.Download(t, tab, `[data-downloads="contracts"] a[data-download="xlsx"]`)
	sheet := exporttest.Open(t, file)
	sheet.AssertText("Reference", 2, "C-ROWAN")
	sheet.AssertDate("Ends on", 2, ends)
	sheet.AssertMoney("Current value", 2, 123456789)
	if c := sheet.Cell("Current value", 2); c.Raw != "1234567.89" {
		t.Errorf("the value is stored as %q, want exactly 1234567.89", c.Raw)
	}
}
