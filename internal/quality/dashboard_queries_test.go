package quality_test

import (
	"context"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
)

// The dashboard's list of insurance expiring follows the insurance rule: approved and
// suspended providers' approved policies, employer's liability left out when exempt, within
// the window, soonest first, paged; a policy with no readable expiry date is skipped.
func TestDashboardInsuranceExpiring(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.approve(t, w.OrgID, provider.SectionInsurance, expiring(insurance(), provider.PolicyEmployersLiability, day(10)))
	exempt := w.organisation(t, "Birchwood Care")
	ins := expiring(expiring(insurance(), provider.PolicyEmployersLiability, day(5)), provider.PolicyPublicLiability, day(20))
	ins.ELExempt, ins.ELExemptReason = "yes", "No employees"
	w.approve(t, exempt, provider.SectionInsurance, ins)
	draft := w.organisation(t, "Cedar Draft Ltd")
	if _, err := w.DB.Exec(`UPDATE organisations SET status = 'draft' WHERE id = $1`, draft); err != nil {
		t.Fatal(err)
	}
	w.approve(t, draft, provider.SectionInsurance, expiring(insurance(), provider.PolicyPublicLiability, day(3)))
	suspended := w.organisation(t, "Elm Suspended Ltd")
	if _, err := w.DB.Exec(`UPDATE organisations SET status = 'suspended' WHERE id = $1`, suspended); err != nil {
		t.Fatal(err)
	}
	w.approve(t, suspended, provider.SectionInsurance, expiring(expiring(insurance(), provider.PolicyProfessionalIndemnity, day(30)),
		provider.PolicyPublicLiability, day(-1)))
	odd := w.organisation(t, "Fir Odd Ltd")
	if _, err := w.DB.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data) VALUES ($1, 'insurance', '{}',
		'{"policies": [{"kind": "public_liability", "expiry": {"Day": "31", "Month": "2", "Year": "2026"}},
			{"kind": "employers_liability", "expiry": {"Day": "x", "Month": "", "Year": "2026"}}, {"kind": "professional_indemnity", "expiry": null}]}')`, odd); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data) VALUES ($1, 'safeguarding', '{}', '{"staff": "none"}')`, odd); err != nil {
		t.Fatal(err)
	}

	got, total, err := quality.InsuranceExpiring(ctx, w.DB, today, day(30), 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		org, kind string
		on        time.Time
	}
	want := []row{{w.OrgID, provider.PolicyEmployersLiability, day(10)}, {exempt, provider.PolicyPublicLiability, day(20)},
		{suspended, provider.PolicyProfessionalIndemnity, day(30)}}
	if total != len(want) || len(got) != len(want) {
		t.Fatalf("%d policies (total %d), want %d: %+v", len(got), total, len(want), got)
	}
	for i, p := range got {
		if p.OrganisationID != want[i].org || p.Kind != want[i].kind || !p.ExpiresOn.Equal(want[i].on) {
			t.Errorf("row %d: %+v, want %+v", i, p, want[i])
		}
	}
	if got[0].Insurer != "Mutual Assurance" || got[0].PolicyNumber != "POL-1" || got[0].KindLabel() != "Employer's liability" {
		t.Errorf("policy details: %+v", got[0])
	}
	page, total, err := quality.InsuranceExpiring(ctx, w.DB, today, day(30), 1, 1)
	if err != nil || total != 3 || len(page) != 1 || page[0].OrganisationID != exempt {
		t.Errorf("second page of one: %+v, total %d, %v", page, total, err)
	}
	page, total, err = quality.InsuranceExpiring(ctx, w.DB, today, day(30), 10, 20)
	if err != nil || total != 3 || len(page) != 0 {
		t.Errorf("past the last page: %d rows, total %d, %v", len(page), total, err)
	}
	// The counts agree with the lists, window by window.
	counts, err := quality.InsuranceExpiringCounts(ctx, w.DB, today, []int{7, 20, 30, 400})
	if err != nil {
		t.Fatal(err)
	}
	for i, window := range []int{7, 20, 30, 400} {
		_, n, err := quality.InsuranceExpiring(ctx, w.DB, today, day(window), 1, 0)
		if err != nil || counts[i] != n {
			t.Errorf("within %d days: count %d, list total %d, %v", window, counts[i], n, err)
		}
	}
	// Within 400 days: also the policies expiring in a year (Acorn's two others, Birchwood's
	// professional indemnity, Elm's employer's liability), but not the one Elm let expire.
	if counts[0] != 0 || counts[1] != 2 || counts[2] != 3 || counts[3] != 7 {
		t.Errorf("counts %v", counts)
	}
}

// The dashboard's DBS list counts each provider's current staff whose status check falls
// due in the window, by the same dates as LastDBSCheck and DBSDue, naming nobody.
func TestDashboardDBSChecksFallingDue(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	s := quality.DefaultSettings()
	left := staff("Left Earlier", day(-362))
	left.LeftOn = dateInput(day(-10))
	notChecked := staff("Never Checked", day(-1000))
	notChecked.LastCheckResult, notChecked.IssueDate = "not_checked", dateInput(day(-345)) // due in 20 days
	w.approve(t, w.OrgID, provider.SectionSafeguarding, &provider.SafeguardingAnswers{Staff: []provider.StaffMember{
		staff("Due Soon", day(-360)), staff("Due Later", day(-300)), left, notChecked}})
	other := w.organisation(t, "Birchwood Care")
	w.approve(t, other, provider.SectionSafeguarding, &provider.SafeguardingAnswers{Staff: []provider.StaffMember{staff("Due First", day(-364))}})
	none := w.organisation(t, "Cedar Ltd")
	w.approve(t, none, provider.SectionSafeguarding, &provider.SafeguardingAnswers{Staff: []provider.StaffMember{staff("Current", day(-30))}})

	got, total, err := quality.DBSChecksFallingDue(ctx, w.DB, s, today, day(30), 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(got) != 2 {
		t.Fatalf("%d providers (total %d), want 2: %+v", len(got), total, got)
	}
	dueSoon, _ := quality.LastDBSCheck(staff("Due Soon", day(-360)))
	first, _ := quality.LastDBSCheck(staff("Due First", day(-364)))
	if got[0].OrganisationID != other || got[0].Staff != 1 || !got[0].FirstDue.Equal(quality.DBSDue(first, s)) {
		t.Errorf("first row %+v", got[0])
	}
	if got[1].OrganisationID != w.OrgID || got[1].Staff != 2 || !got[1].FirstDue.Equal(quality.DBSDue(dueSoon, s)) {
		t.Errorf("second row %+v, want 2 staff from %s", got[1], quality.DBSDue(dueSoon, s))
	}

	// Months are added as DBSDue adds them: a month after 31 January is 3 March.
	s.DBSCheckMonths = 1
	jan31 := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	w.approve(t, none, provider.SectionSafeguarding, &provider.SafeguardingAnswers{Staff: []provider.StaffMember{staff("Month End", jan31)}})
	want := quality.DBSDue(jan31, s)
	got, _, err = quality.DBSChecksFallingDue(ctx, w.DB, s, want, want, 10, 0)
	if err != nil || len(got) != 1 || got[0].OrganisationID != none || !got[0].FirstDue.Equal(want) {
		t.Errorf("a month after 31 January: %+v %v, want due %s", got, err, want)
	}
	_, total, err = quality.DBSChecksFallingDue(ctx, w.DB, quality.DefaultSettings(), today, day(30), 10, 5)
	if err != nil || total != 2 {
		t.Errorf("past the last page: total %d, %v", total, err)
	}
	counts, err := quality.DBSChecksFallingDueCounts(ctx, w.DB, quality.DefaultSettings(), today, []int{0, 1, 5, 30, 90})
	if err != nil || len(counts) != 5 || counts[0] != 0 || counts[1] != 1 || counts[2] != 2 || counts[3] != 2 || counts[4] != 2 {
		t.Errorf("providers with a check due within 0, 1, 5, 30 and 90 days: %v, %v", counts, err)
	}
}

// The dates the dashboard reads follow the approved sections whatever writes them: a newer
// approval replaces them, clearing the approved data or deleting the section removes them.
func TestDashboardDatesFollowTheRecord(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.approve(t, w.OrgID, provider.SectionInsurance, expiring(insurance(), provider.PolicyPublicLiability, day(10)))
	w.approve(t, w.OrgID, provider.SectionSafeguarding, &provider.SafeguardingAnswers{Staff: []provider.StaffMember{staff("Due Soon", day(-360))}})
	expiringNow := func() (int, int) {
		t.Helper()
		_, policies, err := quality.InsuranceExpiring(ctx, w.DB, today, day(30), 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, providers, err := quality.DBSChecksFallingDue(ctx, w.DB, quality.DefaultSettings(), today, day(30), 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		return policies, providers
	}
	if p, d := expiringNow(); p != 1 || d != 1 {
		t.Fatalf("after approval: %d policies, %d providers with DBS due; want 1 and 1", p, d)
	}
	w.approve(t, w.OrgID, provider.SectionInsurance, expiring(insurance(), provider.PolicyPublicLiability, day(90)))
	if p, _ := expiringNow(); p != 0 {
		t.Errorf("renewed policy still listed: %d", p)
	}
	if _, err := w.DB.Exec(`UPDATE provider_sections SET approved_data = NULL WHERE organisation_id = $1 AND section = 'safeguarding'`, w.OrgID); err != nil {
		t.Fatal(err)
	}
	if _, d := expiringNow(); d != 0 {
		t.Errorf("cleared safeguarding section still listed: %d", d)
	}
	w.approve(t, w.OrgID, provider.SectionInsurance, expiring(insurance(), provider.PolicyPublicLiability, day(10)))
	if _, err := w.DB.Exec(`DELETE FROM provider_sections WHERE organisation_id = $1 AND section = 'insurance'`, w.OrgID); err != nil {
		t.Fatal(err)
	}
	if p, _ := expiringNow(); p != 0 {
		t.Errorf("deleted insurance section still listed: %d", p)
	}
}

// A provider's outstanding actions are its open and in-progress ones, soonest due first.
func TestOverviewOutstandingActions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	visit := w.visit(t, w.OrgID, day(-40))
	late := w.action(t, visit, day(-10))
	soon := w.action(t, visit, day(10))
	done := w.action(t, visit, day(-20))
	if _, err := w.DB.Exec(`UPDATE qa_actions SET status = 'completed' WHERE id = $1`, done); err != nil {
		t.Fatal(err)
	}
	other := w.organisation(t, "Birchwood Care")
	w.action(t, w.visit(t, other, day(-5)), day(-1))
	got, total, err := quality.OutstandingActions(context.Background(), w.DB, w.OrgID, today, 10, 0)
	if err != nil || total != 2 || len(got) != 2 || got[0].ID != late || got[1].ID != soon || !got[0].Overdue() || got[1].Overdue() {
		t.Errorf("outstanding actions: %+v, total %d, %v", got, total, err)
	}
	if got, total, err := quality.OutstandingActions(context.Background(), w.DB, "not-an-id", today, 10, 0); err != nil || total != 0 || len(got) != 0 {
		t.Errorf("a malformed id: %v %d %v", got, total, err)
	}
}
