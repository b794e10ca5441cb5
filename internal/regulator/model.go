// Package regulator reads the files Ofsted and the CQC publish of their judgements, matches
// them to providers by Ofsted URN and CQC location id, and keeps each published judgement
// with the file it came from. A file is first checked (a dry run that shows what changed since
// the last file, which ratings fell and where a provider's own rating disagrees) and then
// applied: judgements stored, the contract managers of providers whose rating fell emailed,
// and those providers' compliance recomputed, all in one transaction.
package regulator

import (
	"strings"
	"time"
)

// Source is the regulator that published a file.
type Source string

const (
	Ofsted Source = "ofsted"
	CQC    Source = "cqc"
)

// ParseSource reads a source from a form or a command line flag.
func ParseSource(s string) (Source, bool) {
	switch Source(strings.ToLower(strings.TrimSpace(s))) {
	case Ofsted:
		return Ofsted, true
	case CQC:
		return CQC, true
	}
	return "", false
}

// Name is the regulator's name in a sentence.
func (s Source) Name() string {
	if s == CQC {
		return "CQC"
	}
	return "Ofsted"
}

// IDLabel is what the regulator calls the identifier the portal matches on.
func (s Source) IDLabel() string {
	if s == CQC {
		return "CQC location ID"
	}
	return "Ofsted URN"
}

// Judgement is a published overall judgement, on the four-point scale Ofsted and the CQC share.
type Judgement string

const (
	Outstanding         Judgement = "outstanding"
	Good                Judgement = "good"
	RequiresImprovement Judgement = "requires_improvement"
	Inadequate          Judgement = "inadequate"
	// NotJudged is a row with no overall judgement: Ofsted's code 5, or the CQC's "Not rated".
	NotJudged Judgement = "not_judged"
)

// Label is the judgement in words.
func (j Judgement) Label() string {
	switch j {
	case Outstanding:
		return "Outstanding"
	case Good:
		return "Good"
	case RequiresImprovement:
		return "Requires improvement"
	case Inadequate:
		return "Inadequate"
	case NotJudged:
		return "Not judged"
	}
	return "None"
}

// rank orders the judgements best first (1 outstanding … 4 inadequate); 0 is no judgement on
// the scale, which neither falls nor rises.
func rank(j string) int {
	switch Judgement(j) {
	case Outstanding:
		return 1
	case Good:
		return 2
	case RequiresImprovement:
		return 3
	case Inadequate:
		return 4
	}
	return 0
}

// WorseThan reports whether j is lower on the scale than other, a judgement in the words of
// the provider's record ("good", "requires_improvement"…); a judgement off the scale (not
// judged, not yet inspected) is neither worse nor better.
func (j Judgement) WorseThan(other string) bool {
	return rank(string(j)) > 0 && rank(other) > 0 && rank(string(j)) > rank(other)
}

// judgementWords are the words the files use, lower case, with Ofsted's codes: 1 outstanding,
// 2 good, 3 requires improvement (formerly adequate or satisfactory), 4 inadequate, 5 not judged.
var judgementWords = map[string]Judgement{
	"1": Outstanding, "outstanding": Outstanding,
	"2": Good, "good": Good,
	"3": RequiresImprovement, "requires improvement": RequiresImprovement, "requires improvement to be good": RequiresImprovement,
	"requires improvement/adequate/satisfactory": RequiresImprovement, "adequate": RequiresImprovement, "satisfactory": RequiresImprovement,
	"4": Inadequate, "inadequate": Inadequate,
	"5": NotJudged, "not judged": NotJudged, "not rated": NotJudged, "not yet rated": NotJudged, "not yet inspected": NotJudged,
	"insufficient evidence to rate": NotJudged, "not applicable": NotJudged,
}

// ParseJudgement reads a judgement as a file publishes it: in words, any case, or as
// Ofsted's code 1–5 (also "1.0", as a spreadsheet may store it).
func ParseJudgement(s string) (Judgement, bool) {
	k := strings.ToLower(strings.Join(strings.Fields(s), " "))
	k = strings.TrimSuffix(k, ".0")
	j, ok := judgementWords[k]
	return j, ok
}

// Published is one judgement in force: the latest applied for a URN or location id.
type Published struct {
	Source         Source
	RegulatorID    string
	OrganisationID string
	Judgement      Judgement
	JudgementDate  time.Time // zero when the file gave none
	FileName       string
	ImportedAt     time.Time
}
