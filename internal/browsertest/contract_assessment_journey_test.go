package browsertest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/webtest"
)

// TestContractAssessmentJourney: a contract that started 13 months ago with a KPI marked most
// material has an overdue performance assessment in the officer's work. From there the
// officer opens the assessment, sees the proposal with the accepted values, changes the
// rating without a reason (refused, the choice kept), gives the reason and confirms; the
// contract page lists it. With JavaScript on and off, and every page scanned with axe.
func TestContractAssessmentJourney(t *testing.T) {
	browser := browsertest.New(t)
	for _, scripts := range []string{"JavaScript on", "JavaScript off"} {
		t.Run(scripts, func(t *testing.T) {
			s := webtest.Start(t)
			officer := s.CreateUser(t, "nora@council.example", []auth.Role{auth.RoleOfficer}, "")
			orgID, ref, pat := cjApprovedProvider(t, s)
			contractID := caContract(t, s, officer, orgID, ref, pat)
			tab := browsertest.NewTab(t, browser)
			if scripts == "JavaScript off" {
				browsertest.DisableJavaScript(t, tab)
			}
			browsertest.SignIn(t, tab, s.URL, officer)
			cjOpen(t, tab, s.URL+"/work")
			item := `a[href="/contracts/` + contractID + `/assessments/new"]`
			if browsertest.Count(t, tab, item) != 1 || !strings.Contains(browsertest.Text(t, tab, "main"), "Performance assessment overdue") {
				t.Fatalf("the overdue assessment is not in the officer's work: %s", browsertest.Text(t, tab, "main"))
			}
			browsertest.AssertAccessible(t, tab) // the work list with the assessment

			cjPress(t, tab, item, http.StatusOK, "/contracts/"+contractID+"/assessments/new")
			if got := browsertest.Text(t, tab, "[data-evidence]"); !strings.Contains(got, "97%") || !strings.Contains(got, "93%") {
				t.Errorf("the evidence reads %q", got)
			}
			if got := browsertest.Text(t, tab, "[data-proposed]"); got != "Good" {
				t.Errorf("the proposal reads %q", got)
			}
			browsertest.AssertAccessible(t, tab) // the assessment form

			cjTick(t, tab, "kpi-0-rating", "approaching_target")
			cjTick(t, tab, "overall", "approaching_target")
			cjPress(t, tab, "form[data-assessment-form] button[type=submit]", http.StatusUnprocessableEntity, "/contracts/"+contractID+"/assessments")
			if browsertest.Count(t, tab, `.govuk-error-summary a[href="#reason"]`) != 1 || browsertest.Count(t, tab, "#reason-error") != 1 {
				t.Errorf("a changed rating without a reason is not refused at the reason%s", cjErrors(t, tab))
			}
			if browsertest.Count(t, tab, `input[name="kpi-0-rating"][value="approaching_target"]:checked`) != 1 {
				t.Error("the officer's rating was not kept")
			}
			browsertest.AssertAccessible(t, tab) // the form with its error

			browsertest.Fill(t, tab, map[string]string{"reason": "Two placements moved at short notice in the spring."})
			cjPress(t, tab, "form[data-assessment-form] button[type=submit]", http.StatusOK, "/contracts/"+contractID)
			if got := browsertest.Text(t, tab, "[data-assessments] [data-assessment-rating]"); got != "Approaching target" {
				t.Errorf("the contract page shows the rating %q", got)
			}
			if got := browsertest.Text(t, tab, "[data-assessment-due]"); strings.Contains(got, "Overdue") {
				t.Errorf("still overdue after the assessment: %q", got)
			}
			browsertest.AssertAccessible(t, tab) // the contract page with its assessment
		})
	}
}

// caContract makes, through the contract service, an active contract that started 13 months
// ago with one monthly KPI marked most material, and two returns made and accepted.
func caContract(t *testing.T, s *webtest.Server, officer *webtest.TestUser, orgID, ref string, pat *webtest.TestUser) string {
	t.Helper()
	svc := s.Services.Contracts
	octx := audit.WithActor(context.Background(), audit.Actor{UserID: officer.ID, Email: officer.Email, Roles: []string{"officer"}})
	pctx := audit.WithActor(context.Background(), audit.Actor{UserID: pat.ID, Email: pat.Email, Roles: []string{"provider"}})
	now := time.Now()
	start := time.Date(now.Year()-1, now.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(3, 0, -1)
	signed := start.AddDate(0, 0, -10)
	c, err := svc.CreateContract(octx, contract.ContractForm{Reference: "CYP-2025-077", Title: "Residential placements", Provider: ref,
		ServiceCategory: "childrens_homes", Route: "block", StartDate: form.DateInputOf(&start), EndDate: form.DateInputOf(&end),
		TotalValue: "1,200,000", AnnualValue: "400000", ManagerID: officer.ID, Status: "active", DateSigned: form.DateInputOf(&signed),
		Procedure: "pcr2015", LightTouch: "yes", CPVCodes: "85311300-5", EstimatedValue: "1,200,000", MaximumValue: "1,200,000"})
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	if _, err := svc.CreateKPI(octx, c.ID, contract.KPIForm{Name: "Placement stability", Unit: "%", Measure: "percentage", Target: "95",
		Direction: "higher", Amber: "90", Red: "80", Frequency: "monthly", MostMaterial: "yes"}); err != nil {
		t.Fatalf("kpi: %v", err)
	}
	rs, _, err := contract.Returns(context.Background(), s.DB, contract.ReturnFilter{ContractID: c.ID, Today: svc.Today(), Limit: 2})
	if err != nil || len(rs) != 2 {
		t.Fatalf("returns %d, %v", len(rs), err)
	}
	for i, v := range []string{"97", "93"} {
		if err := svc.SubmitReturn(pctx, orgID, rs[i].ID, rs[i].Version, contract.ReturnForm{Value: v, Commentary: "As reported"}, nil); err != nil {
			t.Fatalf("submit: %v", err)
		}
		r, err := contract.ReturnByID(context.Background(), s.DB, rs[i].ID, svc.Today())
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.AcceptReturn(octx, r.ID, r.Version); err != nil {
			t.Fatalf("accept: %v", err)
		}
	}
	return c.ID
}
