package browsertest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/webtest"
)

// TestContractNoticesJourney: an officer adds a contract with the Procurement Act details,
// first with a maximum below the estimate (refused, the answers kept), then put right; the
// contract, estimated at £6 million and not light touch, warns that section 52 wants three
// KPIs; three KPIs marked most material end the warning. With JavaScript on and off, and
// every page scanned with axe.
func TestContractNoticesJourney(t *testing.T) {
	browser := browsertest.New(t)
	for i, scripts := range []string{"JavaScript on", "JavaScript off"} {
		t.Run(scripts, func(t *testing.T) {
			s := webtest.Start(t)
			officer := s.CreateUser(t, "nora@council.example", []auth.Role{auth.RoleOfficer}, "")
			_, ref, _ := cjApprovedProvider(t, s)
			tab := browsertest.NewTab(t, browser)
			if scripts == "JavaScript off" {
				browsertest.DisableJavaScript(t, tab)
			}
			browsertest.SignIn(t, tab, s.URL, officer)
			cjOpen(t, tab, s.URL+"/contracts/new")

			now := time.Now()
			start := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC)
			reference := []string{"CYP-2026-051", "CYP-2026-052"}[i]
			values := map[string]string{"reference": reference, "title": "Secure welfare beds", "provider": ref,
				"total_value": "6,000,000", "annual_value": "2000000", "cpv_codes": "85311300-5",
				"supplier_ppon": "PDLN-5395-QMNP", "estimated_value": "6,000,000", "maximum_value": "5,000,000"}
			cjDateInto(values, "start_date", start)
			cjDateInto(values, "end_date", start.AddDate(3, 0, -1))
			cjDateInto(values, "date_signed", start.AddDate(0, 0, -20))
			cjDateInto(values, "published_on", start.AddDate(0, 0, -10))
			browsertest.Fill(t, tab, values)
			cjTick(t, tab, "service_category", "childrens_homes")
			cjTick(t, tab, "procurement_route", "block")
			cjTick(t, tab, "award_procedure", "competitive_flexible")
			cjTick(t, tab, "light_touch", "no")
			cjPress(t, tab, "form[data-contract-form] button[type=submit]", http.StatusUnprocessableEntity, "/contracts")
			if browsertest.Count(t, tab, `.govuk-error-summary a[href="#maximum_value"]`) != 1 || browsertest.Count(t, tab, "#maximum_value-error") != 1 {
				t.Errorf("a maximum below the estimate is not refused at the maximum%s", cjErrors(t, tab))
			}
			if got := cjValue(t, tab, "cpv_codes"); got != "85311300-5" {
				t.Errorf("the CPV codes hold %q after the error", got)
			}
			browsertest.AssertAccessible(t, tab) // the form with errors

			browsertest.Fill(t, tab, map[string]string{"maximum_value": "6,600,000"})
			got := browsertest.Click(t, tab, "form[data-contract-form] button[type=submit]")
			contractPath := browsertest.Location(t, tab).Path
			if got != http.StatusOK || !strings.HasPrefix(contractPath, "/contracts/") {
				t.Fatalf("adding the contract: status %d on %s%s", got, contractPath, cjErrors(t, tab))
			}
			if got := browsertest.Text(t, tab, "[data-procedure]"); got != "Competitive flexible procedure" {
				t.Errorf("the procedure reads %q", got)
			}
			if got := browsertest.Text(t, tab, "[data-maximum-value]"); got != "£6,600,000" {
				t.Errorf("the maximum reads %q", got)
			}
			if got := browsertest.Text(t, tab, "[data-kpi-shortfall]"); !strings.Contains(got, "needs at least 3 KPIs and has 0") {
				t.Errorf("the KPI warning reads %q", got)
			}
			browsertest.AssertAccessible(t, tab) // the contract page with its warning

			for _, name := range []string{"Placement stability", "Education attendance", "Health assessments on time"} {
				cjPress(t, tab, "[data-add-kpi]", http.StatusOK, contractPath+"/kpis/new")
				browsertest.Fill(t, tab, map[string]string{"name": name, "unit": "%", "target": "95", "amber_threshold": "90", "red_threshold": "80"})
				cjTick(t, tab, "measure", "percentage")
				cjTick(t, tab, "most_material", "yes")
				if name == "Placement stability" {
					browsertest.AssertAccessible(t, tab) // the KPI form with its box
				}
				cjPress(t, tab, "form[data-kpi-form] button[type=submit]", http.StatusOK, contractPath)
			}
			if n := browsertest.Count(t, tab, "[data-most-material]"); n != 3 {
				t.Errorf("%d KPIs are tagged most material, want 3", n)
			}
			if n := browsertest.Count(t, tab, "[data-kpi-shortfall]"); n != 0 {
				t.Errorf("the warning stays with 3 marked KPIs: %q", browsertest.Text(t, tab, "[data-kpi-shortfall]"))
			}
		})
	}
}
