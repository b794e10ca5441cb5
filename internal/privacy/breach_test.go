package privacy

import (
	"testing"
	"time"

	"github.com/council/provider-portal/internal/form"
)

func TestBreachDeadline(t *testing.T) {
	discovered := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	due := discovered.Add(72 * time.Hour)
	at := func(d time.Duration) *time.Time { t := discovered.Add(d); return &t }
	tests := []struct {
		name     string
		decision string
		reported *time.Time
		now      time.Time
		state    DeadlineState
		hours    int
		text     string
	}{
		{"just discovered", "undecided", nil, discovered, DeadlineRunning, 72, "72 hours left"},
		{"a day in", "undecided", nil, discovered.Add(24 * time.Hour), DeadlineRunning, 48, "48 hours left"},
		{"part hours round down", "report", nil, discovered.Add(30*time.Hour + 59*time.Minute), DeadlineRunning, 41, "41 hours left"},
		{"the last hour", "report", nil, due.Add(-59 * time.Minute), DeadlineRunning, 0, "Less than 1 hour left"},
		{"one hour left", "undecided", nil, due.Add(-time.Hour), DeadlineRunning, 1, "1 hour left"},
		{"at the deadline", "undecided", nil, due, DeadlineOverdue, 0, "Overdue by less than 1 hour"},
		{"overdue", "report", nil, due.Add(5*time.Hour + 10*time.Minute), DeadlineOverdue, 5, "Overdue by 5 hours"},
		{"reported in time", "report", at(70 * time.Hour), due.Add(100 * time.Hour), DeadlineReported, 0, "Reported in time"},
		{"reported on the dot", "report", at(72 * time.Hour), due.Add(time.Hour), DeadlineReported, 0, "Reported in time"},
		{"reported late", "report", at(80 * time.Hour), due.Add(100 * time.Hour), DeadlineReportedLate, 8, "Reported 8 hours late"},
		{"no report needed", "not_report", nil, due.Add(100 * time.Hour), DeadlineNotNeeded, 0, "No report needed"},
	}
	for _, tt := range tests {
		d := DeadlineOf(discovered, tt.decision, tt.reported, tt.now)
		if !d.Due.Equal(due) || d.State != tt.state || d.Hours != tt.hours || d.Text() != tt.text {
			t.Errorf("%s: %+v %q, want %s %d %q", tt.name, d, d.Text(), tt.state, tt.hours, tt.text)
		}
	}
	if c := DeadlineOf(discovered, "undecided", nil, discovered.Add(50*time.Hour)).TagClass(); c != "govuk-tag--red" {
		t.Errorf("22 hours left is %s, want red", c)
	}
	if c := DeadlineOf(discovered, "undecided", nil, discovered.Add(time.Hour)).TagClass(); c != "govuk-tag--yellow" {
		t.Errorf("71 hours left is %s, want yellow", c)
	}
}

// TestBreachDeadlineAcrossTheClockChange: 72 hours are 72 hours, whatever the clocks do;
// the deadline shown in UK time moves by an hour when summer time starts in between.
func TestBreachDeadlineAcrossTheClockChange(t *testing.T) {
	discovered := ukInstant(time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC), 12, 0) // clocks go forward on 29 March 2026
	d := DeadlineOf(discovered, "undecided", nil, discovered)
	if got := FormatUK(d.Due); got != "30 March 2026 at 1:00pm" {
		t.Errorf("deadline %q, want 30 March 2026 at 1:00pm", got)
	}
	if d.Due.Sub(discovered) != 72*time.Hour {
		t.Errorf("deadline %v after discovery", d.Due.Sub(discovered))
	}
}

func TestBreachParseClock(t *testing.T) {
	tests := []struct {
		in        string
		hour, min int
		ok        bool
	}{
		{"14:30", 14, 30, true}, {"9:05", 9, 5, true}, {"09.05", 9, 5, true}, {" 00:00 ", 0, 0, true}, {"23:59", 23, 59, true},
		{"24:00", 0, 0, false}, {"12:60", 0, 0, false}, {"1430", 0, 0, false}, {"2:30pm", 0, 0, false}, {"", 0, 0, false}, {"12:5", 0, 0, false},
	}
	for _, tt := range tests {
		h, m, ok := ParseClock(tt.in)
		if ok != tt.ok || (ok && (h != tt.hour || m != tt.min)) {
			t.Errorf("ParseClock(%q) = %d, %d, %v", tt.in, h, m, ok)
		}
	}
}

func TestBreachInputValidation(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	valid := func() BreachInput {
		return BreachInput{Title: "DBS list emailed to the wrong provider", Description: "Sent to SUP1002 instead of SUP1001",
			DiscoveredOn: form.DateInput{Day: "10", Month: "3", Year: "2026"}, DiscoveredTime: "09:15"}
	}
	tests := []struct {
		name   string
		change func(*BreachInput)
		field  string
	}{
		{"valid", func(*BreachInput) {}, ""},
		{"no title", func(in *BreachInput) { in.Title = "" }, "title"},
		{"no description", func(in *BreachInput) { in.Description = "" }, "description"},
		{"people not a number", func(in *BreachInput) { in.PeopleAffected = "a dozen" }, "people_affected"},
		{"people with a comma", func(in *BreachInput) { in.PeopleAffected = "1,200" }, ""},
		{"no discovery date", func(in *BreachInput) { in.DiscoveredOn = form.DateInput{} }, "discovered_on"},
		{"no discovery time", func(in *BreachInput) { in.DiscoveredTime = "" }, "discovered_time"},
		{"a time that is not", func(in *BreachInput) { in.DiscoveredTime = "25:00" }, "discovered_time"},
		{"discovered in the future", func(in *BreachInput) { in.DiscoveredTime = "16:30" }, "discovered_time"},
		{"happened after it was discovered", func(in *BreachInput) { in.OccurredOn = form.DateInput{Day: "11", Month: "3", Year: "2026"} }, "occurred_on"},
		{"happened before", func(in *BreachInput) { in.OccurredOn = form.DateInput{Day: "8", Month: "3", Year: "2026"} }, ""},
	}
	for _, tt := range tests {
		in := valid()
		tt.change(&in)
		p, errs := in.Validate(now)
		switch {
		case tt.field == "" && len(errs) > 0:
			t.Errorf("%s: %v", tt.name, errs)
		case tt.field != "" && errs[tt.field] == "":
			t.Errorf("%s: %v, want a message for %s", tt.name, errs, tt.field)
		case tt.field == "" && !p.discovered.Equal(time.Date(2026, 3, 10, 9, 15, 0, 0, time.UTC)):
			t.Errorf("%s: discovered %v, want 09:15 UK time (GMT in March before the change)", tt.name, p.discovered)
		}
	}
}

func TestBreachAssessmentValidation(t *testing.T) {
	reported := time.Now()
	tests := []struct {
		name  string
		in    BreachAssessment
		b     *Breach
		field string
	}{
		{"report a risk", BreachAssessment{"risk", "Names and DBS levels of 4 staff", "report", "Likely risk"}, nil, ""},
		{"not decided yet", BreachAssessment{"high", "Bank details of 2 providers", "undecided", ""}, nil, ""},
		{"no risk chosen", BreachAssessment{"", "x", "report", "y"}, nil, "risk"},
		{"no assessment", BreachAssessment{"risk", "", "report", "y"}, nil, "risk_assessment"},
		{"not reporting a risk", BreachAssessment{"risk", "x", "not_report", "We'd rather not"}, nil, "decision"},
		{"not reporting a high risk", BreachAssessment{"high", "x", "not_report", "No"}, nil, "decision"},
		{"not reporting an unlikely risk", BreachAssessment{"unlikely", "Encrypted laptop", "not_report", "Encrypted"}, nil, ""},
		{"a decision without a reason", BreachAssessment{"risk", "x", "report", ""}, nil, "decision_reason"},
		{"unknown decision", BreachAssessment{"risk", "x", "maybe", "y"}, nil, "decision"},
		{"unreporting a reported breach", BreachAssessment{"unlikely", "x", "not_report", "y"}, &Breach{ReportedAt: &reported}, "decision"},
	}
	for _, tt := range tests {
		errs := tt.in.Validate(tt.b)
		switch {
		case tt.field == "" && len(errs) > 0:
			t.Errorf("%s: %v", tt.name, errs)
		case tt.field != "" && errs[tt.field] == "":
			t.Errorf("%s: %v, want a message for %s", tt.name, errs, tt.field)
		}
	}
}
