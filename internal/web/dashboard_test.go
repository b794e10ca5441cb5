package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/export"
	"github.com/council/provider-portal/internal/export/exporttest"
	formpkg "github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/webtest"
)

// dashToday is the UK date the running portal judges due dates on.
func dashToday() time.Time { return quality.DateOf(time.Now()) }

// dashDays is today moved by n days.
func dashDays(n int) time.Time { return dashToday().AddDate(0, 0, n) }

// dashApprove stores a section's answers as approved, as an officer's approval leaves them.
func dashApprove(t *testing.T, s *webtest.Server, orgID string, key provider.SectionKey, answers provider.Answers) {
	t.Helper()
	js, err := json.Marshal(answers)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed) VALUES ($1, $2, $3, $3, true)
		ON CONFLICT (organisation_id, section) DO UPDATE SET data = $3, approved_data = $3`, orgID, string(key), js); err != nil {
		t.Fatal(err)
	}
}

// dashInsurance approves three policies expiring in 200 days, but kind expiring on expiry.
func dashInsurance(t *testing.T, s *webtest.Server, orgID, kind string, expiry time.Time) {
	t.Helper()
	a := &provider.InsuranceAnswers{ELExempt: "no"}
	for _, k := range provider.PolicyKinds {
		start, end := dashDays(-100), dashDays(200)
		if k.Value == kind {
			end = expiry
		}
		a.Policies = append(a.Policies, provider.Policy{Kind: k.Value, Insurer: "Mutual Assurance", PolicyNumber: "P-" + k.Value,
			CoverPence: 600_000_000, Start: formpkg.DateInputOf(&start), Expiry: formpkg.DateInputOf(&end)})
	}
	dashApprove(t, s, orgID, provider.SectionInsurance, a)
}

// dashDBS approves one member of staff whose DBS status check falls due on due.
func dashDBS(t *testing.T, s *webtest.Server, orgID string, due time.Time) {
	t.Helper()
	last := due.AddDate(-1, 0, 0)
	issued := last.AddDate(-2, 0, 0)
	dashApprove(t, s, orgID, provider.SectionSafeguarding, &provider.SafeguardingAnswers{Staff: []provider.StaffMember{{
		Name: "Sam Secret", Role: "Residential care worker", Level: "enhanced_barred", CertificateLast4: "1234",
		IssueDate: formpkg.DateInputOf(&issued), UpdateService: "yes", LastCheckDate: formpkg.DateInputOf(&last), LastCheckResult: "current", Ref: "sam"}}})
}

// dashContract makes a contract for orgID ending on end, and returns its id.
func dashContract(t *testing.T, s *webtest.Server, orgID, ref, title, status string, end time.Time) string {
	t.Helper()
	var id string
	if err := s.DB.Get(&id, `INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, start_date, end_date,
		total_value_pence, annual_value_pence, status) VALUES ($1, $2, $3, 'childrens_homes', 'spot', $4, $5, 120000000, 60000000, $6) RETURNING id`,
		ref, title, orgID, end.AddDate(-2, 0, 0), end, status); err != nil {
		t.Fatal(err)
	}
	return id
}

// dashKPI adds a KPI to a contract (target 90%, amber below 80, red below 70) and returns its id.
func dashKPI(t *testing.T, s *webtest.Server, contractID, name string) string {
	t.Helper()
	var id string
	if err := s.DB.Get(&id, `INSERT INTO kpis (contract_id, name, unit, target, direction, amber_threshold, red_threshold, frequency)
		VALUES ($1, $2, '%', 90, 'higher', 80, 70, 'monthly') RETURNING id`, contractID, name); err != nil {
		t.Fatal(err)
	}
	return id
}

// dashReturn adds a KPI's return for the month ending periodEnd, due 15 days later; value < 0
// leaves it not made.
func dashReturn(t *testing.T, s *webtest.Server, kpiID string, periodEnd time.Time, value float64) string {
	t.Helper()
	status, v, at := "due", any(nil), any(nil)
	if value >= 0 {
		status, v, at = "submitted", value, periodEnd.AddDate(0, 0, 3)
	}
	var id string
	if err := s.DB.Get(&id, `INSERT INTO monitoring_returns (kpi_id, period_start, period_end, due_date, status, value, submitted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, kpiID, periodEnd.AddDate(0, -1, 1), periodEnd, periodEnd.AddDate(0, 0, 15), status, v, at); err != nil {
		t.Fatal(err)
	}
	return id
}

// dashAction adds a visit to orgID (if visitID is "") and an action due on due with a status;
// it returns the visit's and the action's ids.
func dashAction(t *testing.T, s *webtest.Server, orgID, visitID, description, status string, due time.Time) (string, string) {
	t.Helper()
	if visitID == "" {
		if err := s.DB.Get(&visitID, `INSERT INTO qa_visits (organisation_id, visited_on, announced, areas, findings, grade)
			VALUES ($1, $2, false, '{safeguarding}', 'Records were incomplete.', 'requires_improvement') RETURNING id`, orgID, dashDays(-60)); err != nil {
			t.Fatal(err)
		}
	}
	var id string
	closed := any(nil)
	if status == "closed" {
		closed = time.Now()
	}
	if err := s.DB.Get(&id, `INSERT INTO qa_actions (visit_id, organisation_id, description, owner_name, due_on, status, closed_at)
		VALUES ($1, $2, $3, 'Registered manager', $4, $5, $6) RETURNING id`, visitID, orgID, description, due, status, closed); err != nil {
		t.Fatal(err)
	}
	return visitID, id
}

// dashWorld is a register with something in every list of the dashboard.
type dashWorld struct {
	s                          *webtest.Server
	acorn, birch, cedar, elm   string
	soon, mid, late            string // contracts ending in 10, 45 and 80 days
	overdueReturn, overdueTask string
}

func newDashWorld(t *testing.T) *dashWorld {
	t.Helper()
	s := webtest.Start(t)
	w := &dashWorld{s: s}
	w.acorn = dirInsert(t, s, dirOrg{name: "+Acorn Care", rag: "red"})
	w.birch = dirInsert(t, s, dirOrg{name: "Birch Homes", rag: "amber"})
	w.cedar = dirInsert(t, s, dirOrg{name: "Cedar Fostering", rag: "green"})
	w.elm = dirInsert(t, s, dirOrg{name: "Elm Lodge", status: "suspended", rag: "green"})
	dirInsert(t, s, dirOrg{name: "Fir Submitted", status: "submitted"})
	dirInsert(t, s, dirOrg{name: "Gorse Draft", status: "draft"})
	dirInsert(t, s, dirOrg{name: "Holly Draft", status: "draft"})

	w.soon = dashContract(t, s, w.acorn, "C-SOON", "=SUM(1+1)", "active", dashDays(10))
	w.mid = dashContract(t, s, w.birch, "C-MID", "Short breaks", "active", dashDays(45))
	w.late = dashContract(t, s, w.cedar, "C-LATE", "Fostering", "active", dashDays(80))
	dashContract(t, s, w.cedar, "C-LATER", "Beyond the window", "active", dashDays(120))
	dashContract(t, s, w.elm, "C-ENDED", "Ended early", "ended", dashDays(5))
	dashContract(t, s, w.elm, "C-DRAFT", "Not agreed", "draft", dashDays(5))

	dashInsurance(t, s, w.acorn, provider.PolicyEmployersLiability, dashDays(5))
	dashInsurance(t, s, w.birch, provider.PolicyPublicLiability, dashDays(50))
	dashInsurance(t, s, w.cedar, provider.PolicyPublicLiability, dashDays(200))
	dashInsurance(t, s, w.elm, provider.PolicyProfessionalIndemnity, dashDays(85))

	dashDBS(t, s, w.acorn, dashDays(20))
	dashDBS(t, s, w.birch, dashDays(70))

	kpi := dashKPI(t, s, w.soon, "Placement stability")
	monthEnd := time.Date(dashToday().Year(), dashToday().Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1) // the last day of last month
	w.overdueReturn = dashReturn(t, s, kpi, monthEnd.AddDate(0, 0, -30), -1)                                  // due about two weeks ago
	dashReturn(t, s, kpi, monthEnd.AddDate(0, 0, -61), 85)

	visit, overdue := dashAction(t, s, w.birch, "", "Bring supervision up to date", "open", dashDays(-5))
	w.overdueTask = overdue
	dashAction(t, s, w.birch, visit, "Already done", "completed", dashDays(-10))
	dashAction(t, s, w.birch, visit, "Not due yet", "open", dashDays(10))
	return w
}

// dashCount is a count cell of the dashboard, as a number.
func dashCount(t *testing.T, sel *goquery.Selection) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(sel.Text()))
	if err != nil {
		t.Fatalf("count %q: %v", sel.Text(), err)
	}
	return n
}

// The dashboard's counts and lists match what is in the register: providers by status and
// by rating (the chart and its table), what expires within each window, and the overdue
// returns and actions.
func TestDashboardCountsMatchSeededData(t *testing.T) {
	t.Parallel()
	w := newDashWorld(t)
	oc := dirOfficer(t, w.s)
	resp, doc := oc.Get(t, "/dashboard")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %d", resp.StatusCode)
	}
	for status, want := range map[string]int{"draft": 2, "submitted": 1, "resubmitted": 0, "changes_requested": 0, "approved": 3, "suspended": 1, "rejected": 0} {
		row := doc.Find(`[data-status-counts] tr[data-status-count="` + status + `"]`)
		if got := dashCount(t, row.Find("[data-count]")); got != want {
			t.Errorf("%s: %d providers, want %d", status, got, want)
		}
		if href := row.Find("a").AttrOr("href", ""); href != "/providers?status="+status {
			t.Errorf("%s links to %q", status, href)
		}
	}
	if got := dashCount(t, doc.Find("[data-total-providers]")); got != 7 {
		t.Errorf("all providers: %d", got)
	}
	for rag, want := range map[string]int{"red": 1, "amber": 1, "green": 2, "unrated": 3} {
		if got := dashCount(t, doc.Find(`[data-rag-counts] tr[data-rag-count="`+rag+`"] [data-count]`)); got != want {
			t.Errorf("table: %s %d, want %d", rag, got, want)
		}
		bar := doc.Find(`[data-rag-chart] svg g[data-bar="` + rag + `"]`)
		if bar.AttrOr("data-count", "") != fmt.Sprint(want) || bar.Find("rect").AttrOr("fill", "") == "" || bar.Find("text").First().Text() == "" {
			t.Errorf("chart: the %s bar is %q with fill %q", rag, bar.AttrOr("data-count", ""), bar.Find("rect").AttrOr("fill", ""))
		}
	}
	if doc.Find("[data-rag-chart] [style]").Length() != 0 || doc.Find(`[data-rag-chart] svg[role="img"] title`).Length() != 1 {
		t.Error("the chart has style attributes, or no accessible name")
	}
	widths := map[string]int{}
	doc.Find("[data-rag-chart] g[data-bar]").Each(func(_ int, g *goquery.Selection) {
		widths[g.AttrOr("data-bar", "")], _ = strconv.Atoi(g.Find("rect").AttrOr("width", ""))
	})
	if !(widths["unrated"] > widths["green"] && widths["green"] > widths["red"] && widths["red"] == widths["amber"] && widths["red"] > 0) {
		t.Errorf("bar lengths do not follow the counts: %v", widths)
	}
	for kind, want := range map[string][3]int{"contracts": {1, 2, 3}, "insurance": {1, 2, 3}, "dbs": {1, 1, 2}} {
		for i, within := range []int{30, 60, 90} {
			cell := doc.Find(`[data-expiring] tr[data-expiring-row="` + kind + `"] td[data-within="` + fmt.Sprint(within) + `"]`)
			if got := dashCount(t, cell.Find("a").Contents().First()); got != want[i] {
				t.Errorf("%s within %d days: %d, want %d", kind, within, got, want[i])
			}
		}
	}
	// The lists show the 30-day window unless asked for another.
	if got := doc.Find("[data-expiring-contracts] tr[data-contract]").Length(); got != 1 {
		t.Errorf("contracts ending within 30 days: %d rows", got)
	}
	doc = dirGet(t, oc, "/dashboard?within=60")
	if doc.Find(`[data-expiring-contracts] tr[data-contract="`+w.soon+`"]`).Length() != 1 ||
		doc.Find(`[data-expiring-contracts] tr[data-contract="`+w.mid+`"]`).Length() != 1 ||
		doc.Find("[data-expiring-contracts] tr[data-contract]").Length() != 2 {
		t.Error("within 60 days: the contracts list is not the two ending in 10 and 45 days")
	}
	if doc.Find(`[data-expiring-insurance] tr[data-policy="`+w.acorn+`/employers_liability"]`).Length() != 1 ||
		doc.Find(`[data-expiring-insurance] tr[data-policy="`+w.birch+`/public_liability"]`).Length() != 1 ||
		doc.Find("[data-expiring-insurance] tr[data-policy]").Length() != 2 {
		t.Error("within 60 days: the insurance list is not Acorn's and Birch's policies")
	}
	if doc.Find(`[data-expiring-dbs] tr[data-dbs="`+w.acorn+`"]`).Length() != 1 || doc.Find("[data-expiring-dbs] tr[data-dbs]").Length() != 1 {
		t.Error("within 60 days: the DBS list is not Acorn alone")
	}
	if strings.Contains(doc.Text(), "Sam Secret") {
		t.Error("the dashboard names a member of staff from the DBS records")
	}
	if doc.Find(`[data-overdue-returns] tr[data-return]`).Length() != 1 || doc.Find(`[data-overdue-returns] tr[data-return="`+w.overdueReturn+`"]`).Length() != 1 {
		t.Error("the overdue returns list is not the one overdue return")
	}
	if doc.Find(`[data-overdue-actions] tr[data-action]`).Length() != 1 || doc.Find(`[data-overdue-actions] tr[data-action="`+w.overdueTask+`"]`).Length() != 1 {
		t.Error("the overdue actions list is not the one overdue action")
	}
	if resp, _ := oc.Get(t, "/dashboard?within=45"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a window of 45 days: %d, want 400", resp.StatusCode)
	}
	// Officers reach the dashboard from home.
	_, doc = oc.Get(t, "/")
	if doc.Find(`a[data-officer-dashboard][href="/dashboard"]`).Length() != 1 {
		t.Error("an officer's home page does not link to the dashboard")
	}
}

// Every list on the dashboard downloads as CSV and as an XLSX workbook that opens, with the
// list's rows and formulas neutralised; an unknown list is a 404 and a bad window a 400.
func TestDashboardExports(t *testing.T) {
	t.Parallel()
	w := newDashWorld(t)
	oc := dirOfficer(t, w.s)
	doc := dirGet(t, oc, "/dashboard?within=90")
	for _, tt := range []struct {
		list, header string
		rows         int
	}{
		{"statuses", "Status", 7}, {"ratings", "Compliance rating", 4}, {"contracts", "Reference", 3}, {"insurance", "Provider", 3},
		{"dbs", "Provider", 2}, {"returns", "Provider", 1}, {"actions", "Provider", 1},
	} {
		for _, format := range []string{"csv", "xlsx"} {
			href := doc.Find(`[data-downloads="`+tt.list+`"] a[data-download="`+format+`"]`).AttrOr("href", "")
			if href == "" {
				t.Errorf("%s: no %s link", tt.list, format)
				continue
			}
			resp, body := dirDownload(t, oc, href)
			if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "dashboard-"+tt.list) {
				t.Errorf("%s %s: %d %s", tt.list, format, resp.StatusCode, resp.Header.Get("Content-Disposition"))
				continue
			}
			rows := dirCSV
			if format == "xlsx" {
				rows = dirXLSX
			}
			got := rows(t, body)
			if len(got) != tt.rows+1 || got[0][0] != tt.header {
				t.Errorf("%s %s: %d rows, header %v; want %d rows under %q", tt.list, format, len(got)-1, got[0], tt.rows, tt.header)
			}
			for _, r := range got[1:] {
				for _, cell := range r {
					if strings.HasPrefix(cell, "=") || strings.HasPrefix(cell, "+") {
						t.Errorf("%s %s: a cell starts a formula: %q", tt.list, format, cell)
					}
				}
			}
			if tt.list == "contracts" && (got[1][1] != "'=SUM(1+1)" || got[1][2] != "'+Acorn Care") {
				t.Errorf("%s %s: the formula-like title and name came out as %q and %q", tt.list, format, got[1][1], got[1][2])
			}
		}
	}
	if n := count(t, w.s, `SELECT count(*) FROM audit_events WHERE action = 'dashboard.export.completed'`); n != 14 {
		t.Errorf("%d downloads audited as completed, want 14", n)
	}
	for path, want := range map[string]int{"/dashboard/nothing.csv": http.StatusNotFound, "/dashboard/contracts.csv?within=7": http.StatusBadRequest,
		"/dashboard/contracts.pdf": http.StatusNotFound} {
		if resp, _ := dirDownload(t, oc, path); resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// Providers cannot see the officers' views: every route is a 403 for them, whatever its
// parameters.
func TestDashboardDirectoryOverviewForbiddenToProviders(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := dirInsert(t, s, dirOrg{name: "Acorn Care"})
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	c, _ := sessionAs(t, s, u.ID, auth.StageFull)
	for _, path := range []string{"/dashboard", "/dashboard?within=60", "/dashboard/contracts.csv", "/dashboard/statuses.xlsx",
		"/providers", "/providers?q=acorn", "/providers.csv", "/providers.xlsx", "/providers/" + org} {
		if resp, _ := dirDownload(t, c, path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s as a provider: %d, want 403", path, resp.StatusCode)
		}
	}
	_, doc := c.Get(t, "/")
	if doc.Find("[data-officer-dashboard]").Length() != 0 {
		t.Error("a provider's home page links to the officers' dashboard")
	}
}

// The dashboard's and the directory's workbooks hold dates as dates, amounts as numbers and
// counts as numbers, in the one date format; identifiers that look like numbers stay text.
// Their CSV files write the same values in ISO 8601 and plain pounds.
func TestDashboardExportsTypeDatesMoneyAndCounts(t *testing.T) {
	t.Parallel()
	w := newDashWorld(t)
	oc := dirOfficer(t, w.s)

	_, body := dirDownload(t, oc, "/dashboard/contracts.xlsx?within=90")
	sheet := exporttest.Open(t, body)
	sheet.AssertText("Reference", 2, "C-SOON")
	sheet.AssertDate("Ends on", 2, dashDays(10))
	sheet.AssertMoney("Current value", 2, 120000000)
	if c := sheet.Cell("Current value", 2); c.Raw != "1200000" {
		t.Errorf("the contract's value is stored as %q, want 1200000 pounds", c.Raw)
	}
	rows := dirCSV(t, func() []byte { _, b := dirDownload(t, oc, "/dashboard/contracts.csv?within=90"); return b }())
	if rows[1][5] != dashDays(10).Format("2006-01-02") || rows[1][6] != "1200000.00" {
		t.Errorf("CSV ends on %q, value %q; want ISO and plain pounds", rows[1][5], rows[1][6])
	}

	_, body = dirDownload(t, oc, "/dashboard/returns.xlsx")
	sheet = exporttest.Open(t, body)
	if c := sheet.Cell("Due on", 2); !c.Number || c.Format != export.XLSXDateFormat {
		t.Errorf("a return's due date is %+v, want a date cell", c)
	}
	if c := sheet.Cell("Days overdue", 2); !c.Number || c.Format != export.XLSXCountFormat {
		t.Errorf("days overdue is %+v, want a number", c)
	}

	_, body = dirDownload(t, oc, "/dashboard/statuses.xlsx")
	sheet = exporttest.Open(t, body)
	if c := sheet.Cell("Providers", 2); !c.Number {
		t.Errorf("a count of providers is %+v, want a number", c)
	}

	org := dirInsert(t, w.s, dirOrg{name: "Zeta Zero Ltd", company: "01234567", urns: []string{"0123456"}, updated: time.Date(2026, 7, 1, 13, 30, 0, 0, time.UTC)})
	_, body = dirDownload(t, oc, "/providers.xlsx?q=zeta")
	sheet = exporttest.Open(t, body)
	if sheet.Rows() != 2 {
		t.Fatalf("the directory's workbook for %s has %d rows, want the header and one", org, sheet.Rows())
	}
	sheet.AssertText("Companies House number", 2, "01234567")
	sheet.AssertText("Ofsted URNs", 2, "0123456")
	london, _ := time.LoadLocation("Europe/London")
	sheet.AssertInstant("Last updated", 2, time.Date(2026, 7, 1, 13, 30, 0, 0, time.UTC), london)
	_, body = dirDownload(t, oc, "/providers.csv?q=zeta")
	if got := dirCSV(t, body)[1][12]; got != "2026-07-01T13:30:00Z" {
		t.Errorf("the directory's CSV writes the update time as %q, want ISO 8601 in UTC", got)
	}
}
