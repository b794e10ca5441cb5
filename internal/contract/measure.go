package contract

import (
	"fmt"
	"math"

	"github.com/council/provider-portal/internal/provider"
)

// Measure is what a KPI's values are, which decides the values that are possible. The unit
// is only how a value is labelled ("episodes", "days"); the measure is the rule. Every way a
// value comes in (a provider's return, an officer's record, a correction, the KPI's own
// target and boundaries) is checked by Measure.Check, so an impossible figure, like a
// negative count or 120%, never reaches the chart, the dashboards or the published data.
type Measure string

const (
	// MeasurePercentage is from 0 to 100; decimals allowed.
	MeasurePercentage Measure = "percentage"
	// MeasureCount is how many of something: a whole number, 0 or more.
	MeasureCount Measure = "count"
	// MeasureMoney is an amount in pounds: 0 or more, in whole pence.
	MeasureMoney Measure = "money"
	// MeasureTime is a length of time, like an average number of days: 0 or more.
	MeasureTime Measure = "time"
	// MeasureNumber is any other figure, like a score or a change: it may be negative.
	MeasureNumber Measure = "number"
)

// Measures are the options of the KPI form.
var Measures = []provider.Option{
	{Value: string(MeasurePercentage), Label: "A percentage, from 0 to 100"},
	{Value: string(MeasureCount), Label: "A count of something, like incidents or nights: a whole number, 0 or more"},
	{Value: string(MeasureMoney), Label: "An amount of money in pounds and pence, 0 or more"},
	{Value: string(MeasureTime), Label: "A length of time, like an average number of days: 0 or more"},
	{Value: string(MeasureNumber), Label: "Another number, like a score: decimals allowed, and it may be negative"},
}

// Label is the measure as people say it.
func (m Measure) Label() string {
	switch m {
	case MeasurePercentage:
		return "Percentage"
	case MeasureCount:
		return "Count"
	case MeasureMoney:
		return "Money"
	case MeasureTime:
		return "Length of time"
	case MeasureNumber:
		return "Number"
	}
	return string(m)
}

// Check says what is wrong with v as a value of this measure, in a sentence about label
// ("the value", "the target"), or "" when it is possible.
func (m Measure) Check(v float64, label string) string {
	label = upperFirst(label)
	switch m {
	case MeasurePercentage:
		if v < 0 || v > 100 {
			return label + " must be a percentage from 0 to 100"
		}
	case MeasureCount:
		if v < 0 {
			return label + " must be 0 or more: it is a count"
		}
		if v != math.Trunc(v) {
			return label + " must be a whole number: it is a count"
		}
	case MeasureMoney:
		if v < 0 {
			return label + " must be £0 or more"
		}
		if pence := v * 100; math.Abs(pence-math.Round(pence)) > 1e-6 {
			return label + " must be in pounds and whole pence, like 1250.50"
		}
	case MeasureTime:
		if v < 0 {
			return label + " must be 0 or more: it is a length of time"
		}
	case MeasureNumber:
	default:
		return fmt.Sprintf("%s cannot be checked: the KPI measures %q, which is not a measure", label, string(m))
	}
	return ""
}

// Hint tells the person typing a value what is possible.
func (m Measure) Hint() string {
	switch m {
	case MeasurePercentage:
		return "A percentage from 0 to 100"
	case MeasureCount:
		return "A whole number, 0 or more"
	case MeasureMoney:
		return "In pounds and pence, like 1250.50"
	case MeasureTime:
		return "0 or more; decimals allowed"
	}
	return "A number; decimals allowed"
}

// unitProblem says why a unit does not suit the measure: % is only for percentages and £
// only for money, and those two measures are labelled with nothing else.
func (m Measure) unitProblem(unit string) (field, msg string) {
	switch {
	case m == MeasurePercentage && unit != "%":
		return "unit", "The unit of a percentage is %"
	case m == MeasureMoney && unit != "£":
		return "unit", "The unit of an amount of money is £"
	case unit == "%" && m != MeasurePercentage:
		return "measure", "A value in % is a percentage: choose a percentage, or change the unit"
	case unit == "£" && m != MeasureMoney:
		return "measure", "A value in £ is money: choose an amount of money, or change the unit"
	}
	return "", ""
}
