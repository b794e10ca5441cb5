package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/webtest"
)

// complianceSettingsForm is the settings page's form as shown, with its hidden fields.
func complianceSettingsForm(t *testing.T, c *webtest.Client) url.Values {
	t.Helper()
	resp, doc := c.Get(t, "/quality/settings")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("settings page: %d", resp.StatusCode)
	}
	v := url.Values{}
	doc.Find("form[data-settings-form] input").Each(func(_ int, in *goquery.Selection) {
		v.Set(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	return v
}

// TestComplianceSettingsPage: officers and administrators change the thresholds; bad values
// come back with a message each; a save over someone else's change is refused; every save is
// audited; and a provider's page uses the new values at once.
func TestComplianceSettingsPage(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	a := newQAProvider(t, s, "acorn", "Acorn Fostering")
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	admin := s.CreateUser(t, "ada@council.example", []auth.Role{auth.RoleAdmin}, "")
	oc, ac := s.SignIn(t, officer, 0), s.SignIn(t, admin, 0)

	v := complianceSettingsForm(t, oc)
	if v.Get("insurance_warning_days") != "30" || v.Get("reminder_days") != "60, 30, 7" || v.Get("min_employers_liability") != "5000000" ||
		v.Get("judgement_max_age_years") != "3" {
		t.Fatalf("defaults shown: %v", v)
	}
	bad := url.Values{}
	for k, vs := range v {
		bad[k] = vs
	}
	bad.Set("insurance_warning_days", "0")
	bad.Set("min_employers_liability", "1000000")
	bad.Set("reminder_days", "30, 30")
	bad.Set("judgement_max_age_years", "11")
	resp, doc := oc.Post(t, "/quality/settings", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad settings: %d", resp.StatusCode)
	}
	links := summaryLinks(doc)
	if len(links) != 4 || links["#insurance_warning_days"] == "" || !strings.Contains(links["#min_employers_liability"], "legal minimum") || links["#reminder_days"] == "" ||
		links["#judgement_max_age_years"] != "Enter a number of years from 1 to 10" {
		t.Errorf("errors %v", links)
	}
	if got, _ := inputValue(doc, "reminder_days"); got != "30, 30" {
		t.Errorf("the refused form shows %q, not what was typed", got)
	}

	// The provider's public liability policy expires in six months: green at 30 days' warning.
	_, doc = oc.Get(t, "/quality/providers/"+a.OrgID)
	if rag, _ := qaReason(doc, "insurance"); rag != "green" {
		t.Fatalf("insurance at the default warning: %s", rag)
	}
	v.Set("insurance_warning_days", "365")
	resp, _ = oc.Post(t, "/quality/settings", v)
	if loc := location(t, resp); loc.Path != "/quality/settings" {
		t.Fatalf("saved, redirected to %s", loc)
	}
	_, doc = oc.Get(t, "/quality/providers/"+a.OrgID)
	if rag, why := qaReason(doc, "insurance"); rag != "amber" || !strings.Contains(why, "within 365 days") {
		t.Errorf("insurance at a 365-day warning: %s %q", rag, why)
	}
	stored, err := quality.LoadSettings(t.Context(), s.DB)
	if err != nil {
		t.Fatal(err)
	}
	if stored.InsuranceWarningDays != 365 {
		t.Errorf("stored %+v", stored)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'quality.settings.updated' AND actor_id = $1
		AND summary->'insurance_warning_days' = '{"from": 30, "to": 365}'`, officer.ID); n != 1 {
		t.Errorf("%d audit events with the change", n)
	}

	// The administrator opened the page before the officer saved: refused, input kept.
	stale := complianceSettingsForm(t, ac)
	stale.Set("fingerprint", v.Get("fingerprint"))
	stale.Set("dbs_check_months", "6")
	resp, doc = ac.Post(t, "/quality/settings", stale)
	if resp.StatusCode != http.StatusConflict || doc.Find("[data-conflict]").Length() != 1 {
		t.Fatalf("stale save: %d", resp.StatusCode)
	}
	if got, _ := inputValue(doc, "dbs_check_months"); got != "6" {
		t.Errorf("the refused form shows %q", got)
	}
	// Having seen the warning, saving again (with the fingerprint the page now carries) works.
	fingerprint, _ := doc.Find(`input[name="fingerprint"]`).Attr("value")
	stale.Set("fingerprint", fingerprint)
	resp, _ = ac.Post(t, "/quality/settings", stale)
	location(t, resp)
	if stored, _ = quality.LoadSettings(t.Context(), s.DB); stored.DBSCheckMonths != 6 {
		t.Errorf("admin's save: %+v", stored)
	}
}
