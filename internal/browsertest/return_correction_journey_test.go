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

// TestReturnCorrectionJourney walks issue 14's returns journey, once with JavaScript and
// once without: a provider's impossible figure (a negative count) is refused at the value
// with the KPI's rule; the officer queries the figure returned; the provider sees the
// question and sends a corrected figure, which is refused while it is not a whole number;
// the first figure stays in the return's history for both of them; the officer accepts the
// correction, and only then does it reach the KPI's chart and the published data.
func TestReturnCorrectionJourney(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	_, ref, providerUser := cjApprovedProvider(t, s)
	svc := s.Services.Contracts
	octx := audit.WithActor(context.Background(), audit.Actor{UserID: officer.ID, Email: officer.Email, Roles: []string{"officer"}})
	now := time.Now()
	start := time.Date(now.Year(), now.Month()-3, 1, 0, 0, 0, 0, time.UTC)
	c, err := svc.CreateContract(octx, contract.ContractForm{Reference: "CYP-2025-021", Title: "Residential placements", Provider: ref,
		ServiceCategory: "childrens_homes", Route: "block", StartDate: rcDate(start), EndDate: rcDate(start.AddDate(2, 0, -1)),
		TotalValue: "1,200,000", AnnualValue: "600000", PaymentTerms: "Monthly in arrears", ManagerID: officer.ID, Status: "active",
		DateSigned: rcDate(start.AddDate(0, 0, -10)), Procedure: "open", LightTouch: "yes", CPVCodes: "85311300-5",
		EstimatedValue: "1,200,000", MaximumValue: "1,200,000"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := svc.CreateKPI(octx, c.ID, contract.KPIForm{Name: "Missing from care episodes", Unit: "episodes", Measure: "count",
		Target: "2", Direction: "lower", Amber: "3", Red: "5", Frequency: "monthly"})
	if err != nil {
		t.Fatal(err)
	}
	returns, _, err := contract.Returns(context.Background(), s.DB, contract.ReturnFilter{KPIID: k.ID, Today: svc.Today(), Limit: 2})
	if err != nil || len(returns) != 2 || !returns[1].Open() {
		t.Fatalf("the first two returns %+v (%v)", returns, err)
	}

	// Each sign-in takes a TOTP code, and a user gets two per 30-second step: the journey
	// without JavaScript is walked by a second officer.
	oliveTab := browsertest.NewTab(t, browser)
	browsertest.SignIn(t, oliveTab, s.URL, officer)
	officers := []*webtest.TestUser{officer, s.CreateUser(t, "oscar@council.example", []auth.Role{auth.RoleOfficer}, "")}

	t.Run("the KPI form refuses a target its measure cannot have", func(t *testing.T) {
		tab := oliveTab
		path := "/contracts/" + c.ID + "/kpis"
		cjOpen(t, tab, s.URL+path+"/new")
		browsertest.Fill(t, tab, map[string]string{"name": "Children in education", "unit": "%", "target": "120",
			"amber_threshold": "90", "red_threshold": "80"})
		cjTick(t, tab, "measure", "count")
		cjPress(t, tab, "form[data-kpi-form] button[type=submit]", http.StatusUnprocessableEntity, path)
		if got := browsertest.Text(t, tab, `.govuk-error-summary a[href="#measure"]`); !strings.HasPrefix(got, "A value in % is a percentage") {
			t.Errorf("a count in %% is refused with %q%s", got, cjErrors(t, tab))
		}
		browsertest.AssertAccessible(t, tab) // the KPI form with its measure, refused
		cjTick(t, tab, "measure", "percentage")
		cjPress(t, tab, "form[data-kpi-form] button[type=submit]", http.StatusUnprocessableEntity, path)
		if got := browsertest.Text(t, tab, `.govuk-error-summary a[href="#target"]`); got != "The target must be a percentage from 0 to 100" {
			t.Errorf("a target of 120%% is refused with %q%s", got, cjErrors(t, tab))
		}
	})

	for i, mode := range []string{"with JavaScript", "without JavaScript"} {
		returnID := returns[i].ID
		t.Run(mode, func(t *testing.T) {
			officer, officerTab, providerTab := officers[i], oliveTab, browsertest.NewTab(t, browser)
			if mode == "without JavaScript" {
				officerTab = browsertest.NewTab(t, browser)
				browsertest.DisableJavaScript(t, officerTab)
				browsertest.DisableJavaScript(t, providerTab)
				browsertest.SignIn(t, officerTab, s.URL, officer)
			}
			browsertest.SignIn(t, providerTab, s.URL, providerUser)
			providerPath, officerPath := "/provider/returns/"+returnID, "/returns/"+returnID

			// An impossible figure is refused at the value, with the KPI's rule.
			cjOpen(t, providerTab, s.URL+providerPath)
			browsertest.Fill(t, providerTab, map[string]string{"value": "-1", "commentary": "One young person went missing twice."})
			cjPress(t, providerTab, "form[data-return-form] button[type=submit]", http.StatusUnprocessableEntity, providerPath)
			if got := browsertest.Text(t, providerTab, `.govuk-error-summary a[href="#value"]`); got != "The value must be 0 or more: it is a count" {
				t.Errorf("a negative count is refused with %q%s", got, cjErrors(t, providerTab))
			}
			if got := cjValue(t, providerTab, "value"); got != "-1" {
				t.Errorf("the value box holds %q after the error", got)
			}
			browsertest.AssertAccessible(t, providerTab) // the return form refusing a negative count
			browsertest.Fill(t, providerTab, map[string]string{"value": "4"})
			cjPress(t, providerTab, "form[data-return-form] button[type=submit]", http.StatusOK, providerPath)

			// The officer queries the figure.
			cjOpen(t, officerTab, s.URL+officerPath)
			browsertest.Fill(t, officerTab, map[string]string{"question": "The log shows two episodes, not four. Can you check?"})
			cjPress(t, officerTab, "form[data-query-form] button[type=submit]", http.StatusOK, officerPath)

			// The provider sees the question and corrects the figure.
			cjOpen(t, providerTab, s.URL+providerPath)
			if got := browsertest.Text(t, providerTab, `[data-note="query"]`); !strings.Contains(got, "The log shows two episodes") {
				t.Errorf("the provider sees the question %q", got)
			}
			if got := cjValue(t, providerTab, "value"); got != "4" {
				t.Errorf("the correction starts from %q, want the figure sent", got)
			}
			browsertest.AssertAccessible(t, providerTab) // a queried return, with the answer and correction forms
			browsertest.Fill(t, providerTab, map[string]string{"value": "2.5", "commentary": "Two of the four were the same episodes, logged twice."})
			cjPress(t, providerTab, "form[data-correct-form] button[type=submit]", http.StatusUnprocessableEntity, providerPath+"/correct")
			if got := browsertest.Text(t, providerTab, `.govuk-error-summary a[href="#value"]`); got != "The value must be a whole number: it is a count" {
				t.Errorf("a part of an episode is refused with %q%s", got, cjErrors(t, providerTab))
			}
			browsertest.AssertAccessible(t, providerTab) // the correction refused
			browsertest.Fill(t, providerTab, map[string]string{"value": "2"})
			cjPress(t, providerTab, "form[data-correct-form] button[type=submit]", http.StatusOK, providerPath)
			if got := browsertest.Text(t, providerTab, "main p [data-return-status]"); got != "Corrected, awaiting review" {
				t.Errorf("after the correction the return reads %q", got)
			}
			rcHistory(t, providerTab, "Corrected, awaiting review")

			// The officer sees both, and accepts the correction; only then is it charted.
			cjOpen(t, officerTab, s.URL+"/kpis/"+k.ID)
			if n := browsertest.Count(t, officerTab, "figure[data-chart] [data-points] [data-rag]"); n != i {
				t.Errorf("%d points charted before the correction is accepted, want %d", n, i)
			}
			cjOpen(t, officerTab, s.URL+officerPath)
			if got := browsertest.Text(t, officerTab, "[data-value]"); !strings.HasPrefix(got, "2 episodes") {
				t.Errorf("the officer sees the value %q", got)
			}
			rcHistory(t, officerTab, "Corrected, awaiting review")
			browsertest.AssertAccessible(t, officerTab) // the return with its history
			cjPress(t, officerTab, "[data-accept]", http.StatusOK, officerPath)
			rcHistory(t, officerTab, "Accepted by "+officer.Name)
			if browsertest.Count(t, officerTab, "form[data-query-form]") != 1 {
				t.Error("the officer cannot query the accepted return")
			}
			browsertest.AssertAccessible(t, officerTab) // the accepted return, with its history and a form to query it
			cjOpen(t, officerTab, s.URL+"/kpis/"+k.ID)
			if n, green := browsertest.Count(t, officerTab, "figure[data-chart] [data-points] [data-rag]"),
				browsertest.Count(t, officerTab, `figure[data-chart] [data-points] [data-rag="green"]`); n != i+1 || green != n {
				t.Errorf("%d points charted (%d green) once the correction is accepted, want %d green", n, green, i+1)
			}
			if got := browsertest.Text(t, officerTab, `[data-chart-table] tr[data-period="`+returnID+`"] [data-value]`); got != "2 episodes" {
				t.Errorf("the chart's table shows %q for the corrected return", got)
			}
			m := rcMilestone(t, svc, c, returnID)
			if m.Status != "met" || !strings.Contains(m.Description, "Returned 2 episodes") {
				t.Errorf("the published milestone %+v", m)
			}
		})
	}
}

// rcHistory checks the return's history: the correction first, with its outcome, then the
// figure it replaced, kept as it was sent.
func rcHistory(t *testing.T, tab context.Context, outcome string) {
	t.Helper()
	if n := browsertest.Count(t, tab, "[data-revisions] tbody tr"); n != 2 {
		t.Fatalf("the history has %d rows, want 2", n)
	}
	if got := browsertest.Text(t, tab, `[data-revisions] tr[data-revision="2"] [data-revision-value]`); !strings.HasPrefix(got, "2 episodes") {
		t.Errorf("the correction reads %q", got)
	}
	if got := browsertest.Text(t, tab, `[data-revisions] tr[data-revision="2"] [data-revision-outcome]`); !strings.HasPrefix(got, outcome) {
		t.Errorf("the correction's outcome reads %q, want %q", got, outcome)
	}
	if got := browsertest.Text(t, tab, `[data-revisions] tr[data-revision="1"] [data-revision-value]`); !strings.HasPrefix(got, "4 episodes") {
		t.Errorf("the first return reads %q", got)
	}
	if got := browsertest.Text(t, tab, `[data-revisions] tr[data-revision="1"] [data-revision-outcome]`); !strings.HasPrefix(got, "Replaced by a correction") {
		t.Errorf("the first return's outcome reads %q", got)
	}
}

// rcMilestone is the published OCDS milestone of a return.
func rcMilestone(t *testing.T, svc *contract.Service, c *contract.Contract, returnID string) contract.Milestone {
	t.Helper()
	fresh, err := svc.Contract(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	releases, err := svc.Releases(context.Background(), []contract.Contract{*fresh}, contract.Buyer{Name: "Test Borough Council"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range releases[0].Contracts[0].Implementation.Milestones {
		if m.ID == returnID {
			return m
		}
	}
	t.Fatalf("no milestone for the return")
	return contract.Milestone{}
}

func rcDate(d time.Time) form.DateInput { return form.DateInputOf(&d) }
