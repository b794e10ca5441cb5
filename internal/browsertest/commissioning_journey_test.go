package browsertest_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/webtest"
)

// TestCommissioningJourney walks issue 5's contract journey in one browser: an officer
// adds a contract for an approved provider and a KPI for it; the provider signs in, finds
// the overdue return, makes a mistake, then submits it with commentary and evidence; the
// officer sees the return waiting, the KPI's chart and table with its amber rating, and
// accepts it. The contract page, the KPI page with its chart, the return form and the
// return form with errors are scanned with axe on the way.
func TestCommissioningJourney(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	officerTab := browsertest.NewTab(t, browser)
	providerTab := browsertest.NewTab(t, browser)
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	orgID, ref, providerUser := cjApprovedProvider(t, s)
	evidence := filepath.Join(t.TempDir(), "stability-log.pdf")
	if err := os.WriteFile(evidence, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The contract started on the first of the month three months ago, so its first
	// monthly return is long overdue.
	now := time.Now()
	start := time.Date(now.Year(), now.Month()-3, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(2, 0, -1)
	var contractPath, kpiPath, returnID string

	halted := false
	step := func(name string, fn func(t *testing.T)) {
		t.Helper()
		if halted {
			return
		}
		finished := false
		t.Run(name, func(t *testing.T) {
			fn(t)
			finished = true // not reached when fn stops the step with t.Fatal
		})
		halted = !finished
	}

	step("an officer adds a contract for the approved provider", func(t *testing.T) {
		browsertest.SignIn(t, officerTab, s.URL, officer)
		cjOpen(t, officerTab, s.URL+"/contracts")
		cjPress(t, officerTab, "[data-new-contract]", http.StatusOK, "/contracts/new")
		values := map[string]string{"reference": "CYP-2025-014", "title": "Residential placements, East Midlands", "provider": ref,
			"framework_name": "East Midlands regional placements framework", "lot": "2",
			"total_value": "1,200,000", "annual_value": "600000", "payment_terms": "Monthly in arrears",
			"cpv_codes": "85311300-5", "estimated_value": "1,200,000", "maximum_value": "1,300,000"}
		cjDateInto(values, "start_date", start)
		cjDateInto(values, "end_date", end)
		browsertest.Fill(t, officerTab, values)
		cjTick(t, officerTab, "service_category", "childrens_homes")
		cjTick(t, officerTab, "procurement_route", "framework")
		cjTick(t, officerTab, "award_procedure", "call_off")
		cjTick(t, officerTab, "light_touch", "yes")
		if got := cjValue(t, officerTab, "manager"); got != officer.ID {
			t.Errorf("the manager defaults to %q, want the officer adding the contract", got)
		}
		got := browsertest.Click(t, officerTab, "form[data-contract-form] button[type=submit]")
		contractPath = browsertest.Location(t, officerTab).Path
		if got != http.StatusOK || !strings.HasPrefix(contractPath, "/contracts/") {
			t.Fatalf("adding the contract: status %d on %s%s", got, contractPath, cjErrors(t, officerTab))
		}
		if got := browsertest.Text(t, officerTab, "[data-reference]"); got != "CYP-2025-014" {
			t.Errorf("the contract page shows reference %q", got)
		}
		if got := browsertest.Text(t, officerTab, "main [data-contract-status]"); got != "Active" {
			t.Errorf("the contract's status reads %q", got)
		}
		browsertest.AssertAccessible(t, officerTab) // the contract page
	})

	step("the officer adds a KPI", func(t *testing.T) {
		cjPress(t, officerTab, "[data-add-kpi]", http.StatusOK, contractPath+"/kpis/new")
		browsertest.Fill(t, officerTab, map[string]string{"name": "Placement stability", "unit": "%", "target": "95",
			"amber_threshold": "90", "red_threshold": "80"})
		cjTick(t, officerTab, "measure", "percentage")
		cjPress(t, officerTab, "form[data-kpi-form] button[type=submit]", http.StatusOK, contractPath)
		if got := browsertest.Count(t, officerTab, "[data-kpis] [data-kpi-row]"); got != 1 {
			t.Fatalf("the contract lists %d KPIs, want 1", got)
		}
		kpiPath, _ = browsertest.Run(t, officerTab, chromedp.Evaluate[string](`document.querySelector('[data-kpi-row] a').getAttribute('href')`))
		if !strings.HasPrefix(kpiPath, "/kpis/") {
			t.Fatalf("the KPI links to %q", kpiPath)
		}
	})

	step("the provider finds the overdue return and makes a mistake", func(t *testing.T) {
		browsertest.SignIn(t, providerTab, s.URL, providerUser)
		cjOpen(t, providerTab, s.URL+"/provider/contracts")
		if got := browsertest.Text(t, providerTab, "[data-to-do] [data-return-row] [data-return-status]"); got != "Overdue" {
			t.Errorf("the oldest return reads %q, want Overdue", got)
		}
		browsertest.Click(t, providerTab, "[data-to-do] [data-return-row] a")
		p := browsertest.Location(t, providerTab).Path
		if !strings.HasPrefix(p, "/provider/returns/") {
			t.Fatalf("the return link went to %s", p)
		}
		returnID = strings.TrimPrefix(p, "/provider/returns/")
		browsertest.AssertAccessible(t, providerTab) // the return form
		browsertest.Fill(t, providerTab, map[string]string{"value": "85"})
		cjPress(t, providerTab, "form[data-return-form] button[type=submit]", http.StatusUnprocessableEntity, p)
		if browsertest.Count(t, providerTab, `.govuk-error-summary a[href="#commentary"]`) != 1 || browsertest.Count(t, providerTab, "#commentary-error") != 1 {
			t.Errorf("an amber value without commentary is not refused at the commentary%s", cjErrors(t, providerTab))
		}
		if got := cjValue(t, providerTab, "value"); got != "85" {
			t.Errorf("the value box holds %q after the error, want 85", got)
		}
		browsertest.AssertAccessible(t, providerTab) // the return form with errors
	})

	step("the provider submits the return with commentary and evidence", func(t *testing.T) {
		browsertest.Fill(t, providerTab, map[string]string{"commentary": "Two children moved in an emergency; both moves were planned with their social workers."})
		browsertest.Do(t, providerTab, chromedp.SetUploadFiles(chromedp.ID("evidence"), []string{evidence}))
		cjPress(t, providerTab, "form[data-return-form] button[type=submit]", http.StatusOK, "/provider/returns/"+returnID)
		if got := browsertest.Text(t, providerTab, "main p [data-return-status]"); got != "Awaiting review" {
			t.Errorf("after submitting the return reads %q", got)
		}
		if browsertest.Count(t, providerTab, "main [data-late]") != 1 {
			t.Error("a return made after its due date is not flagged late")
		}
		if got := browsertest.Text(t, providerTab, "[data-evidence]"); got != "stability-log.pdf" {
			t.Errorf("the evidence reads %q", got)
		}
	})

	step("the officer sees the return and its RAG, accepts it, and then it is charted", func(t *testing.T) {
		cjOpen(t, officerTab, s.URL+contractPath)
		if browsertest.Count(t, officerTab, `[data-waiting] [data-return-row="`+returnID+`"]`) != 1 {
			t.Error("the contract page does not list the return waiting for review")
		}
		// Not accepted yet, so not the KPI's figure.
		if got := browsertest.Text(t, officerTab, "[data-kpi-row] [data-rag]"); got != "No value" {
			t.Errorf("the KPI's latest rating reads %q before the return is accepted", got)
		}
		cjPress(t, officerTab, `[data-waiting] [data-return-row="`+returnID+`"] a`, http.StatusOK, "/returns/"+returnID)
		if got := browsertest.Text(t, officerTab, "[data-value] [data-rag]"); got != "Amber" {
			t.Errorf("the return's rating reads %q", got)
		}
		if got := browsertest.Text(t, officerTab, "[data-commentary]"); !strings.Contains(got, "Two children moved") {
			t.Errorf("the officer sees commentary %q", got)
		}
		cjPress(t, officerTab, "[data-accept]", http.StatusOK, "/returns/"+returnID)
		if got := browsertest.Text(t, officerTab, "main p [data-return-status]"); got != "Accepted" {
			t.Errorf("after accepting the return reads %q", got)
		}
		if got := browsertest.Text(t, officerTab, ".govuk-notification-banner__heading"); got != "Return accepted." {
			t.Errorf("the banner reads %q", got)
		}
		cjOpen(t, officerTab, s.URL+contractPath)
		if got := browsertest.Text(t, officerTab, "[data-kpi-row] [data-rag]"); got != "Amber" {
			t.Errorf("the KPI's latest rating reads %q", got)
		}
		cjPress(t, officerTab, "[data-kpi-row] a", http.StatusOK, kpiPath)
		if got := browsertest.Count(t, officerTab, `figure[data-chart] svg[role="img"]`); got != 1 {
			t.Fatalf("%d charts with role img on the KPI page", got)
		}
		// An SVG title is not rendered, so it has no innerText: read what assistive technology reads.
		title, err := browsertest.Run(t, officerTab, chromedp.Evaluate[string](`document.querySelector('figure[data-chart] svg title').textContent`))
		if got := strings.TrimSpace(title); err != nil || got != "Placement stability by month" {
			t.Errorf("the chart's title is %q", got)
		}
		if browsertest.Count(t, officerTab, `figure[data-chart] [data-points] [data-rag="amber"]`) != 1 || browsertest.Count(t, officerTab, "figure[data-chart] [data-target] line") != 1 {
			t.Error("the chart does not show the amber point and the target line")
		}
		if got := browsertest.Text(t, officerTab, "[data-chart-table] tbody tr:first-child [data-rating]"); got != "Amber" {
			t.Errorf("the table's first rating reads %q", got)
		}
		if got := browsertest.Text(t, officerTab, "[data-chart-table] tbody tr:first-child [data-value]"); got != "85%" {
			t.Errorf("the table's first value reads %q", got)
		}
		browsertest.AssertAccessible(t, officerTab) // the KPI page with its chart
		cjPress(t, officerTab, `[data-chart-table] a[href="/returns/`+returnID+`"]`, http.StatusOK, "/returns/"+returnID)
	})

	step("the acceptance is recorded", func(t *testing.T) {
		var status, by string
		if err := s.DB.QueryRow(`SELECT r.status, r.accepted_by_name FROM monitoring_returns r JOIN kpis k ON k.id = r.kpi_id
			JOIN contracts c ON c.id = k.contract_id WHERE r.id = $1 AND c.organisation_id = $2`, returnID, orgID).Scan(&status, &by); err != nil {
			t.Fatal(err)
		}
		if status != "accepted" || by != officer.Name {
			t.Errorf("stored: %s by %q", status, by)
		}
	})
}

// cjApprovedProvider makes an approved provider through the record's own service, with a
// user; it returns the organisation's id and supplier reference and the user.
func cjApprovedProvider(t *testing.T, s *webtest.Server) (string, string, *webtest.TestUser) {
	t.Helper()
	orgID := s.NewOrganisation(t, "Acorn Care Ltd")
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, orgID)
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: u.ID, Email: u.Email, Roles: []string{"provider"}})
	sections := map[provider.SectionKey]provider.Answers{
		provider.SectionOrganisation: &provider.OrganisationAnswers{LegalName: "Acorn Care Ltd", LegalForm: "company", CompaniesHouseNumber: "01234567",
			StartDate: form.DateInput{Day: "1", Month: "4", Year: "2010"}, OperationType: "sme", ServiceCategories: []string{"childrens_homes"}},
		provider.SectionContacts: &provider.ContactsAnswers{KeyContactName: "Kim Key", KeyContactRole: "Director",
			KeyContactEmail: "kim@acorn.example", KeyContactPhone: "01632 960001"},
	}
	for key, a := range sections {
		def, _ := provider.SectionByKey(string(key))
		if err := s.Providers.SaveSection(ctx, orgID, def, a, 0); err != nil {
			t.Fatalf("save %s: %v", key, err)
		}
	}
	if _, err := s.DB.Exec(`UPDATE organisations SET status = 'approved', decided_at = now() WHERE id = $1`, orgID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`UPDATE provider_sections SET approved_data = data, completed = true WHERE organisation_id = $1`, orgID); err != nil {
		t.Fatal(err)
	}
	var ref string
	if err := s.DB.Get(&ref, `SELECT supplier_ref FROM organisations WHERE id = $1`, orgID); err != nil {
		t.Fatal(err)
	}
	return orgID, ref, u
}

// cjOpen loads a page and fails unless it is 200.
func cjOpen(t *testing.T, tab context.Context, url string) {
	t.Helper()
	if got := browsertest.Open(t, tab, url); got != http.StatusOK {
		t.Fatalf("GET %s: status %d%s", url, got, cjErrors(t, tab))
	}
}

// cjPress clicks what css finds and checks the status and path of the page it loads.
func cjPress(t *testing.T, tab context.Context, css string, wantStatus int, wantPath string) {
	t.Helper()
	got := browsertest.Click(t, tab, css)
	if path := browsertest.Location(t, tab).Path; got != wantStatus || path != wantPath {
		t.Fatalf("clicking %s: status %d on %s, want %d on %s%s", css, got, path, wantStatus, wantPath, cjErrors(t, tab))
	}
}

// cjTick clicks the radio button of the field name with that value.
func cjTick(t *testing.T, tab context.Context, name, value string) {
	t.Helper()
	browsertest.Do(t, tab, chromedp.Click(chromedp.CSS(`input[name="`+name+`"][value="`+value+`"]`)))
}

// cjValue is the current value of the form control with that id.
func cjValue(t *testing.T, tab context.Context, id string) string {
	t.Helper()
	v, err := browsertest.Run(t, tab, chromedp.Evaluate[string](`document.getElementById(`+strconv.Quote(id)+`).value`))
	if err != nil {
		t.Fatalf("reading #%s: %v", id, err)
	}
	return v
}

// cjDateInto puts a date into the three boxes of a GOV.UK date field.
func cjDateInto(values map[string]string, name string, d time.Time) {
	values[name+"-day"] = strconv.Itoa(d.Day())
	values[name+"-month"] = strconv.Itoa(int(d.Month()))
	values[name+"-year"] = strconv.Itoa(d.Year())
}

// cjErrors describes the error summary the page shows, if any, for a failure message.
func cjErrors(t *testing.T, tab context.Context) string {
	t.Helper()
	if browsertest.Count(t, tab, ".govuk-error-summary") == 0 {
		return ""
	}
	return ", showing: " + strings.Join(strings.Fields(browsertest.Text(t, tab, ".govuk-error-summary")), " ")
}
