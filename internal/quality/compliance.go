package quality

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/regulator"
	"github.com/jmoiron/sqlx"
)

// RAG is a compliance rating: red (act now), amber (act soon) or green (nothing to do).
type RAG string

const (
	Green RAG = "green"
	Amber RAG = "amber"
	Red   RAG = "red"
)

// RAGs are the ratings worst first, for filters and counts.
var RAGs = []RAG{Red, Amber, Green}

// ParseRAG reads a rating from a form or query, reporting whether it is one.
func ParseRAG(s string) (RAG, bool) {
	r := RAG(s)
	return r, slices.Contains(RAGs, r)
}

// Label is the rating in words: a rating is never shown by colour alone.
func (r RAG) Label() string {
	switch r {
	case Red:
		return "Red"
	case Amber:
		return "Amber"
	case Green:
		return "Green"
	}
	return string(r)
}

// TagClass is the GOV.UK tag colour of the rating.
func (r RAG) TagClass() string {
	switch r {
	case Red:
		return "govuk-tag--red"
	case Amber:
		return "govuk-tag--orange"
	case Green:
		return "govuk-tag--green"
	}
	return "govuk-tag--grey"
}

// Meaning says what the rating asks of an officer.
func (r RAG) Meaning() string {
	switch r {
	case Red:
		return "Something needs action now."
	case Amber:
		return "Something needs attention soon."
	case Green:
		return "No concerns."
	}
	return ""
}

func (r RAG) rank() int { return 2 - slices.Index(RAGs, r) }

// worse returns the worse of two ratings.
func worse(a, b RAG) RAG {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Reason is one rule's finding: its rating and why, in words an officer can act on.
type Reason struct {
	Rule string `json:"rule"`
	RAG  RAG    `json:"rag"`
	Why  string `json:"why"`
}

// RuleTitle names the rule the reason comes from.
func (r Reason) RuleTitle() string {
	for _, rule := range Rules {
		if rule.Key == r.Rule {
			return rule.Title
		}
	}
	return r.Rule
}

// Result is a provider's compliance: the overall rating (the worst of the reasons) and every
// rule's reasons, worst first.
type Result struct {
	OrganisationID string    `json:"-"`
	RAG            RAG       `json:"rag"`
	Reasons        []Reason  `json:"reasons"`
	Today          time.Time `json:"-"`
}

// Concerns are the reasons that are not green.
func (r Result) Concerns() []Reason {
	var out []Reason
	for _, x := range r.Reasons {
		if x.RAG != Green {
			out = append(out, x)
		}
	}
	return out
}

// Inputs are what the rules read about one provider: the approved sections of the record
// (a change waiting for review does not count until accepted), its overdue QA actions, its
// late monitoring returns and its expired documents.
type Inputs struct {
	// ServiceCategories are the services on the approved organisation section: they say
	// which regulator the provider must be registered with.
	ServiceCategories   []string
	Insurance           *provider.InsuranceAnswers
	InsurancePending    bool
	Regulation          *provider.RegulationAnswers
	RegulationPending   bool
	Safeguarding        *provider.SafeguardingAnswers
	SafeguardingPending bool
	// OverdueActions counts QA actions open or in progress past their due date; OldestActionDue
	// is the earliest of their due dates.
	OverdueActions  int
	OldestActionDue time.Time
	// Returns is nil when monitoring returns were not read (inputs made by hand); the rule then says nothing.
	Returns *LateReturns
	// ExpiredDocuments counts the provider's documents whose expiry date has passed; the first
	// few are named, earliest expiry first.
	ExpiredDocuments int
	FirstExpiredOn   time.Time
	ExpiredNames     []string
	// Published are the judgements the regulators last published for the provider's
	// registrations, from the files applied (internal/regulator).
	Published []regulator.Published
	// LatestVisit is the provider's latest QA visit; nil when none is recorded.
	LatestVisit *VisitGrade
	// KPIs are the latest accepted values of the KPIs on the provider's contracts; nil when
	// they were not read (inputs made by hand), and the rule then says nothing.
	KPIs []contract.KPIRating
}

// VisitGrade is when a QA visit was made and the grade it gave.
type VisitGrade struct {
	VisitedOn time.Time
	Grade     Grade
}

// LateReturns are a provider's monitoring returns not made by their due date.
type LateReturns struct {
	Late      int
	OldestDue time.Time
}

// Rule is one documented compliance rule.
type Rule struct {
	Key, Title string
	Check      func(in *Inputs, s Settings, today time.Time) []Reason
}

// Rules are the compliance rules, in the order the panel shows their reasons within a rating.
// Each rule's doc comment is its documentation: what it reads, and when it is red, amber or green.
var Rules = []Rule{
	{"insurance", "Insurance", ruleInsurance},
	{"employers_liability", "Employer's liability cover", ruleEmployersLiability},
	{"dbs", "DBS checks", ruleDBS},
	{"ofsted", "Ofsted", ruleOfsted},
	{"cqc", "CQC", ruleCQC},
	{"published", "Published judgements", rulePublished},
	{"qa_visit", "Quality assurance visit", ruleQAVisit},
	{"qa_actions", "Quality assurance actions", ruleQAActions},
	{"kpis", "Key performance indicators", ruleKPIs},
	{"returns", "Monitoring returns", ruleReturns},
	{"documents", "Documents", ruleDocuments},
}

// Evaluate applies every rule to one provider's inputs on the given day. The overall rating is
// the worst of the reasons; every rule that applies gives at least one reason, green ones
// included, so every rating says why.
func Evaluate(in *Inputs, s Settings, today time.Time) Result {
	res := Result{RAG: Green, Today: today}
	for _, rule := range Rules {
		for _, r := range rule.Check(in, s, today) {
			r.Rule = rule.Key
			res.Reasons = append(res.Reasons, r)
			res.RAG = worse(res.RAG, r.RAG)
		}
	}
	slices.SortStableFunc(res.Reasons, func(a, b Reason) int { return b.RAG.rank() - a.RAG.rank() })
	return res
}

// Compliance computes one provider's compliance on today from the record as stored now,
// with the thresholds in the settings. An unknown provider is NotFound.
func Compliance(ctx context.Context, q sqlx.QueryerContext, orgID string, today time.Time) (Result, error) {
	if _, err := provider.OrganisationByID(ctx, q, orgID); err != nil {
		return Result{}, err
	}
	s, err := LoadSettings(ctx, q)
	if err != nil {
		return Result{}, err
	}
	inputs, err := loadInputs(ctx, q, []string{orgID}, today)
	if err != nil {
		return Result{}, err
	}
	res := Evaluate(inputs[orgID], s, today)
	res.OrganisationID = orgID
	return res, nil
}

// pendingNote is added to a concern drawn from a section with a change waiting for review:
// the change may well put it right once accepted.
const pendingNote = " A change to this section is waiting for an officer's review."

func withPending(reasons []Reason, pending bool) []Reason {
	if !pending {
		return reasons
	}
	for i := range reasons {
		if reasons[i].RAG != Green {
			reasons[i].Why += pendingNote
		}
	}
	return reasons
}

// ruleInsurance reads the approved insurance section. For each policy held (employer's
// liability is skipped for an organisation exempt from it):
//   - red: the policy's expiry date has passed;
//   - amber: it expires within the insurance warning days (30 by default), or has no expiry date;
//   - amber: no insurance has been approved yet, so the council has no evidence of cover;
//   - green otherwise, naming the next policy to expire.
func ruleInsurance(in *Inputs, s Settings, today time.Time) []Reason {
	if in.Insurance == nil {
		return withPending([]Reason{{RAG: Amber, Why: "No approved insurance details are on file, so the council has no evidence of cover."}}, in.InsurancePending)
	}
	var out []Reason
	var next time.Time
	nextName := ""
	held := 0
	for _, kind := range provider.PolicyKinds {
		if kind.Value == provider.PolicyEmployersLiability && in.Insurance.ELExempt == "yes" {
			continue
		}
		p := in.Insurance.Policy(kind.Value)
		name := strings.ToLower(kind.Label[:1]) + kind.Label[1:]
		held++
		expiry, msg := p.Expiry.Time("the expiry date")
		if msg != "" {
			out = append(out, Reason{RAG: Amber, Why: fmt.Sprintf("The %s policy has no expiry date on file.", name)})
			continue
		}
		days := daysBetween(today, expiry)
		which := policyWords(p)
		switch {
		case days < 0:
			out = append(out, Reason{RAG: Red, Why: fmt.Sprintf("The %s insurance%s expired on %s, %s ago.", name, which, displayDate(expiry), dayCount(-days))})
		case days == 0:
			out = append(out, Reason{RAG: Amber, Why: fmt.Sprintf("The %s insurance%s expires today.", name, which)})
		case days <= s.InsuranceWarningDays:
			out = append(out, Reason{RAG: Amber, Why: fmt.Sprintf("The %s insurance%s expires on %s, in %s (within %s).",
				name, which, displayDate(expiry), dayCount(days), dayCount(s.InsuranceWarningDays))})
		}
		if next.IsZero() || expiry.Before(next) {
			next, nextName = expiry, name
		}
	}
	if len(out) == 0 && held > 0 {
		out = append(out, Reason{RAG: Green, Why: fmt.Sprintf("%s current; the next to expire is the %s policy, on %s.",
			policiesAre(held), nextName, displayDate(next))})
	}
	return withPending(out, in.InsurancePending)
}

func policyWords(p provider.Policy) string {
	switch {
	case p.Insurer != "" && p.PolicyNumber != "":
		return fmt.Sprintf(" (%s, policy %s)", p.Insurer, p.PolicyNumber)
	case p.Insurer != "":
		return fmt.Sprintf(" (%s)", p.Insurer)
	}
	return ""
}

func policiesAre(n int) string {
	if n == 1 {
		return "The policy is"
	}
	return fmt.Sprintf("All %d policies are", n)
}

// ruleEmployersLiability reads the approved insurance section:
//   - red: employer's liability cover is below the minimum setting (never below the £5m the
//     Employers' Liability (Compulsory Insurance) Act 1969 requires);
//   - green: the cover meets the minimum, or the organisation is exempt (the reason is shown).
//
// With no approved insurance it says nothing: the insurance rule already reports that.
func ruleEmployersLiability(in *Inputs, s Settings, _ time.Time) []Reason {
	if in.Insurance == nil {
		return nil
	}
	if in.Insurance.ELExempt == "yes" {
		return []Reason{{RAG: Green, Why: "Exempt from employer's liability insurance: " + strings.TrimSuffix(in.Insurance.ELExemptReason, ".") + "."}}
	}
	cover := in.Insurance.Policy(provider.PolicyEmployersLiability).CoverPence
	if cover < s.MinEmployersLiabilityPence {
		return withPending([]Reason{{RAG: Red, Why: fmt.Sprintf("Employer's liability cover is %s, below the minimum of %s.",
			money(cover), money(s.MinEmployersLiabilityPence))}}, in.InsurancePending)
	}
	return []Reason{{RAG: Green, Why: fmt.Sprintf("Employer's liability cover is %s, at least the minimum of %s.", money(cover), money(s.MinEmployersLiabilityPence))}}
}

// ruleDBS reads the staff in regulated roles on the approved safeguarding section, leaving
// out those who have left. A member of staff's last check is the later of their last Update
// Service status check and their certificate's issue date (a new certificate is as good as a
// check); it falls due the DBS check months (12 by default) after that.
//   - amber: any member of staff has had no status check or new certificate within that time;
//   - amber: any member of staff's last status check found new information (a new
//     certificate is needed);
//   - amber: no DBS records are approved, or every member of staff on them has left;
//   - green otherwise.
//
// The reasons count staff and never name them: DBS data is criminal offence data.
func ruleDBS(in *Inputs, s Settings, today time.Time) []Reason {
	if in.Safeguarding == nil {
		return withPending([]Reason{{RAG: Amber, Why: "No approved DBS records are on file."}}, in.SafeguardingPending)
	}
	current, stale, newInfo := 0, 0, 0
	var oldest time.Time
	for _, m := range in.Safeguarding.Staff {
		if !m.LeftOn.IsEmpty() {
			continue
		}
		current++
		last, ok := LastDBSCheck(m)
		if !ok || DBSDue(last, s).Before(today) {
			stale++
			if ok && (oldest.IsZero() || last.Before(oldest)) {
				oldest = last
			}
		}
		if m.LastCheckResult == "new_information" {
			newInfo++
		}
	}
	var out []Reason
	if current == 0 {
		out = append(out, Reason{RAG: Amber, Why: "Every member of staff on the approved DBS records has left: no current DBS records are on file."})
	}
	period := monthCount(s.DBSCheckMonths)
	if stale > 0 {
		why := fmt.Sprintf("%d of %d current staff in regulated roles %s had no DBS status check or new certificate in the last %s",
			stale, current, hasHave(stale), period)
		if !oldest.IsZero() {
			why += fmt.Sprintf("; the longest since %s", displayDate(oldest))
		}
		out = append(out, Reason{RAG: Amber, Why: why + "."})
	}
	if newInfo > 0 {
		out = append(out, Reason{RAG: Amber, Why: fmt.Sprintf("%d of %d current staff %s a last status check that found new information: a new certificate is needed.",
			newInfo, current, hasHave(newInfo))})
	}
	if len(out) == 0 {
		out = append(out, Reason{RAG: Green, Why: fmt.Sprintf("All %d current staff in regulated roles have had a DBS status check or new certificate in the last %s.", current, period)})
	}
	return withPending(out, in.SafeguardingPending)
}

// LastDBSCheck is a member of staff's last DBS check: the later of their last status check
// (when one was made) and their certificate's issue date. ok is false when neither is known.
func LastDBSCheck(m provider.StaffMember) (time.Time, bool) {
	var last time.Time
	if t, msg := m.IssueDate.Time("date"); msg == "" {
		last = t
	}
	if m.LastCheckResult != "not_checked" {
		if t, msg := m.LastCheckDate.Time("date"); msg == "" && t.After(last) {
			last = t
		}
	}
	return last, !last.IsZero()
}

// DBSDue is when the next DBS status check falls due after the last one.
func DBSDue(last time.Time, s Settings) time.Time { return last.AddDate(0, s.DBSCheckMonths, 0) }

// regulatorReasons applies the rating rule shared by Ofsted and the CQC to each registration:
//   - red when inadequate;
//   - amber when requires improvement, when not yet inspected (the council has no
//     independent view of the setting yet), or when the judgement is older than the
//     judgement age setting (3 years by default: the provider is overdue a new inspection, or
//     the record is out of date);
//   - green, listing them, otherwise.
func regulatorReasons(regulator, verb string, regs []registration, s Settings, today time.Time) []Reason {
	var reasons []Reason
	var fine []string
	for _, r := range regs {
		when := ""
		if d := r.date.Display(); d != "" {
			when = " on " + d
		}
		switch r.rating {
		case "inadequate":
			reasons = append(reasons, Reason{RAG: Red, Why: fmt.Sprintf("%s %s %s inadequate%s.", regulator, verb, r.id, when)})
		case "requires_improvement":
			reasons = append(reasons, Reason{RAG: Amber, Why: fmt.Sprintf("%s %s %s %s%s.", regulator, verb, r.id, strings.ToLower(r.label), when)})
		case "not_yet_inspected", "not_yet_rated":
			reasons = append(reasons, Reason{RAG: Amber, Why: fmt.Sprintf("%s has not yet %s %s, so there is no independent judgement of its quality.",
				regulator, r.pastVerb, r.id)})
		default:
			if on, msg := r.date.Time("date"); msg == "" && JudgementTooOld(on, s, today) {
				reasons = append(reasons, Reason{RAG: Amber, Why: fmt.Sprintf("%s %s %s %s%s, more than %s ago: the judgement may no longer reflect the service.",
					regulator, verb, r.id, strings.ToLower(r.label), when, yearCount(s.JudgementMaxAgeYears))})
				continue
			}
			fine = append(fine, r.id+" "+strings.ToLower(r.label)+when)
		}
	}
	switch {
	case len(reasons) > 0:
		return reasons
	case len(fine) == 0:
		return []Reason{{RAG: Green, Why: fmt.Sprintf("Registered with %s; no ratings are on file yet.", strings.TrimPrefix(regulator, "The "))}}
	}
	return []Reason{{RAG: Green, Why: fmt.Sprintf("%s ratings: %s.", regulator, strings.Join(fine, "; "))}}
}

// JudgementTooOld reports whether a regulator's judgement made on the day given is older
// than the judgement age setting.
func JudgementTooOld(on time.Time, s Settings, today time.Time) bool {
	return on.AddDate(s.JudgementMaxAgeYears, 0, 0).Before(today)
}

type registration struct {
	id, rating, label, pastVerb string
	date                        form.DateInput
}

// needsRegistration returns, in words, the provider's services that the given regulator
// must register (provider.OfstedRegisteredCategories, provider.CQCRegisteredCategories).
// Supported accommodation for 16 and 17 year olds needs Ofsted registration only from
// 28 October 2023.
func needsRegistration(categories, required []string, today time.Time) []string {
	var out []string
	for _, c := range categories {
		if !slices.Contains(required, c) {
			continue
		}
		if c == "supported_accommodation" && today.Before(provider.SupportedAccommodationRegisteredFrom) {
			continue
		}
		label := provider.ServiceCategoryLabel(c)
		out = append(out, strings.ToLower(label[:1])+label[1:])
	}
	return out
}

// unregistered is the reason for a provider not registered with a regulator: red with the
// services that need the registration, green when none of its services does.
func unregistered(regulator string, needs []string) Reason {
	if len(needs) > 0 {
		return Reason{RAG: Red, Why: fmt.Sprintf("Not registered with %s, but it provides %s, which must be registered with %s.",
			regulator, andList(needs), regulator)}
	}
	return Reason{RAG: Green, Why: fmt.Sprintf("Not registered with %s; none of its services needs %s registration.", regulator, strings.TrimPrefix(regulator, "the "))}
}

// ruleOfsted reads the Ofsted registrations on the approved regulation section and the
// services on the approved organisation section:
//   - red: the provider says it is not registered with Ofsted but provides a service that
//     must be (children's homes, independent fostering, residential family centres, adoption
//     support, and supported accommodation for 16 and 17 year olds from 28 October 2023);
//   - red: any setting's latest overall judgement is inadequate;
//   - amber: any is requires improvement to be good, not yet inspected, or older than the
//     judgement age setting (3 years by default);
//   - amber: no regulation details are approved yet (this rule speaks for the CQC too);
//   - green otherwise, listing the judgements, or saying the provider is not registered and
//     need not be.
func ruleOfsted(in *Inputs, s Settings, today time.Time) []Reason {
	if in.Regulation == nil {
		return withPending([]Reason{{RAG: Amber, Why: "No approved Ofsted or CQC registration details are on file."}}, in.RegulationPending)
	}
	if in.Regulation.OfstedRegistered != "yes" {
		return withPending([]Reason{unregistered("Ofsted", needsRegistration(in.ServiceCategories, provider.OfstedRegisteredCategories, today))}, in.RegulationPending)
	}
	var regs []registration
	for _, o := range in.Regulation.Ofsted {
		regs = append(regs, registration{id: o.URN, rating: o.Judgement, label: optionLabel(provider.OfstedJudgements, o.Judgement), date: o.JudgementDate, pastVerb: "inspected"})
	}
	return withPending(regulatorReasons("Ofsted", "judged", regs, s, today), in.RegulationPending)
}

// ruleCQC reads the CQC locations on the approved regulation section and the services on the
// approved organisation section:
//   - red: the provider says it is not registered with the CQC but provides health or
//     personal care (a regulated activity, which only a registered provider may carry on);
//   - red: any location is rated inadequate;
//   - amber: any is rated requires improvement, not yet rated, or rated longer ago than the
//     judgement age setting;
//   - green otherwise, listing the ratings, or saying the provider is not registered and
//     need not be.
//
// With no approved regulation details it says nothing: the Ofsted rule reports that.
func ruleCQC(in *Inputs, s Settings, today time.Time) []Reason {
	if in.Regulation == nil {
		return nil
	}
	if in.Regulation.CQCRegistered != "yes" {
		return withPending([]Reason{unregistered("the CQC", needsRegistration(in.ServiceCategories, provider.CQCRegisteredCategories, today))}, in.RegulationPending)
	}
	var regs []registration
	for _, l := range in.Regulation.CQCLocations {
		regs = append(regs, registration{id: "location " + l.LocationID, rating: l.Rating, label: optionLabel(provider.CQCRatings, l.Rating), date: l.RatingDate, pastVerb: "rated"})
	}
	return withPending(regulatorReasons("The CQC", "rated", regs, s, today), in.RegulationPending)
}

// ruleQAVisit reads the grade of the provider's latest QA visit (by visit date):
//   - red: inadequate;
//   - amber: requires improvement;
//   - green: good or outstanding.
//
// With no visit recorded it says nothing.
func ruleQAVisit(in *Inputs, _ Settings, _ time.Time) []Reason {
	v := in.LatestVisit
	if v == nil {
		return nil
	}
	why := fmt.Sprintf("The latest quality assurance visit, on %s, graded the provider %s.", displayDate(v.VisitedOn), strings.ToLower(v.Grade.Label()))
	switch v.Grade {
	case GradeInadequate:
		return []Reason{{RAG: Red, Why: why}}
	case GradeRequiresImprovement:
		return []Reason{{RAG: Amber, Why: why}}
	}
	return []Reason{{RAG: Green, Why: why}}
}

// ruleKPIs reads the latest accepted value of each KPI on the provider's active or ended
// contracts, rated against the KPI's own boundaries (internal/contract's Rate):
//   - red: any KPI's latest value is red (one reason per KPI, naming it and the value);
//   - amber: any is amber;
//   - green: every KPI with a value is green.
//
// So a provider is never green overall while a KPI is red. With no accepted values it says
// nothing.
func ruleKPIs(in *Inputs, _ Settings, _ time.Time) []Reason {
	if len(in.KPIs) == 0 {
		return nil
	}
	var out []Reason
	for _, k := range in.KPIs {
		var rag RAG
		switch k.RAG {
		case contract.Red:
			rag = Red
		case contract.Amber:
			rag = Amber
		default:
			continue
		}
		out = append(out, Reason{RAG: rag, Why: fmt.Sprintf("%s on contract %s is %s, %s for the period to %s.",
			k.KPIName, k.ContractReference, strings.ToLower(k.RAG.Label()), k.ValueText, displayDate(k.PeriodEnd))})
	}
	if len(out) == 0 {
		return []Reason{{RAG: Green, Why: fmt.Sprintf("%s green at the latest value.", kpisAre(len(in.KPIs)))}}
	}
	return out
}

func kpisAre(n int) string {
	if n == 1 {
		return "The KPI is"
	}
	return fmt.Sprintf("All %d KPIs are", n)
}

// andList joins words as a list in prose: "a", "a and b", "a, b and c".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func yearCount(n int) string {
	if n == 1 {
		return "1 year"
	}
	return fmt.Sprintf("%d years", n)
}

// ruleQAActions counts the provider's QA actions open or in progress past their due date:
//   - red: the oldest is more than the QA overdue red days (30 by default) past due;
//   - amber: any is overdue;
//   - green: none is.
func ruleQAActions(in *Inputs, s Settings, today time.Time) []Reason {
	if in.OverdueActions == 0 {
		return []Reason{{RAG: Green, Why: "No quality assurance actions are overdue."}}
	}
	late := daysBetween(in.OldestActionDue, today)
	why := fmt.Sprintf("%s %s overdue; the oldest was due on %s, %s ago.", countNoun(in.OverdueActions, "quality assurance action"),
		isAre(in.OverdueActions), displayDate(in.OldestActionDue), dayCount(late))
	if late > s.QAOverdueRedDays {
		return []Reason{{RAG: Red, Why: why + fmt.Sprintf(" That is more than %s.", dayCount(s.QAOverdueRedDays))}}
	}
	return []Reason{{RAG: Amber, Why: why}}
}

// ruleReturns counts the provider's monitoring returns still due after their due date
// (internal/contract's monitoring_returns, status "due"):
//   - red: the oldest is more than the return late red days (30 by default) past due;
//   - amber: any is late;
//   - green: none is.
//
// It says nothing where the portal keeps no monitoring returns.
func ruleReturns(in *Inputs, s Settings, today time.Time) []Reason {
	if in.Returns == nil {
		return nil
	}
	if in.Returns.Late == 0 {
		return []Reason{{RAG: Green, Why: "No monitoring returns are late."}}
	}
	late := daysBetween(in.Returns.OldestDue, today)
	why := fmt.Sprintf("%s %s late; the oldest was due on %s, %s ago.", countNoun(in.Returns.Late, "monitoring return"),
		isAre(in.Returns.Late), displayDate(in.Returns.OldestDue), dayCount(late))
	if late > s.ReturnLateRedDays {
		return []Reason{{RAG: Red, Why: why + fmt.Sprintf(" That is more than %s.", dayCount(s.ReturnLateRedDays))}}
	}
	return []Reason{{RAG: Amber, Why: why}}
}

// ruleDocuments counts the provider's documents whose expiry date has passed:
//   - amber: any has expired (the document needs replacing; an expired insurance policy is
//     the insurance rule's red);
//   - green: none has.
func ruleDocuments(in *Inputs, _ Settings, _ time.Time) []Reason {
	if in.ExpiredDocuments == 0 {
		return []Reason{{RAG: Green, Why: "No documents on file have expired."}}
	}
	why := fmt.Sprintf("%s on file %s expired", countNoun(in.ExpiredDocuments, "document"), hasHave(in.ExpiredDocuments))
	if len(in.ExpiredNames) > 0 {
		why += ": " + strings.Join(in.ExpiredNames, ", ")
		if in.ExpiredDocuments > len(in.ExpiredNames) {
			why += fmt.Sprintf(" and %d more", in.ExpiredDocuments-len(in.ExpiredNames))
		}
	}
	why += fmt.Sprintf(". The first expired on %s.", displayDate(in.FirstExpiredOn))
	return []Reason{{RAG: Amber, Why: why}}
}

func optionLabel(opts []provider.Option, v string) string { return labelOf(opts, v) }

func dayCount(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

func monthCount(n int) string {
	if n == 1 {
		return "month"
	}
	return fmt.Sprintf("%d months", n)
}

func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}

// money shows pence as pounds, like £5,000,000.
func money(pence int64) string {
	s := fmt.Sprint(pence / 100)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if p := pence % 100; p != 0 {
		return fmt.Sprintf("£%s.%02d", s, p)
	}
	return "£" + s
}
