package browsertest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/webtest"
)

// TestProcurementNoticesJourney: an officer goes from a contract awarded under the Act,
// signed 40 days ago and not light touch, to its notices: the contract details notice is
// late; its draft downloads as an OCDS release (UK7); a notice id in the wrong shape is
// refused with what was typed kept; the right one records it as published. With
// JavaScript on and off, and every page scanned with axe.
func TestProcurementNoticesJourney(t *testing.T) {
	browser := browsertest.New(t)
	for i, scripts := range []string{"JavaScript on", "JavaScript off"} {
		t.Run(scripts, func(t *testing.T) {
			s := webtest.Start(t)
			officer := s.CreateUser(t, "nora@council.example", []auth.Role{auth.RoleOfficer}, "")
			_, ref, _ := cjApprovedProvider(t, s)
			now := time.Now()
			signed := now.AddDate(0, 0, -40)
			v := url.Values{"reference": {[]string{"CYP-2026-061", "CYP-2026-062"}[i]}, "title": {"Short breaks"}, "provider": {ref},
				"service_category": {"childrens_homes"}, "procurement_route": {"block"}, "total_value": {"900,000"}, "annual_value": {"300000"},
				"status": {"active"}, "award_procedure": {"open"}, "light_touch": {"no"}, "cpv_codes": {"85311300-5"},
				"estimated_value": {"900,000"}, "maximum_value": {"950,000"}, "manager": {officer.ID}}
			for name, d := range map[string]time.Time{"start_date": signed.AddDate(0, 0, 10), "end_date": signed.AddDate(3, 0, 0), "date_signed": signed} {
				v.Set(name+"-day", strconv.Itoa(d.Day()))
				v.Set(name+"-month", strconv.Itoa(int(d.Month())))
				v.Set(name+"-year", strconv.Itoa(d.Year()))
			}
			// Another officer adds the contract over HTTP, so the officer's own TOTP step is
			// left for the browser's sign-in.
			setup := s.CreateUser(t, "sam@council.example", []auth.Role{auth.RoleOfficer}, "")
			client := s.SignIn(t, setup, 0)
			resp, doc := client.Submit(t, "/contracts/new", "/contracts", v)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("adding the contract: %d %s", resp.StatusCode, doc.Find(".govuk-error-summary").Text())
			}
			contractPath := resp.Header.Get("Location")

			tab := browsertest.NewTab(t, browser)
			if scripts == "JavaScript off" {
				browsertest.DisableJavaScript(t, tab)
			}
			browsertest.SignIn(t, tab, s.URL, officer)
			cjOpen(t, tab, s.URL+contractPath)
			cjPress(t, tab, "[data-notices-link]", http.StatusOK, contractPath+"/notices")
			row := `[data-notice="contract_details"]`
			if got := browsertest.Text(t, tab, row+" [data-status]"); got != "Late" {
				t.Errorf("a details notice 40 days after signing reads %q, want Late", got)
			}
			if browsertest.Count(t, tab, "[data-performance-not-yet-due]") != 1 {
				t.Error("the performance notice is not said to be not yet due")
			}
			browsertest.AssertAccessible(t, tab) // the notices page

			data := browsertest.Download(t, tab, row+" [data-draft]")
			var rel struct {
				OCID      string
				Tag       []string
				Contracts []struct{ Documents []struct{ NoticeType string } }
			}
			if err := json.Unmarshal(data, &rel); err != nil || rel.Tag[0] != "contract" || rel.Contracts[0].Documents[0].NoticeType != "UK7" {
				t.Fatalf("the draft: %v %s", err, data)
			}

			cjOpen(t, tab, s.URL+contractPath+"/notices")
			if got := browsertest.Text(t, tab, row+" [data-status]"); got != "Late" {
				t.Errorf("a drafted notice past its day reads %q, want Late", got)
			}
			noticePath := contractPath + "/notices/"
			id, err := browsertest.Run(t, tab, chromedp.Evaluate[string](`document.querySelector('[data-notice="contract_details"]').getAttribute('data-notice-id')`))
			if err != nil {
				t.Fatal(err)
			}
			publishPath := noticePath + id + "/publish"
			cjPress(t, tab, row+" [data-record]", http.StatusOK, publishPath)
			browsertest.Fill(t, tab, map[string]string{"notice_id": "FTS 12345"})
			cjPress(t, tab, "form[data-notice-publish-form] button[type=submit]", http.StatusUnprocessableEntity, publishPath)
			if browsertest.Count(t, tab, `.govuk-error-summary a[href="#notice_id"]`) != 1 || browsertest.Count(t, tab, "#notice_id-error") != 1 {
				t.Errorf("a notice id in the wrong shape is not refused at the field%s", cjErrors(t, tab))
			}
			if got := cjValue(t, tab, "notice_id"); got != "FTS 12345" {
				t.Errorf("the notice id holds %q after the error", got)
			}
			browsertest.AssertAccessible(t, tab) // the form with its error

			noticeID := []string{"004321-2026", "004322-2026"}[i]
			browsertest.Fill(t, tab, map[string]string{"notice_id": noticeID})
			cjPress(t, tab, "form[data-notice-publish-form] button[type=submit]", http.StatusOK, contractPath+"/notices")
			if got := browsertest.Text(t, tab, row+" [data-status]"); got != "Published" {
				t.Errorf("after recording, the notice reads %q", got)
			}
			if got := browsertest.Text(t, tab, row+" [data-published-notice]"); !strings.Contains(got, noticeID) {
				t.Errorf("the published notice shows %q, want %s", got, noticeID)
			}
			browsertest.AssertAccessible(t, tab) // the page with its flash
		})
	}
}
