package contract_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/work"
)

// TestProposeRatingMapsToTheScale checks the documented mapping: the mean of the accepted
// values meeting the target is good, green short of it approaching target, amber requires
// improvement, red inadequate, and nothing accepted is other. Boundaries take the better rating.
func TestProposeRatingMapsToTheScale(t *testing.T) {
	higher := &contract.KPI{Target: 95, Direction: contract.HigherIsBetter, Amber: 90, Red: 80}
	lower := &contract.KPI{Target: 2, Direction: contract.LowerIsBetter, Amber: 4, Red: 6}
	for _, tt := range []struct {
		k      *contract.KPI
		values []float64
		want   contract.Rating
	}{
		{higher, nil, contract.RatingOther},
		{higher, []float64{95}, contract.RatingGood},
		{higher, []float64{100, 90}, contract.RatingGood},
		{higher, []float64{94.9}, contract.RatingApproachingTarget},
		{higher, []float64{90}, contract.RatingApproachingTarget},
		{higher, []float64{89.9}, contract.RatingRequiresImprovement},
		{higher, []float64{80}, contract.RatingRequiresImprovement},
		{higher, []float64{100, 59}, contract.RatingInadequate},
		{lower, []float64{2}, contract.RatingGood},
		{lower, []float64{3}, contract.RatingApproachingTarget},
		{lower, []float64{5}, contract.RatingRequiresImprovement},
		{lower, []float64{7}, contract.RatingInadequate},
	} {
		if got := contract.ProposeRating(tt.k, tt.values); got != tt.want {
			t.Errorf("%s %v: %s, want %s", tt.k.Direction, tt.values, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in   []contract.Rating
		want contract.Rating
	}{
		{nil, contract.RatingOther},
		{[]contract.Rating{contract.RatingOther}, contract.RatingOther},
		{[]contract.Rating{contract.RatingGood, contract.RatingOther}, contract.RatingGood},
		{[]contract.Rating{contract.RatingGood, contract.RatingInadequate, contract.RatingApproachingTarget}, contract.RatingInadequate},
	} {
		if got := contract.OverallProposal(tt.in); got != tt.want {
			t.Errorf("overall of %v: %s, want %s", tt.in, got, tt.want)
		}
	}
	if contract.RatingApproachingTarget.Label() != "Approaching target" {
		t.Errorf("label %q", contract.RatingApproachingTarget.Label())
	}
}

// TestAssessmentDueAtTheBoundaries: work from 30 days before the due date, overdue the day after it.
func TestAssessmentDueAtTheBoundaries(t *testing.T) {
	due := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		today         time.Time
		soon, overdue bool
	}{
		{time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), false, false},
		{time.Date(2025, 12, 2, 0, 0, 0, 0, time.UTC), true, false},
		{due, true, false},
		{time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), true, true},
	} {
		got := contract.AssessmentDueOn(due, tt.today)
		if got.Soon != tt.soon || got.Overdue != tt.overdue {
			t.Errorf("%s: %+v", tt.today.Format(time.DateOnly), got)
		}
	}
}

// TestAssessmentFollowsTheContract follows a contract through its assessments: none due
// until a KPI is marked most material; due 12 months from the start, or at the end when
// that is sooner; proposed from the accepted returns only; confirmed as proposed without a
// reason, refused without one when the officer departs or for a breach; a stale proposal
// is a conflict; and the next one falls due 12 months after the period assessed.
func TestAssessmentFollowsTheContract(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	dueOn := func() *contract.AssessmentDue {
		t.Helper()
		d, err := contract.NextAssessmentDue(ctx, w.db, w.contract.ID, w.today)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := dueOn(); d != nil {
		t.Fatalf("no KPI marked most material, yet due %+v", d)
	}
	f := kpiForm("Placement stability")
	f.MostMaterial = "yes"
	if err := w.svc.UpdateKPI(w.officer.ctx, w.kpi.ID, w.kpi.Version, f); err != nil {
		t.Fatal(err)
	}
	if d := dueOn(); d == nil || d.On.Format(time.DateOnly) != "2026-01-01" || d.Soon || d.Overdue {
		t.Fatalf("12 months from the start: %+v", d)
	}
	c, _ := contract.ContractByID(ctx, w.db, w.contract.ID)
	if err := w.svc.UpdateContract(w.officer.ctx, c.ID, c.Version, contractForm("CYP-2025-001", w.org, w.officer,
		time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 7, 15, 0, 0, 0, 0, time.UTC))); err != nil {
		t.Fatal(err, apperr.FieldsOf(err))
	}
	if d := dueOn(); d == nil || d.On.Format(time.DateOnly) != "2025-07-15" || !d.Soon {
		t.Fatalf("the contract ends first: %+v", d)
	}
	items, err := contract.WaitingAssessments(ctx, w.db, work.Filter{Mine: true, Organisations: []string{w.org.ID}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	// The work list counts from the real date, long after the fixture's 2025: overdue.
	if len(items) != 1 || items[0].Kind != work.KindAssessmentOverdue || items[0].Href != "/contracts/"+c.ID+"/assessments/new" {
		t.Errorf("work = %+v", items)
	}
	// January to April accepted (97, 93, 85, 70: mean 86.25, amber); May submitted only.
	rs := w.returns()
	for i, v := range []string{"97", "93", "85", "70", "99"} {
		if err := w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, rs[i].ID, rs[i].Version, contract.ReturnForm{Value: v, Commentary: "Staffing changes."}, nil); err != nil {
			t.Fatal(err)
		}
		if i == 4 {
			break
		}
		got, _ := contract.ReturnByID(ctx, w.db, rs[i].ID, w.today)
		if err := w.svc.AcceptReturn(w.officer.ctx, rs[i].ID, got.Version); err != nil {
			t.Fatal(err)
		}
	}
	p, err := w.svc.ProposeAssessment(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Period().Label() == "" || p.PeriodStart.Format(time.DateOnly) != "2025-01-01" || p.PeriodEnd.Format(time.DateOnly) != "2025-06-20" || p.Ended {
		t.Errorf("period %s to %s, ended %v", p.PeriodStart, p.PeriodEnd, p.Ended)
	}
	if len(p.KPIs) != 1 || len(p.KPIs[0].Values) != 4 || p.KPIs[0].Mean != "86.25%" || p.KPIs[0].Proposed != contract.RatingRequiresImprovement ||
		p.Overall != contract.RatingRequiresImprovement {
		t.Fatalf("proposal %+v", p)
	}
	form := contract.AssessmentFormOf(p)
	if form.Kind != string(contract.AssessPeriodic) {
		t.Errorf("kind %q", form.Kind)
	}
	fields := func(_ *contract.Assessment, err error) map[string]string {
		t.Helper()
		fs := apperr.FieldsOf(err)
		if fs == nil {
			t.Fatalf("want field errors, got %v", err)
		}
		return fs
	}
	departed := form
	departed.KPIs = []contract.AssessmentKPIInput{{KPIID: w.kpi.ID, Rating: "approaching_target"}}
	if fs := fields(w.svc.ConfirmAssessment(w.officer.ctx, c.ID, departed)); fs["reason"] == "" {
		t.Errorf("departing without a reason: %v", fs)
	}
	breach := form
	breach.Kind = string(contract.AssessBreach)
	if fs := fields(w.svc.ConfirmAssessment(w.officer.ctx, c.ID, breach)); fs["reason"] == "" {
		t.Errorf("a breach without a reason: %v", fs)
	}
	bad := form
	bad.KPIs, bad.Overall = nil, "excellent"
	if fs := fields(w.svc.ConfirmAssessment(w.officer.ctx, c.ID, bad)); fs["kpi-0-rating"] == "" || fs["overall"] == "" {
		t.Errorf("missing ratings: %v", fs)
	}
	stale := form
	stale.Basis = "something else"
	if _, err := w.svc.ConfirmAssessment(w.officer.ctx, c.ID, stale); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a stale proposal: %v", err)
	}
	a, err := w.svc.ConfirmAssessment(w.officer.ctx, c.ID, form)
	if err != nil {
		t.Fatal(err)
	}
	if a.Rating != contract.RatingRequiresImprovement || a.Proposed != a.Rating || a.ConfirmedByName != "Olive Officer" || a.Version != 1 ||
		len(a.KPIs) != 1 || a.KPIs[0].Rating != contract.RatingRequiresImprovement {
		t.Errorf("assessment %+v", a)
	}
	// The same proposal cannot be confirmed twice; a regular one is up to date.
	if _, err := w.svc.ConfirmAssessment(w.officer.ctx, c.ID, form); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("confirming twice: %v", err)
	}
	p2, err := w.svc.ProposeAssessment(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	again := contract.AssessmentFormOf(p2)
	again.Kind = string(contract.AssessPeriodic)
	if fs := fields(w.svc.ConfirmAssessment(w.officer.ctx, c.ID, again)); fs["kind"] == "" {
		t.Errorf("a second regular assessment the same day: %v", fs)
	}
	again.Kind, again.Reason = string(contract.AssessPoorPerformance), "Stability stayed below target after the improvement plan of March."
	again.Overall = string(contract.RatingInadequate)
	if _, err := w.svc.ConfirmAssessment(w.officer.ctx, c.ID, again); err != nil {
		t.Fatalf("poor performance with a reason: %v", err)
	}
	// The contract ends on 15 July 2025: the termination assessment is due then, whatever
	// the 12 months from 20 June would say.
	if d := dueOn(); d == nil || d.On.Format(time.DateOnly) != "2025-07-15" {
		t.Errorf("after the assessment: %+v", d)
	}
	list, err := contract.Assessments(ctx, w.db, c.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("assessments %d, %v", len(list), err)
	}
	if acts := w.auditActions(c.ID); slices.Index(acts, "contract.assessment.confirmed") < 0 {
		t.Errorf("audit %v", acts)
	}
	// At the end, the termination assessment; after it nothing more is due.
	w.today = time.Date(2025, 7, 16, 0, 0, 0, 0, time.UTC)
	p3, err := w.svc.ProposeAssessment(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	end := contract.AssessmentFormOf(p3)
	if !p3.Ended || end.Kind != string(contract.AssessTermination) || p3.PeriodEnd.Format(time.DateOnly) != "2025-07-15" {
		t.Fatalf("at the end: %+v %+v", p3, end)
	}
	if _, err := w.svc.ConfirmAssessment(w.officer.ctx, c.ID, end); err != nil {
		t.Fatal(err)
	}
	if d := dueOn(); d != nil {
		t.Errorf("after the termination assessment: %+v", d)
	}
}

// TestConfirmedAssessmentsNeedPerformanceNotices: with the wiring's ConfirmedAssessments, a
// contract awarded under the Act has no performance notice due until an assessment is
// confirmed, then one for it, due within 30 days of the day it was confirmed.
func TestConfirmedAssessmentsNeedPerformanceNotices(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.svc.Assessments = contract.ConfirmedAssessments{}
	if _, err := w.db.Exec(`UPDATE contracts SET award_procedure = 'open', light_touch = false WHERE id = $1`, w.contract.ID); err != nil {
		t.Fatal(err)
	}
	page, err := w.svc.ProcurementNotices(w.officer.ctx, w.contract.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !page.PerformanceNotYetDue {
		t.Fatalf("a performance notice is due before any assessment: %+v", page.Notices)
	}
	p, err := w.svc.ProposeAssessment(context.Background(), w.contract.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.svc.ConfirmAssessment(w.officer.ctx, w.contract.ID, contract.AssessmentFormOf(p))
	if err != nil {
		t.Fatal(err)
	}
	if page, err = w.svc.ProcurementNotices(w.officer.ctx, w.contract.ID); err != nil {
		t.Fatal(err)
	}
	n := noticeOfType(t, page.Notices, contract.NoticeContractPerformance)
	if page.PerformanceNotYetDue || n.Subject != a.ID || n.DueOn.Format(time.DateOnly) != "2025-07-19" {
		t.Errorf("performance notice: subject %s (want %s), due %s (want 2025-07-19)", n.Subject, a.ID, n.DueOn.Format(time.DateOnly))
	}
}
