package contract

import (
	"math"
	"strconv"
	"strings"
)

// RAG is a red, amber or green rating of a value against its KPI's boundaries.
type RAG string

const (
	Green RAG = "green"
	Amber RAG = "amber"
	Red   RAG = "red"
	// NoRAG is for a period without a value yet.
	NoRAG RAG = ""
)

// Label is the rating as a word, so it never depends on colour alone.
func (r RAG) Label() string {
	switch r {
	case Green:
		return "Green"
	case Amber:
		return "Amber"
	case Red:
		return "Red"
	}
	return "No value"
}

// TagClass is the GOV.UK tag colour for the rating.
func (r RAG) TagClass() string {
	switch r {
	case Green:
		return "govuk-tag--green"
	case Amber:
		return "govuk-tag--orange"
	case Red:
		return "govuk-tag--red"
	}
	return "govuk-tag--grey"
}

// Fill is the colour the chart draws the rating's points in: the GOV.UK palette's green,
// orange and red, each with at least 3:1 contrast against white (WCAG 1.4.11).
func (r RAG) Fill() string {
	switch r {
	case Green:
		return "#00703c"
	case Amber:
		return "#b45c08"
	case Red:
		return "#d4351c"
	}
	return "#505a5f"
}

// Direction says which way a KPI improves.
type Direction string

const (
	HigherIsBetter Direction = "higher"
	LowerIsBetter  Direction = "lower"
)

// Label is the direction as people say it.
func (d Direction) Label() string {
	if d == LowerIsBetter {
		return "Lower is better"
	}
	return "Higher is better"
}

// Rate rates v: for "higher is better" a value below the red boundary is red, below the
// amber boundary amber, and anything else green; for "lower is better" the same with
// "above". A value exactly on a boundary takes the better rating.
func Rate(v float64, d Direction, amber, red float64) RAG {
	if d == LowerIsBetter {
		switch {
		case v > red:
			return Red
		case v > amber:
			return Amber
		}
		return Green
	}
	switch {
	case v < red:
		return Red
	case v < amber:
		return Amber
	}
	return Green
}

// maxDecimals is the precision the database keeps (numeric(18,4)).
const maxDecimals = 4

// ParseNumber reads a KPI figure as typed: "95", "95.5", "1,250" or "-3"; a trailing unit
// sign such as "%" or a leading "£" is allowed. It returns a message when it is not a number
// the portal can keep.
func ParseNumber(s, label string) (float64, string) {
	t := strings.NewReplacer(",", "", " ", "", "£", "").Replace(strings.TrimSpace(s))
	t = strings.TrimSuffix(t, "%")
	if t == "" {
		return 0, "Enter " + label
	}
	v, err := strconv.ParseFloat(t, 64)
	whole, frac, _ := strings.Cut(strings.TrimLeft(t, "+-"), ".")
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(t, "eExXpP_") {
		return 0, upperFirst(label) + " must be a number, like 95 or 12.5"
	}
	if len(frac) > maxDecimals {
		return 0, upperFirst(label) + " must have 4 decimal places or fewer"
	}
	// Ten whole digits and four decimals keep every figure exact in a float64 and in numeric(18,4).
	if len(strings.TrimLeft(whole, "0")) > 10 {
		return 0, upperFirst(label) + " is too large"
	}
	return v, ""
}

// FormatNumber shows a figure without trailing zeros: 95, 95.5, 0.25.
func FormatNumber(v float64) string {
	v = math.Round(v*1e4) / 1e4
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
