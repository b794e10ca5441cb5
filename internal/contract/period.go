package contract

import (
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/provider"
)

// Frequency is how often a KPI is reported.
type Frequency string

const (
	Monthly   Frequency = "monthly"
	Quarterly Frequency = "quarterly"
)

// Frequencies are the options of the KPI form.
var Frequencies = []provider.Option{{Value: string(Monthly), Label: "Monthly"}, {Value: string(Quarterly), Label: "Quarterly"}}

// Label is the frequency as people say it.
func (f Frequency) Label() string { return optionLabel(Frequencies, string(f)) }

// months is the length of one period.
func (f Frequency) months() int {
	if f == Quarterly {
		return 3
	}
	return 1
}

// Period is one reporting period of a KPI, both dates included.
type Period struct {
	Start, End time.Time
}

// maxPeriods bounds the periods of one KPI: a 40-year contract reported monthly.
const maxPeriods = 480

// Periods splits a contract's term into reporting periods counted from its start date: a
// contract starting on 15 January reports monthly for 15 January to 14 February, and so
// on. A period starting on a day the month lacks (the 31st) starts on the month's last
// day. The last period ends with the contract, so it may be short.
func Periods(start, end time.Time, f Frequency) []Period {
	start, end = dateOf(start), dateOf(end)
	var out []Period
	for i := 0; len(out) < maxPeriods; i++ {
		from := addMonthsFrom(start, i*f.months())
		if from.After(end) {
			break
		}
		to := addMonthsFrom(start, (i+1)*f.months()).AddDate(0, 0, -1)
		if to.After(end) {
			to = end
		}
		out = append(out, Period{Start: from, End: to})
	}
	return out
}

// addMonthsFrom is the day n months after start, keeping start's day of the month where
// the month has it and taking the month's last day where it does not.
func addMonthsFrom(start time.Time, n int) time.Time {
	y, m := start.Year(), int(start.Month())-1+n
	y, m = y+m/12, m%12
	if m < 0 {
		y, m = y-1, m+12
	}
	first := time.Date(y, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(start.Day(), last)-1)
}

// Label names the period as people do: "April 2025" for a calendar month, "April to June
// 2025" for calendar months together, otherwise the two dates.
func (p Period) Label() string {
	wholeMonths := p.Start.Day() == 1 && p.End.AddDate(0, 0, 1).Day() == 1
	switch {
	case wholeMonths && p.Start.Year() == p.End.Year() && p.Start.Month() == p.End.Month():
		return p.Start.Format("January 2006")
	case wholeMonths && p.Start.Year() == p.End.Year():
		return fmt.Sprintf("%s to %s", p.Start.Format("January"), p.End.Format("January 2006"))
	case wholeMonths:
		return fmt.Sprintf("%s to %s", p.Start.Format("January 2006"), p.End.Format("January 2006"))
	}
	return fmt.Sprintf("%s to %s", p.Start.Format("2 January 2006"), p.End.Format("2 January 2006"))
}

// ShortLabel is the period's start, as the chart's axis shows it ("Apr 2025").
func (p Period) ShortLabel() string { return p.Start.Format("Jan 2006") }
