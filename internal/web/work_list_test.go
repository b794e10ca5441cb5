package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// workItems lists the kinds of the rows on a "Your work" page, in order.
func workItems(doc *goquery.Document) []string {
	var out []string
	doc.Find(`[data-work-item]`).Each(func(_ int, s *goquery.Selection) {
		kind, _, _ := strings.Cut(s.AttrOr("data-work-item", ""), ":")
		out = append(out, kind)
	})
	return out
}

// navWork is the text of the navigation's "Your work" link, or "" when there is none.
func navWork(doc *goquery.Document) string {
	return strings.Join(strings.Fields(doc.Find(`.govuk-service-navigation__list a[href="/work"]`).Text()), " ")
}

// workFixture: a registration waiting (a provider no one manages) and a monitoring return
// submitted for a contract the officer manages, a bank change to verify for that provider.
func workFixture(t *testing.T, s *webtest.Server, manager string) {
	t.Helper()
	old := time.Now().Add(-72 * time.Hour)
	var waiting, managed, contract, kpi string
	mustGet := func(dst *string, q string, args ...any) {
		t.Helper()
		if err := s.DB.Get(dst, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustGet(&waiting, `INSERT INTO organisations (name, status, submitted_at) VALUES ('Waiting Homes', 'submitted', $1) RETURNING id`, old)
	mustGet(&managed, `INSERT INTO organisations (name, status) VALUES ('Managed Fostering', 'approved') RETURNING id`)
	mustGet(&contract, `INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, start_date, end_date,
		total_value_pence, annual_value_pence, manager_id, status) VALUES ('CT-9', 'Placements', $1, 'childrens_homes', 'spot', '2025-01-01', '2028-01-01',
		100, 50, $2, 'active') RETURNING id`, managed, manager)
	mustGet(&kpi, `INSERT INTO kpis (contract_id, name, unit, target, direction, amber_threshold, red_threshold, frequency)
		VALUES ($1, 'Placement stability', '%', 90, 'higher', 80, 70, 'monthly') RETURNING id`, contract)
	if _, err := s.DB.Exec(`INSERT INTO monitoring_returns (kpi_id, period_start, period_end, due_date, status, value, submitted_at, updated_at)
		VALUES ($1, '2026-01-01', '2026-01-31', '2026-03-01', 'submitted', 85, now(), now())`, kpi); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`INSERT INTO bank_detail_changes (organisation_id, kind, account_name, sort_code_sealed, account_number_sealed, sort_code_last2,
		account_last4, remittance_email, requested_by_name, expires_at) VALUES ($1, 'initial', 'Managed Fostering Ltd', 'x', 'x', '12', '4958',
		'pay@supplier.test', 'Registration', now() + interval '30 days')`, managed); err != nil {
		t.Fatal(err)
	}
}

func TestYourWorkForEachRole(t *testing.T) {
	s := webtest.Start(t)
	officer := s.CreateUser(t, "officer@council.test", []auth.Role{auth.RoleOfficer}, "")
	finance := s.CreateUser(t, "finance@council.test", []auth.Role{auth.RoleFinance}, "")
	dpo := s.CreateUser(t, "dpo@council.test", []auth.Role{auth.RoleDPO}, "")
	provider := s.CreateUser(t, "provider@supplier.test", []auth.Role{auth.RoleProvider}, s.NewOrganisation(t, "Some Supplier"))
	workFixture(t, s, officer.ID)

	c := s.SignIn(t, officer, 0)
	resp, doc := c.Get(t, "/work")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("officer /work: status %d", resp.StatusCode)
	}
	if got, want := workItems(doc), []string{"submission", "return"}; !slices.Equal(got, want) {
		t.Errorf("officer's work = %v, want %v (oldest first)", got, want)
	}
	if got := navWork(doc); got != "Your work (2 items waiting for you)" {
		t.Errorf("nav = %q", got)
	}
	if hint := doc.Find(`[data-nav-count] .govuk-visually-hidden`).Text(); hint != " items waiting for you" {
		t.Errorf("the count's explanation is %q", hint)
	}
	if age := strings.TrimSpace(doc.Find(`[data-work-item^="submission:"] [data-age]`).Text()); age != "3" {
		t.Errorf("the registration has waited %q days, want 3", age)
	}
	if href := doc.Find(`[data-work-item^="return:"] a`).AttrOr("href", ""); !strings.HasPrefix(href, "/returns/") {
		t.Errorf("the return links to %q", href)
	}
	// "My contracts and providers": the return for the contract they manage, not the
	// registration of a provider no one manages.
	_, doc = c.Get(t, "/work?show=mine")
	if got, want := workItems(doc), []string{"return"}; !slices.Equal(got, want) {
		t.Errorf("officer's own work = %v, want %v", got, want)
	}
	if _, ok := doc.Find(`#show-mine`).Attr("checked"); !ok {
		t.Error("the filter does not show it is on")
	}
	if cap := doc.Find(`[data-work-total]`).Text(); !strings.Contains(cap, "1 item waiting for your contracts and providers") {
		t.Errorf("caption = %q", cap)
	}

	c = s.SignIn(t, finance, 0)
	_, doc = c.Get(t, "/work")
	if got, want := workItems(doc), []string{"bank_verification"}; !slices.Equal(got, want) {
		t.Errorf("finance work = %v, want %v", got, want)
	}
	if got := navWork(doc); got != "Your work (1 item waiting for you)" {
		t.Errorf("finance nav = %q", got)
	}

	c = s.SignIn(t, dpo, 0)
	_, doc = c.Get(t, "/work")
	if len(workItems(doc)) != 0 || doc.Find(`[data-work-empty]`).Length() != 1 {
		t.Errorf("dpo has work %v", workItems(doc))
	}
	if got := navWork(doc); got != "Your work (0 items waiting for you)" {
		t.Errorf("dpo nav = %q", got)
	}

	c = s.SignIn(t, provider, 0)
	resp, doc = c.Get(t, "/work")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("provider /work: status %d, want 403", resp.StatusCode)
	}
	if navWork(doc) != "" {
		t.Error("a provider's navigation offers Your work")
	}
}

func TestWorkEmailChoiceOnTheAccountPage(t *testing.T) {
	s := webtest.Start(t)
	officer := s.CreateUser(t, "officer@council.test", []auth.Role{auth.RoleOfficer}, "")
	provider := s.CreateUser(t, "provider@supplier.test", []auth.Role{auth.RoleProvider}, s.NewOrganisation(t, "Some Supplier"))

	c := s.SignIn(t, officer, 0)
	_, doc := c.Get(t, "/account")
	if v := doc.Find(`input[name="work_email"][checked]`).AttrOr("value", ""); v != "daily" {
		t.Errorf("the choice before choosing is %q, want daily", v)
	}
	resp, doc := c.Submit(t, "/account", "/account/work-email", url.Values{"work_email": {"sometimes"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown choice: status %d", resp.StatusCode)
	}
	if links := summaryLinks(doc); links["#work_email"] == "" {
		t.Errorf("error summary = %v", links)
	}
	resp, doc = c.Submit(t, "/account", "/account/work-email", url.Values{"work_email": {"immediate"}})
	if links := summaryLinks(doc); resp.StatusCode != http.StatusUnprocessableEntity || links["#work_scope"] == "" {
		t.Errorf("an officer not saying which work: status %d, errors %v", resp.StatusCode, links)
	}
	if v := doc.Find(`input[name="work_email"][checked]`).AttrOr("value", ""); v != "daily" {
		t.Errorf("after an error the stored choice shows as %q", v)
	}
	resp, _ = c.Submit(t, "/account", "/account/work-email", url.Values{"work_email": {"immediate"}, "work_scope": {"mine"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d", resp.StatusCode)
	}
	_, doc = c.Get(t, "/account")
	if v := doc.Find(`input[name="work_email"][checked]`).AttrOr("value", ""); v != "immediate" {
		t.Errorf("saved choice shows as %q", v)
	}
	if v := doc.Find(`input[name="work_scope"][checked]`).AttrOr("value", ""); v != "mine" {
		t.Errorf("saved scope shows as %q", v)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'user.work_email.set' AND object_id = $1`, officer.ID); n != 1 {
		t.Errorf("%d audit events for the choice", n)
	}

	p := s.SignIn(t, provider, 0)
	_, doc = p.Get(t, "/account")
	if doc.Find(`[data-work-email-form]`).Length() != 0 {
		t.Error("a provider is offered work emails")
	}
	// Finance officers manage no contracts: they choose only how often.
	fin := s.SignIn(t, s.CreateUser(t, "finance@council.test", []auth.Role{auth.RoleFinance}, ""), 0)
	_, doc = fin.Get(t, "/account")
	if doc.Find(`[data-work-email-form] input[name="work_email"]`).Length() != 3 || doc.Find(`input[name="work_scope"]`).Length() != 0 {
		t.Error("finance's email choices are not just how often")
	}
	if resp, _ := fin.Submit(t, "/account", "/account/work-email", url.Values{"work_email": {"none"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("finance saving: status %d", resp.StatusCode)
	}
	resp, _ = p.Submit(t, "/account", "/account/work-email", url.Values{"work_email": {"immediate"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("provider saving a work email choice: status %d", resp.StatusCode)
	}
}
