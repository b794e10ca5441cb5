package contract

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/council/provider-portal/internal/provider"
)

// Procedure is how a contract was awarded under the Procurement Act 2023, as its notices
// say it. Contracts awarded before the Act came into force (24 February 2025) were let
// under the Public Contracts Regulations 2015, which the Act's notices and KPI duty do not
// reach.
type Procedure string

const (
	ProcedureOpen                Procedure = "open"
	ProcedureCompetitiveFlexible Procedure = "competitive_flexible"
	ProcedureDirectAward         Procedure = "direct_award"
	ProcedureCallOff             Procedure = "call_off"
	ProcedureBelowThreshold      Procedure = "below_threshold"
	ProcedurePCR2015             Procedure = "pcr2015"
)

// Procedures are the options of the contract form.
var Procedures = []provider.Option{
	{Value: string(ProcedureOpen), Label: "Open procedure"},
	{Value: string(ProcedureCompetitiveFlexible), Label: "Competitive flexible procedure"},
	{Value: string(ProcedureDirectAward), Label: "Direct award"},
	{Value: string(ProcedureCallOff), Label: "Call-off from a framework or dynamic purchasing system"},
	{Value: string(ProcedureBelowThreshold), Label: "Below-threshold contract"},
	{Value: string(ProcedurePCR2015), Label: "Awarded before 24 February 2025 under the Public Contracts Regulations 2015"},
}

// Label is the procedure as people say it.
func (p Procedure) Label() string { return optionLabel(Procedures, string(p)) }

// KPIExemptions are why section 52 may not apply to a contract over £5 million that is not
// light touch: it is a framework agreement itself (a call-off from one is not exempt), or
// the council considers the supplier's performance could not appropriately be assessed by
// KPIs (section 52(3)). The empty value is "no exemption".
var KPIExemptions = []provider.Option{
	{Value: "", Label: "No exemption"},
	{Value: "framework", Label: "It is a framework agreement, not a call-off from one"},
	{Value: "not_assessable", Label: "The supplier's performance could not appropriately be assessed by KPIs"},
}

// KPIExemptionLabel is an exemption as people say it.
func (c *Contract) KPIExemptionLabel() string { return optionLabel(KPIExemptions, c.KPIExemption) }

// YesNo are the options of a yes or no question.
var YesNo = []provider.Option{{Value: "yes", Label: "Yes"}, {Value: "no", Label: "No"}}

// KPIThresholdPence is section 52's £5 million: a contract whose estimated value is more
// than this (exactly £5 million is not) needs at least three KPIs.
const KPIThresholdPence int64 = 5_000_000_00

// NeedsKPIs reports whether section 52 requires the contract to have at least three KPIs,
// three of them marked most material: awarded under the Act, estimated at more than
// £5 million, not light touch and not exempt.
func (c *Contract) NeedsKPIs() bool {
	return c.Procedure != ProcedurePCR2015 && c.Procedure != "" && !c.LightTouch && c.KPIExemption == "" &&
		c.EstimatedValuePence != nil && *c.EstimatedValuePence > KPIThresholdPence
}

// KPIShortfall says what the contract lacks under section 52, one sentence per gap, or
// nothing when the rule is met or does not apply.
func KPIShortfall(c *Contract, kpis []KPI) []string {
	if !c.NeedsKPIs() {
		return nil
	}
	var out []string
	if len(kpis) < 3 {
		out = append(out, fmt.Sprintf("It needs at least 3 KPIs and has %d.", len(kpis)))
	}
	marked := 0
	for _, k := range kpis {
		if k.MostMaterial {
			marked++
		}
	}
	if marked < 3 {
		out = append(out, fmt.Sprintf("Mark the 3 KPIs most material to the contract: %d marked.", marked))
	}
	return out
}

var (
	cpvShape  = regexp.MustCompile(`^[0-9]{8}-[0-9]$`)
	pponShape = regexp.MustCompile(`^P[A-Z0-9]{3}-[A-Z0-9]{4}-[A-Z0-9]{4}$`)
)

// MaxCPVCodes bounds a contract's CPV codes, as the database does.
const MaxCPVCodes = 20

// ParseCPVCodes reads CPV codes typed with commas, spaces or new lines between them, each
// 8 digits, a hyphen and a check digit (85311300-5). Only the shape is checked: the check
// digit's rule is not published with the vocabulary, so a real code is never refused on a
// guess. Repeats are dropped.
func ParseCPVCodes(s string) ([]string, string) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
	var out []string
	for _, f := range fields {
		if !cpvShape.MatchString(f) {
			return nil, fmt.Sprintf("Enter CPV codes like 85311300-5 (8 digits, a hyphen and a check digit): %q is not one", f)
		}
		if !containsString(out, f) {
			out = append(out, f)
		}
	}
	if len(out) > MaxCPVCodes {
		return nil, fmt.Sprintf("Enter no more than %d CPV codes", MaxCPVCodes)
	}
	return out, ""
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// NormalisePPON upper-cases a Public Procurement Organisation Number and reports whether it
// has the shape the Central Digital Platform gives, like PDLN-5395-QMNP.
func NormalisePPON(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	return s, s == "" || pponShape.MatchString(s)
}

// CPVText is the contract's CPV codes for its page.
func (c *Contract) CPVText() string { return strings.Join(c.CPVCodes, ", ") }

// EstimatedValueText and MaximumValueText show the values a notice gives, or "Not recorded".
func (c *Contract) EstimatedValueText() string { return optionalMoney(c.EstimatedValuePence) }
func (c *Contract) MaximumValueText() string   { return optionalMoney(c.MaximumValuePence) }

func optionalMoney(p *int64) string {
	if p == nil {
		return "Not recorded"
	}
	return Money(*p)
}

// ActInForce is the day the Procurement Act 2023 came into force; contracts signed before it
// were let under the Public Contracts Regulations 2015.
var ActInForce = time.Date(2025, 2, 24, 0, 0, 0, 0, time.UTC)

// LikelyProcedure is the best guess at a contract's procedure from its route and the day it
// was signed, for records made without asking (demo and generated data): a call-off for a
// framework or DPS route, an open procedure for a block contract, and a direct award
// otherwise. Officers always choose on the form.
func LikelyProcedure(r Route, signed time.Time) Procedure {
	switch {
	case signed.Before(ActInForce):
		return ProcedurePCR2015
	case r.NeedsFramework():
		return ProcedureCallOff
	case r == RouteBlock:
		return ProcedureOpen
	}
	return ProcedureDirectAward
}

// WelfareServicesForChildren is the CPV code of most of what the council buys: welfare
// services for children and young people.
const WelfareServicesForChildren = "85311300-5"
