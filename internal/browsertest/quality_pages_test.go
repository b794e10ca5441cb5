package browsertest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/webtest"
)

// TestQualityPagesAreAccessible scans the quality assurance pages of officers and providers,
// with and without form errors, including the compliance panel with red, amber and green
// reasons and an overdue action. Each case has its own tab and user.
func TestQualityPagesAreAccessible(t *testing.T) {
	b := browsertest.New(t)
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	if _, err := s.DB.Exec(`UPDATE organisations SET status = 'approved' WHERE id = $1`, org); err != nil {
		t.Fatal(err)
	}
	today := quality.DateOf(time.Now())
	expired, start := today.AddDate(0, 0, -3), today.AddDate(-1, 0, 0)
	ins := &provider.InsuranceAnswers{ELExempt: "no", Policies: []provider.Policy{{Kind: provider.PolicyEmployersLiability, Insurer: "Mutual",
		PolicyNumber: "EL-1", CoverPence: 600_000_000, Start: form.DateInputOf(&start), Expiry: form.DateInputOf(&expired)}}}
	for key, answers := range map[provider.SectionKey]provider.Answers{
		provider.SectionContacts: &provider.ContactsAnswers{KeyContactName: "Kim Key", KeyContactRole: "Registered manager",
			KeyContactEmail: "kim@acorn.example", KeyContactPhone: "01632 960001"},
		provider.SectionInsurance: ins,
	} {
		js, err := json.Marshal(answers)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed) VALUES ($1, $2, $3, $3, true)`,
			org, string(key), js); err != nil {
			t.Fatal(err)
		}
	}
	lead := s.CreateUser(t, "lead@council.example", []auth.Role{auth.RoleOfficer}, "")
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: lead.ID, Email: lead.Email, Roles: []string{"officer"}})
	svc := &quality.Service{DB: s.DB}
	visited, due := today.AddDate(0, 0, -40), today.AddDate(0, 0, -10)
	visitID, err := svc.RecordVisit(ctx, org, quality.VisitInput{VisitedOn: form.DateInputOf(&visited), Type: "unannounced",
		Officers: []string{lead.ID}, Areas: []string{"safeguarding", "premises"}, Findings: "Fire doors were wedged open.\nRecords were good.", Grade: "requires_improvement"})
	if err != nil {
		t.Fatal(err)
	}
	actionID, err := svc.AddAction(ctx, visitID, quality.ActionInput{Description: "Fit door closers to the fire doors", OwnerContact: "kim@acorn.example",
		DueOn: form.DateInputOf(&due)})
	if err != nil {
		t.Fatal(err)
	}

	n := 0
	signIn := func(t *testing.T, tab context.Context, role auth.Role) {
		t.Helper()
		n++
		orgID := ""
		if role == auth.RoleProvider {
			orgID = org
		}
		browsertest.SignIn(t, tab, s.URL, s.CreateUser(t, string(role)+strconv.Itoa(n)+"@example.com", []auth.Role{role}, orgID))
	}
	open := func(t *testing.T, tab context.Context, path string) {
		t.Helper()
		if got := browsertest.Open(t, tab, s.URL+path); got != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, got)
		}
	}
	submitShowsErrors := func(t *testing.T, tab context.Context, css string) {
		t.Helper()
		if got := browsertest.Click(t, tab, css); got != http.StatusUnprocessableEntity {
			t.Fatalf("submitting with errors: status %d, want 422", got)
		}
		if browsertest.Count(t, tab, ".govuk-error-summary") != 1 {
			t.Fatal("no error summary")
		}
	}
	cases := []struct {
		name  string
		visit func(t *testing.T, tab context.Context)
	}{
		{"work list", func(t *testing.T, tab context.Context) {
			signIn(t, tab, auth.RoleOfficer)
			open(t, tab, "/quality")
			if browsertest.Count(t, tab, "[data-overdue-actions] [data-overdue]") != 1 {
				t.Error("the overdue action is not flagged")
			}
		}},
		{"provider's quality assurance", func(t *testing.T, tab context.Context) {
			signIn(t, tab, auth.RoleOfficer)
			open(t, tab, "/quality/providers/"+org)
			if browsertest.Count(t, tab, `[data-compliance="red"] [data-reason-rag="red"]`) == 0 {
				t.Error("the panel shows no red reason")
			}
		}},
		{"supplier record with the compliance panel", func(t *testing.T, tab context.Context) {
			signIn(t, tab, auth.RoleOfficer)
			open(t, tab, "/review/providers/"+org)
			if browsertest.Count(t, tab, "[data-compliance]") != 1 {
				t.Error("no compliance panel")
			}
		}},
		{"new visit with errors", func(t *testing.T, tab context.Context) {
			signIn(t, tab, auth.RoleOfficer)
			open(t, tab, "/quality/providers/"+org+"/visits/new")
			submitShowsErrors(t, tab, `form[data-visit-form] button[type="submit"]`)
		}},
		{"visit with action errors", func(t *testing.T, tab context.Context) {
			signIn(t, tab, auth.RoleOfficer)
			open(t, tab, "/quality/visits/"+visitID)
			submitShowsErrors(t, tab, `form[data-action-form] button[type="submit"]`)
		}},
		{"action", func(t *testing.T, tab context.Context) {
			signIn(t, tab, auth.RoleOfficer)
			open(t, tab, "/quality/actions/"+actionID)
		}},
		{"settings with errors", func(t *testing.T, tab context.Context) {
			signIn(t, tab, auth.RoleOfficer)
			open(t, tab, "/quality/settings")
			browsertest.Fill(t, tab, map[string]string{"reminder_days": "seven"})
			submitShowsErrors(t, tab, `form[data-settings-form] button[type="submit"]`)
		}},
		{"provider's actions", func(t *testing.T, tab context.Context) {
			signIn(t, tab, auth.RoleProvider)
			open(t, tab, "/provider/quality")
		}},
		{"provider's response with errors", func(t *testing.T, tab context.Context) {
			signIn(t, tab, auth.RoleProvider)
			open(t, tab, "/provider/quality/actions/"+actionID)
			submitShowsErrors(t, tab, `form[data-response-form] button[type="submit"]`)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab := browsertest.NewTab(t, b)
			tc.visit(t, tab)
			browsertest.AssertAccessible(t, tab)
		})
	}
}
