package contract_test

import (
	"context"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/provider"
)

// milestone is the published OCDS milestone of a return of the world's contract.
func (w *world) milestone(returnID string) contract.Milestone {
	w.t.Helper()
	c, err := w.svc.Contract(context.Background(), w.contract.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	releases, err := w.svc.Releases(context.Background(), []contract.Contract{*c}, contract.Buyer{Name: "Test Borough Council"})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, m := range releases[0].Contracts[0].Implementation.Milestones {
		if m.ID == returnID {
			return m
		}
	}
	w.t.Fatalf("no milestone for return %s", returnID)
	return contract.Milestone{}
}

// A queried return is corrected: the first revision is kept unchanged in the history, the
// correction is reviewed as before, and only the accepted revision reaches the chart, the
// provider's KPI summary and the published data.
func TestCorrectQueriedReturn(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r := w.returns()[3] // April 2025
	p := w.org.User.ctx
	if err := w.svc.SubmitReturn(p, w.org.ID, r.ID, r.Version, contract.ReturnForm{Value: "85", Commentary: "Two emergency moves."},
		&contract.Upload{Filename: "april.pdf", Content: pdf}); err != nil {
		t.Fatal(err)
	}
	got := w.read(r.ID)
	// Submitted but not accepted: nothing is charted or published yet.
	if got.AcceptedValue != nil || strings.Contains(w.milestone(r.ID).Description, "85") {
		t.Errorf("an unreviewed value counts: accepted %v, milestone %q", got.AcceptedValue, w.milestone(r.ID).Description)
	}
	if ch := contract.NewTrendChart("c", w.kpi, w.returns()); !ch.Empty {
		t.Errorf("the chart draws an unreviewed value: %+v", ch.Points)
	}

	// Only a queried return can be corrected.
	if err := w.svc.CorrectReturn(p, w.org.ID, r.ID, got.Version, contract.ReturnForm{Value: "92"}, nil); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("correcting a return nobody queried: %v", err)
	}
	if err := w.svc.QueryReturn(w.officer.ctx, r.ID, got.Version, "Were both moves unplanned? The log says one was agreed."); err != nil {
		t.Fatal(err)
	}
	got = w.read(r.ID)
	if !got.Correctable() {
		t.Fatal("a queried return is not correctable")
	}
	other := w.provider("Birch Homes Ltd", "07654321", "", provider.StatusApproved)
	tests := []struct {
		name  string
		ctx   context.Context
		org   string
		ver   int
		value string
		check func(error) bool
	}{
		{"another organisation", other.User.ctx, other.ID, got.Version, "92", func(err error) bool { return apperr.Is(err, apperr.NotFound) }},
		{"a stale version", p, w.org.ID, got.Version - 1, "92", func(err error) bool { return apperr.Is(err, apperr.Conflict) }},
		{"an impossible percentage", p, w.org.ID, got.Version, "120", func(err error) bool {
			return strings.Contains(apperr.FieldsOf(err)["value"], "percentage from 0 to 100")
		}},
	}
	for _, tt := range tests {
		if err := w.svc.CorrectReturn(tt.ctx, tt.org, r.ID, tt.ver, contract.ReturnForm{Value: tt.value}, nil); !tt.check(err) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if err := w.svc.CorrectReturn(p, w.org.ID, r.ID, got.Version, contract.ReturnForm{Value: "92", Commentary: "One move was planned."}, nil); err != nil {
		t.Fatal(err)
	}
	got = w.read(r.ID)
	if got.Status != contract.ReturnSubmitted || got.Revision != 2 || *got.Value != 92 || got.AcceptedValue != nil ||
		got.StatusLabel() != "Corrected, awaiting review" || got.EvidenceFilename == nil || *got.EvidenceFilename != "april.pdf" {
		t.Errorf("after the correction: %+v", got)
	}
	revs, err := contract.Revisions(context.Background(), w.db, got)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || !revs[0].Current() || revs[0].Value != 92 || revs[1].Current() || revs[1].Number != 1 || revs[1].Value != 85 ||
		revs[1].Commentary != "Two emergency moves." || revs[1].SubmittedByName != "Pat Acorn Care Ltd" || revs[1].ValueText != "85%" {
		t.Errorf("history %+v", revs)
	}
	if subjects := w.outboxTo(w.officer.Email); len(subjects) != 2 || !strings.HasPrefix(subjects[1], "Monitoring return corrected: Placement stability, April 2025") {
		t.Errorf("mail to the manager: %q", subjects)
	}

	// Officers review the correction as before; once accepted it is the figure everywhere.
	if err := w.svc.AcceptReturn(w.officer.ctx, r.ID, got.Version); err != nil {
		t.Fatal(err)
	}
	got = w.read(r.ID)
	if got.AcceptedValue == nil || *got.AcceptedValue != 92 || got.AcceptedRAG() != contract.Green {
		t.Errorf("accepted value %v", got.AcceptedValue)
	}
	// 92 is green but short of the target of 95: the milestone is only partly met.
	if m := w.milestone(r.ID); m.Status != "partiallyMet" || !strings.Contains(m.Description, "Returned 92%") {
		t.Errorf("published milestone %+v", m)
	}
	if ch := contract.NewTrendChart("c", w.kpi, w.returns()); len(ch.Points) != 1 || !strings.Contains(ch.Points[0].Label, "92%") {
		t.Errorf("chart points %+v", ch.Points)
	}
	sums, err := contract.KPISummaries(context.Background(), w.db, []string{w.contract.ID}, w.today)
	if err != nil || sums[0].Latest == nil || *sums[0].Latest.AcceptedValue != 92 {
		t.Errorf("summary %+v (%v)", sums, err)
	}
	// The replaced revision is still exactly what was sent.
	if revs, _ := contract.Revisions(context.Background(), w.db, got); len(revs) != 2 || revs[1].Value != 85 || revs[1].AcceptedAt != nil {
		t.Errorf("history after acceptance %+v", revs)
	}
	want := []string{"contract.return.submitted", "contract.return.queried", "contract.return.corrected", "contract.return.accepted"}
	if got := w.auditActions(r.ID); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("audited %v, want %v", got, want)
	}
}

func (w *world) read(id string) *contract.MonitoringReturn {
	w.t.Helper()
	r, err := contract.ReturnByID(context.Background(), w.db, id, w.today)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func TestMeasureCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		m    contract.Measure
		v    float64
		want string // "" when possible
	}{
		{contract.MeasureCount, 0, ""},
		{contract.MeasureCount, 3, ""},
		{contract.MeasureCount, -1, "must be 0 or more"},
		{contract.MeasureCount, 2.5, "must be a whole number"},
		{contract.MeasurePercentage, 0, ""},
		{contract.MeasurePercentage, 100, ""},
		{contract.MeasurePercentage, 99.95, ""},
		{contract.MeasurePercentage, 100.01, "from 0 to 100"},
		{contract.MeasurePercentage, -0.5, "from 0 to 100"},
		{contract.MeasureMoney, 1250.5, ""},
		{contract.MeasureMoney, 0.07, ""},
		{contract.MeasureMoney, 10.125, "whole pence"},
		{contract.MeasureMoney, -1, "£0 or more"},
		{contract.MeasureTime, 12.25, ""},
		{contract.MeasureTime, -3, "0 or more"},
		{contract.MeasureNumber, -3.5, ""},
		{contract.Measure("volume"), 1, "not a measure"},
	}
	for _, tt := range tests {
		got := tt.m.Check(tt.v, "the value")
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s %v: %q, want %q", tt.m, tt.v, got, tt.want)
		}
		if got != "" && !strings.HasPrefix(got, "The value ") {
			t.Errorf("%s %v: %q does not name the field", tt.m, tt.v, got)
		}
	}
}

// Every way a value comes in goes through its KPI's measure: a provider's return, an
// officer's record, and the KPI's own target and boundaries; a KPI cannot be changed to a
// measure its returned values do not fit.
func TestValuesMustFitTheKPIsMeasure(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	count := contract.KPIForm{Name: "Missing from care episodes", Unit: "episodes", Measure: "count", Target: "2", Direction: "lower",
		Amber: "3", Red: "5", Frequency: "monthly"}
	k, err := w.svc.CreateKPI(w.officer.ctx, w.contract.ID, count)
	if err != nil {
		t.Fatal(err)
	}
	rs, _, err := contract.Returns(context.Background(), w.db, contract.ReturnFilter{KPIID: k.ID, Today: w.today, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ value, want string }{{"-1", "must be 0 or more"}, {"1.5", "must be a whole number"}} {
		err := w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, rs[0].ID, rs[0].Version, contract.ReturnForm{Value: tt.value, Commentary: "x"}, nil)
		if got := apperr.FieldsOf(err)["value"]; !strings.Contains(got, tt.want) {
			t.Errorf("a provider returning %s episodes: %q, want %q", tt.value, got, tt.want)
		}
		err = w.svc.RecordReturn(w.officer.ctx, rs[0].ID, rs[0].Version, contract.ReturnForm{Value: tt.value, Commentary: "x"}, nil)
		if got := apperr.FieldsOf(err)["value"]; !strings.Contains(got, tt.want) {
			t.Errorf("an officer recording %s episodes: %q, want %q", tt.value, got, tt.want)
		}
	}
	if got := w.read(rs[0].ID); got.Status != contract.ReturnDue || got.Value != nil {
		t.Errorf("a refused value was kept: %+v", got)
	}
	if err := w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, rs[0].ID, rs[0].Version, contract.ReturnForm{Value: "0"}, nil); err != nil {
		t.Errorf("no episodes at all: %v", err)
	}

	forms := []struct {
		name        string
		edit        func(f *contract.KPIForm)
		field, want string
	}{
		{"no measure", func(f *contract.KPIForm) { f.Measure = "" }, "measure", "Select what a value"},
		{"a negative target count", func(f *contract.KPIForm) { f.Target, f.Amber, f.Red = "-1", "3", "5" }, "target", "The target must be 0 or more"},
		{"a percentage over 100", func(f *contract.KPIForm) {
			f.Unit, f.Measure, f.Direction, f.Target, f.Amber, f.Red = "%", "percentage", "higher", "120", "90", "80"
		}, "target", "percentage from 0 to 100"},
		{"a count in %", func(f *contract.KPIForm) { f.Unit = "%" }, "measure", "A value in % is a percentage"},
		{"a percentage in days", func(f *contract.KPIForm) { f.Measure = "percentage" }, "unit", "The unit of a percentage is %"},
		{"money in whole pence", func(f *contract.KPIForm) { f.Unit, f.Measure, f.Red = "£", "money", "5.001" }, "red_threshold", "whole pence"},
	}
	for _, tt := range forms {
		f := count
		f.Name = "Another " + tt.name
		tt.edit(&f)
		_, err := w.svc.CreateKPI(w.officer.ctx, w.contract.ID, f)
		if got := apperr.FieldsOf(err)[tt.field]; !strings.Contains(got, tt.want) {
			t.Errorf("%s: %s = %q (all %v), want %q", tt.name, tt.field, got, apperr.FieldsOf(err), tt.want)
		}
	}

	// A KPI measured as any number may hold 2.5; it cannot then become a count.
	score := count
	score.Name, score.Unit, score.Measure = "Wellbeing score", "points", "number"
	sk, err := w.svc.CreateKPI(w.officer.ctx, w.contract.ID, score)
	if err != nil {
		t.Fatal(err)
	}
	srs, _, _ := contract.Returns(context.Background(), w.db, contract.ReturnFilter{KPIID: sk.ID, Today: w.today, Limit: 10})
	if err := w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, srs[0].ID, srs[0].Version, contract.ReturnForm{Value: "2.5"}, nil); err != nil {
		t.Fatal(err)
	}
	score.Measure = "count"
	err = w.svc.UpdateKPI(w.officer.ctx, sk.ID, sk.Version, score)
	if got := apperr.FieldsOf(err)["measure"]; !strings.Contains(got, "has the value 2.5") {
		t.Errorf("changing the measure under a value that does not fit: %v", err)
	}
}

// A mistake found after acceptance: the officer queries the accepted return, the provider
// corrects it, and the accepted figure stays the one charted and published (the latest
// accepted revision) until the officer accepts the correction.
func TestCorrectingAnAcceptedReturnKeepsTheAcceptedFigure(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r := w.returns()[2] // March 2025
	p := w.org.User.ctx
	if err := w.svc.SubmitReturn(p, w.org.ID, r.ID, r.Version, contract.ReturnForm{Value: "96"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.AcceptReturn(w.officer.ctx, r.ID, r.Version+1); err != nil {
		t.Fatal(err)
	}
	got := w.read(r.ID)
	if err := w.svc.QueryReturn(w.officer.ctx, r.ID, got.Version, "The audit found two moves missing from March. Please correct it."); err != nil {
		t.Fatalf("querying an accepted return: %v", err)
	}
	got = w.read(r.ID)
	if got.Status != contract.ReturnQueried || got.AcceptedValue == nil || *got.AcceptedValue != 96 || w.milestone(r.ID).Status != "met" {
		t.Errorf("queried after acceptance: status %s, accepted %v, milestone %s", got.Status, got.AcceptedValue, w.milestone(r.ID).Status)
	}
	if err := w.svc.QueryReturn(w.officer.ctx, r.ID, got.Version, "Again?"); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("querying a return already queried: %v", err)
	}
	if err := w.svc.CorrectReturn(p, w.org.ID, r.ID, got.Version, contract.ReturnForm{Value: "85", Commentary: "Two moves were missed."}, nil); err != nil {
		t.Fatal(err)
	}
	got = w.read(r.ID)
	if *got.Value != 85 || got.AcceptedValue == nil || *got.AcceptedValue != 96 || got.AcceptedRAG() != contract.Green {
		t.Errorf("while the correction waits: value %v, accepted %v", *got.Value, got.AcceptedValue)
	}
	if m := w.milestone(r.ID); m.Status != "met" || !strings.Contains(m.Description, "Returned 96%") {
		t.Errorf("while the correction waits the published milestone is %+v", m)
	}
	if ch := contract.NewTrendChart("c", w.kpi, w.returns()); len(ch.Points) != 1 || ch.Points[0].RAG != contract.Green {
		t.Errorf("while the correction waits the chart is %+v", ch.Points)
	}
	revs, err := contract.Revisions(context.Background(), w.db, got)
	if err != nil || len(revs) != 2 || revs[0].AcceptedAt != nil || revs[1].AcceptedAt == nil || revs[1].AcceptedByName != "Olive Officer" {
		t.Errorf("history %+v (%v)", revs, err)
	}
	if err := w.svc.AcceptReturn(w.officer.ctx, r.ID, got.Version); err != nil {
		t.Fatal(err)
	}
	got = w.read(r.ID)
	if got.AcceptedValue == nil || *got.AcceptedValue != 85 || got.AcceptedRAG() != contract.Amber {
		t.Errorf("the accepted correction: %v", got.AcceptedValue)
	}
	if m := w.milestone(r.ID); m.Status != "partiallyMet" || !strings.Contains(m.Description, "Returned 85%") {
		t.Errorf("the published milestone once the correction is accepted: %+v", m)
	}
}

// A return made in time stays made in time when it is corrected after its due date.
func TestACorrectionDoesNotMakeAReturnLate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.today = day(2025, 6, 10) // May's return is due on 15 June
	r := w.returns()[4]
	if err := w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, r.ID, r.Version, contract.ReturnForm{Value: "97"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.QueryReturn(w.officer.ctx, r.ID, r.Version+1, "Is 97% right?"); err != nil {
		t.Fatal(err)
	}
	w.today = day(2025, 6, 20)
	if err := w.svc.CorrectReturn(w.org.User.ctx, w.org.ID, r.ID, r.Version+2, contract.ReturnForm{Value: "96"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := w.read(r.ID); got.Late() || got.SubmittedAt.Day() != 20 || got.FirstSubmittedAt.Day() != 10 {
		t.Errorf("corrected after the due date: late %v, submitted %v, first submitted %v", got.Late(), got.SubmittedAt, got.FirstSubmittedAt)
	}
}
