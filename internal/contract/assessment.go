package contract

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// Rating is a point on the statutory scale a contract performance notice rates a supplier
// on (Procurement Act 2023, section 71; Procurement Regulations 2024).
type Rating string

const (
	RatingGood                Rating = "good"
	RatingApproachingTarget   Rating = "approaching_target"
	RatingRequiresImprovement Rating = "requires_improvement"
	RatingInadequate          Rating = "inadequate"
	RatingOther               Rating = "other"
)

// Ratings are the scale in order, best first, labelled with the regulations' descriptions.
var Ratings = []provider.Option{
	{Value: string(RatingGood), Label: "Good: performance is meeting or exceeding the KPI"},
	{Value: string(RatingApproachingTarget), Label: "Approaching target: performance is close to meeting the KPI"},
	{Value: string(RatingRequiresImprovement), Label: "Requires improvement: performance is below the KPI"},
	{Value: string(RatingInadequate), Label: "Inadequate: performance is significantly below the KPI"},
	{Value: string(RatingOther), Label: "Other: performance cannot be described as any of these"},
}

// Label is the rating's name: "Approaching target".
func (r Rating) Label() string {
	name, _, _ := strings.Cut(optionLabel(Ratings, string(r)), ":")
	return name
}

// TagClass is the GOV.UK tag colour for the rating; the word is always shown with it.
func (r Rating) TagClass() string {
	switch r {
	case RatingGood:
		return "govuk-tag--green"
	case RatingApproachingTarget:
		return "govuk-tag--yellow"
	case RatingRequiresImprovement:
		return "govuk-tag--orange"
	case RatingInadequate:
		return "govuk-tag--red"
	}
	return "govuk-tag--grey"
}

// severity orders the scale from good (0) to inadequate (3); other is -1, outside it.
func (r Rating) severity() int {
	switch r {
	case RatingGood:
		return 0
	case RatingApproachingTarget:
		return 1
	case RatingRequiresImprovement:
		return 2
	case RatingInadequate:
		return 3
	}
	return -1
}

// ProposeRating maps a KPI's accepted values over a period onto the scale, from their mean:
// meeting the target is good; short of it but green is approaching target; amber requires
// improvement; red is inadequate. With no accepted value there is nothing to rate: other.
func ProposeRating(k *KPI, values []float64) Rating {
	if len(values) == 0 {
		return RatingOther
	}
	mean := 0.0
	for _, v := range values {
		mean += v
	}
	mean /= float64(len(values))
	if k.MeetsTarget(mean) {
		return RatingGood
	}
	switch k.Rate(mean) {
	case Green:
		return RatingApproachingTarget
	case Amber:
		return RatingRequiresImprovement
	}
	return RatingInadequate
}

// OverallProposal is the lowest KPI rating on the scale, so one failing KPI is never hidden
// by the others; other when no KPI could be rated.
func OverallProposal(ratings []Rating) Rating {
	out := RatingOther
	for _, r := range ratings {
		if r.severity() > out.severity() {
			out = r
		}
	}
	return out
}

// AssessmentKind is why an assessment was made.
type AssessmentKind string

const (
	// AssessPeriodic is section 71(2)'s assessment at least once in every 12 months.
	AssessPeriodic AssessmentKind = "periodic"
	// AssessTermination is the assessment on the contract's termination or end.
	AssessTermination AssessmentKind = "termination"
	// AssessBreach and AssessPoorPerformance are section 71(4)'s: a breach with serious
	// consequences, or failing to perform to the required standard after being given a
	// proper opportunity to improve.
	AssessBreach          AssessmentKind = "breach"
	AssessPoorPerformance AssessmentKind = "poor_performance"
)

// AssessmentKinds are the options of the form.
var AssessmentKinds = []provider.Option{
	{Value: string(AssessPeriodic), Label: "Regular assessment (at least once every 12 months)"},
	{Value: string(AssessTermination), Label: "Assessment on termination or at the end of the contract"},
	{Value: string(AssessBreach), Label: "Breach of contract"},
	{Value: string(AssessPoorPerformance), Label: "Poor performance after a chance to improve"},
}

// Label is the kind as people say it.
func (k AssessmentKind) Label() string { return optionLabel(AssessmentKinds, string(k)) }

// counts reports whether the kind restarts the 12 months: the regular and termination ones.
func (k AssessmentKind) counts() bool { return k == AssessPeriodic || k == AssessTermination }

// AssessmentLead is how many days before its due date an assessment appears as work.
const AssessmentLead = 30

// AssessedValue is one accepted return value counted in an assessment.
type AssessedValue struct {
	Period string `json:"period"`
	Value  string `json:"value"`
}

// AssessedKPI is one KPI as it was assessed: a snapshot, so later changes to the KPI do not
// rewrite the record.
type AssessedKPI struct {
	KPIID        string          `json:"kpi_id"`
	Name         string          `json:"name"`
	Target       string          `json:"target"`
	MostMaterial bool            `json:"most_material"`
	Values       []AssessedValue `json:"values"`
	Mean         string          `json:"mean,omitempty"`
	Proposed     Rating          `json:"proposed"`
	Rating       Rating          `json:"rating,omitempty"`
}

// AssessedKPIs is the jsonb column of a confirmed assessment's KPIs.
type AssessedKPIs []AssessedKPI

// Value stores the KPIs as JSON.
func (a AssessedKPIs) Value() (driver.Value, error) {
	if a == nil {
		a = AssessedKPIs{}
	}
	b, err := json.Marshal(a)
	return string(b), err
}

// Scan reads the KPIs from JSON.
func (a *AssessedKPIs) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		return json.Unmarshal(v, a)
	case string:
		return json.Unmarshal([]byte(v), a)
	}
	return fmt.Errorf("assessed kpis: cannot scan %T", src)
}

// Assessment is a confirmed contract performance assessment.
type Assessment struct {
	ID              string         `db:"id"`
	ContractID      string         `db:"contract_id"`
	Kind            AssessmentKind `db:"kind"`
	PeriodStart     time.Time      `db:"period_start"`
	PeriodEnd       time.Time      `db:"period_end"`
	Proposed        Rating         `db:"proposed_rating"`
	Rating          Rating         `db:"rating"`
	KPIs            AssessedKPIs   `db:"kpi_ratings"`
	Reason          string         `db:"reason"`
	ConfirmedByName string         `db:"confirmed_by_name"`
	ConfirmedAt     time.Time      `db:"confirmed_at"`
	Version         int            `db:"version"`
}

// Period is the span the assessment covers.
func (a *Assessment) Period() Period {
	return Period{Start: dateOf(a.PeriodStart), End: dateOf(a.PeriodEnd)}
}

// Proposal is an assessment as the portal proposes it from the accepted returns, before
// the officer confirms it. It is never stored.
type Proposal struct {
	ContractID  string
	PeriodStart time.Time
	PeriodEnd   time.Time
	// Ended reports whether the contract has ended or been terminated, so the assessment
	// on termination can be made.
	Ended bool
	// UpToDate reports that a regular or termination assessment already covers the days up
	// to today (or the end): only one for a breach or poor performance can be made.
	UpToDate bool
	KPIs     []AssessedKPI
	Overall  Rating
}

// Period is the span the proposal covers.
func (p *Proposal) Period() Period { return Period{Start: p.PeriodStart, End: p.PeriodEnd} }

// Basis fingerprints what the proposal was made from (the period and each KPI's values):
// the form carries it, and a confirmation made from a proposal since overtaken (another
// assessment, a return accepted meanwhile) is refused as a conflict.
func (p *Proposal) Basis() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s", p.PeriodStart.Format(time.DateOnly), p.PeriodEnd.Format(time.DateOnly))
	for _, k := range p.KPIs {
		fmt.Fprintf(h, "|%s:%s", k.KPIID, k.Proposed)
		for _, v := range k.Values {
			fmt.Fprintf(h, ",%s=%s", v.Period, v.Value)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// ProposeAssessment proposes the contract's next assessment, as of today: it covers the
// days since the last regular or termination assessment (or the contract's start) up to
// today, or to the contract's end once it has ended.
func (svc *Service) ProposeAssessment(ctx context.Context, contractID string) (*Proposal, error) {
	c, err := ContractByID(ctx, svc.DB, contractID)
	if err != nil {
		return nil, err
	}
	return svc.propose(ctx, svc.DB, c)
}

func (svc *Service) propose(ctx context.Context, q sqlx.QueryerContext, c *Contract) (*Proposal, error) {
	if c.Stored == StatusDraft {
		return nil, apperr.New(apperr.Invalid, "A draft contract cannot be assessed: make it active first")
	}
	today := svc.Today()
	ended := dateOf(c.EndDate)
	if c.TerminatedOn != nil {
		ended = dateOf(*c.TerminatedOn)
	}
	p := &Proposal{ContractID: c.ID, PeriodStart: dateOf(c.StartDate), PeriodEnd: today,
		Ended: c.Stored == StatusTerminated || !today.Before(ended)}
	var last *time.Time
	if err := sqlx.GetContext(ctx, q, &last, `SELECT max(period_end) FROM contract_assessments
		WHERE contract_id = $1 AND kind IN ('periodic','termination')`, c.ID); err != nil {
		return nil, fmt.Errorf("last assessment: %w", err)
	}
	if last != nil {
		p.PeriodStart = dateOf(*last).AddDate(0, 0, 1)
	}
	if p.PeriodEnd.After(ended) {
		p.PeriodEnd = ended
	}
	if p.PeriodEnd.Before(p.PeriodStart) {
		p.UpToDate, p.PeriodEnd = true, p.PeriodStart
	}
	kpis, err := KPIs(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	if len(kpis) == 0 {
		return nil, apperr.New(apperr.Invalid, "This contract has no KPIs to assess performance against: add them first")
	}
	returns, _, err := Returns(ctx, q, ReturnFilter{ContractID: c.ID, Accepted: true, Today: today, Limit: 10000})
	if err != nil {
		return nil, err
	}
	var ratings []Rating
	for i := range kpis {
		k := &kpis[i]
		a := AssessedKPI{KPIID: k.ID, Name: k.Name, Target: k.TargetText() + " (" + strings.ToLower(k.Direction.Label()) + ")", MostMaterial: k.MostMaterial}
		var values []float64
		for _, r := range returns {
			end := dateOf(r.PeriodEnd)
			if r.KPIID != k.ID || r.AcceptedValue == nil || end.Before(p.PeriodStart) || end.After(p.PeriodEnd) {
				continue
			}
			values = append(values, *r.AcceptedValue)
			a.Values = append(a.Values, AssessedValue{Period: r.Period().Label(), Value: k.Format(*r.AcceptedValue)})
		}
		if len(values) > 0 {
			sum := 0.0
			for _, v := range values {
				sum += v
			}
			a.Mean = k.Format(sum / float64(len(values)))
		}
		a.Proposed = ProposeRating(k, values)
		ratings = append(ratings, a.Proposed)
		p.KPIs = append(p.KPIs, a)
	}
	p.Overall = OverallProposal(ratings)
	return p, nil
}

// AssessmentForm is the officer's confirmation as typed.
type AssessmentForm struct {
	Kind    string               `form:"kind" label:"the kind of assessment"`
	Basis   string               `form:"basis" label:"the proposal"`
	KPIs    []AssessmentKPIInput `form:"kpi"`
	Overall string               `form:"overall" label:"the overall rating"`
	Reason  string               `form:"reason" multiline:"true" label:"the reason"`
}

// AssessmentKPIInput is one KPI's rating on the form.
type AssessmentKPIInput struct {
	KPIID  string `form:"id" label:"the KPI"`
	Rating string `form:"rating" label:"the rating"`
}

// AssessmentFormOf fills the form with a proposal's ratings, for the officer to confirm.
func AssessmentFormOf(p *Proposal) AssessmentForm {
	f := AssessmentForm{Kind: string(AssessPeriodic), Basis: p.Basis(), Overall: string(p.Overall)}
	switch {
	case p.UpToDate:
		f.Kind = ""
	case p.Ended:
		f.Kind = string(AssessTermination)
	}
	for _, k := range p.KPIs {
		f.KPIs = append(f.KPIs, AssessmentKPIInput{KPIID: k.KPIID, Rating: string(k.Proposed)})
	}
	return f
}

// AssessmentFormOrder is the order of the form's fields, for the error summary.
var AssessmentFormOrder = []string{"kind", "kpi", "overall", "reason"}

// MaxReason bounds the reason, as the database does.
const MaxReason = 5000

// ConfirmAssessment records the officer's assessment: each KPI's rating and the overall
// one, confirmed or changed from the proposal. A reason is required when any rating departs
// from the proposal, and always for a breach or poor performance. The form names the basis
// of the proposal it was read from; one since overtaken is a Conflict.
func (svc *Service) ConfirmAssessment(ctx context.Context, contractID string, f AssessmentForm) (*Assessment, error) {
	var out Assessment
	err := db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		c, err := lockContract(ctx, tx, contractID)
		if err != nil {
			return err
		}
		p, err := svc.propose(ctx, tx, c)
		if err != nil {
			return err
		}
		if f.Basis != p.Basis() {
			return apperr.New(apperr.Conflict, "The returns or assessments of this contract changed while you were assessing it. Check the proposed ratings again")
		}
		kind, kpis, errs := f.check(p)
		if len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		err = tx.GetContext(ctx, &out, `INSERT INTO contract_assessments (contract_id, kind, period_start, period_end, proposed_rating, rating,
			kpi_ratings, reason, confirmed_by, confirmed_by_name, confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			RETURNING `+assessmentColumns,
			c.ID, string(kind), p.PeriodStart, p.PeriodEnd, string(p.Overall), f.Overall, kpis, f.Reason,
			nullable(audit.ActorFrom(ctx).UserID), actorName(ctx, tx), svc.now())
		if db.IsCode(err, db.CodeUniqueViolation) {
			return apperr.New(apperr.Conflict, "Someone else has just assessed this period. Open the contract to see their assessment")
		}
		if err != nil {
			return fmt.Errorf("confirm assessment: %w", err)
		}
		if err := syncAssessmentDue(ctx, tx, c.ID); err != nil {
			return err
		}
		perKPI := map[string]string{}
		for _, k := range kpis {
			perKPI[k.Name] = string(k.Rating)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.assessment.confirmed", ObjectType: "contract", ObjectID: c.ID,
			Summary: map[string]any{"organisation_id": c.OrganisationID, "assessment_id": out.ID, "kind": string(kind),
				"period": p.Period().Label(), "proposed": string(p.Overall), "rating": f.Overall, "kpis": perKPI,
				"departed": departs(p, kpis, Rating(f.Overall)), "reason": f.Reason}})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// check validates the form against the proposal and returns the KPIs with their ratings.
func (f *AssessmentForm) check(p *Proposal) (AssessmentKind, AssessedKPIs, map[string]string) {
	errs := map[string]string{}
	kind := AssessmentKind(f.Kind)
	switch {
	case !hasOption(AssessmentKinds, f.Kind):
		errs["kind"] = "Select the kind of assessment"
	case kind == AssessTermination && !p.Ended:
		errs["kind"] = "The assessment on termination can be made once the contract has ended or been terminated"
	case kind == AssessPeriodic && p.Ended:
		errs["kind"] = "The contract has ended: make the assessment on termination instead"
	case kind.counts() && p.UpToDate:
		errs["kind"] = "Performance has already been assessed up to " + p.PeriodStart.AddDate(0, 0, -1).Format("2 January 2006") +
			". Only an assessment for a breach or for poor performance can be made now"
	}
	given := map[string]string{}
	for _, in := range f.KPIs {
		given[in.KPIID] = in.Rating
	}
	kpis := make(AssessedKPIs, len(p.KPIs))
	for i, k := range p.KPIs {
		kpis[i] = k
		r := given[k.KPIID]
		if !hasOption(Ratings, r) {
			errs[fmt.Sprintf("kpi-%d-rating", i)] = "Select a rating for " + k.Name
			continue
		}
		kpis[i].Rating = Rating(r)
	}
	if !hasOption(Ratings, f.Overall) {
		errs["overall"] = "Select the overall rating"
	}
	switch {
	case len(f.Reason) > MaxReason:
		errs["reason"] = fmt.Sprintf("The reason must be %d characters or fewer", MaxReason)
	case f.Reason != "":
	case kind == AssessBreach || kind == AssessPoorPerformance:
		errs["reason"] = "Enter the reason: what the breach or the poor performance was, and for poor performance the chance to improve that was given"
	case len(errs) == 0 && departs(p, kpis, Rating(f.Overall)):
		errs["reason"] = "Enter the reason for changing the proposed rating"
	}
	return kind, kpis, errs
}

// departs reports whether any confirmed rating differs from the proposal.
func departs(p *Proposal, kpis AssessedKPIs, overall Rating) bool {
	if overall != p.Overall {
		return true
	}
	for _, k := range kpis {
		if k.Rating != k.Proposed {
			return true
		}
	}
	return false
}

const assessmentColumns = `id, contract_id, kind, period_start, period_end, proposed_rating, rating, kpi_ratings, reason,
	confirmed_by_name, confirmed_at, version`

// Assessments lists a contract's confirmed assessments, newest first. Callers check the
// reader may see the contract.
func Assessments(ctx context.Context, q sqlx.QueryerContext, contractID string) ([]Assessment, error) {
	var out []Assessment
	if !db.IsUUID(contractID) {
		return nil, nil
	}
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT `+assessmentColumns+` FROM contract_assessments WHERE contract_id = $1
		ORDER BY confirmed_at DESC, id`, contractID); err != nil {
		return nil, fmt.Errorf("assessments: %w", err)
	}
	return out, nil
}

// AssessmentDue is when a contract's next regular or termination assessment is due.
type AssessmentDue struct {
	On time.Time
	// Overdue is past the due date; otherwise it is due within AssessmentLead days or later.
	Overdue bool
	// Soon is within AssessmentLead days of the due date (or past it): it is in the work queue.
	Soon bool
}

// NextAssessmentDue is when the contract's next assessment is due as of today, or nil when
// none is: a draft, a contract without a KPI marked most material, or one whose termination
// assessment has been made.
func NextAssessmentDue(ctx context.Context, q sqlx.QueryerContext, contractID string, today time.Time) (*AssessmentDue, error) {
	var on *time.Time
	if err := sqlx.GetContext(ctx, q, &on, `SELECT assessment_due_on FROM contracts WHERE id = $1`, contractID); err != nil {
		return nil, fmt.Errorf("assessment due: %w", err)
	}
	if on == nil {
		return nil, nil
	}
	d := AssessmentDueOn(dateOf(*on), dateOf(today))
	return &d, nil
}

// AssessmentDueOn says where today falls against a due date: overdue the day after it, and
// in the work queue from AssessmentLead days before it.
func AssessmentDueOn(due, today time.Time) AssessmentDue {
	return AssessmentDue{On: due, Overdue: today.After(due), Soon: !today.Before(due.AddDate(0, 0, -AssessmentLead))}
}

// syncAssessmentDue sets when the contract's next assessment is due. Assessments are due
// for contracts in force or ended with a KPI marked most material (the KPIs their notices
// publish): 12 months from the start or the end of the last regular assessment, or on the
// day the contract ends or was terminated if that comes first, until the assessment on
// termination is made. Every change to a contract, its KPIs or its assessments calls it.
func syncAssessmentDue(ctx context.Context, tx *sqlx.Tx, contractID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE contracts c SET assessment_due_on = CASE
			WHEN c.status = 'draft' OR NOT EXISTS (SELECT 1 FROM kpis k WHERE k.contract_id = c.id AND k.most_material) THEN NULL
			WHEN EXISTS (SELECT 1 FROM contract_assessments a WHERE a.contract_id = c.id AND a.kind = 'termination') THEN NULL
			ELSE least((coalesce((SELECT max(a.period_end) FROM contract_assessments a WHERE a.contract_id = c.id
				AND a.kind IN ('periodic','termination')), c.start_date) + interval '12 months')::date, `+endedOn+`) END
		WHERE c.id = $1`, contractID)
	if err != nil {
		return fmt.Errorf("assessment due: %w", err)
	}
	return nil
}

// ConfirmedAssessments is the contract performance assessments as the procurement notices
// see them (Service.Assessments): every confirmed assessment needs a contract performance
// notice within 30 days (section 71), a regular or termination one for its KPI ratings, a
// breach or poor performance one for itself. Which contracts need notices at all (awarded
// under the Act, not drafts or grants) is the notices' rule, not this one's.
type ConfirmedAssessments struct{}

// NeedingNotice lists the contract's confirmed assessments, oldest first, each dated the
// UK day it was confirmed.
func (ConfirmedAssessments) NeedingNotice(ctx context.Context, q sqlx.QueryerContext, contractID string) ([]PerformanceAssessment, error) {
	list, err := Assessments(ctx, q, contractID)
	if err != nil {
		return nil, err
	}
	out := make([]PerformanceAssessment, 0, len(list))
	for i := len(list) - 1; i >= 0; i-- {
		a := &list[i]
		out = append(out, PerformanceAssessment{ID: a.ID, AssessedOn: ukDate(a.ConfirmedAt),
			Summary: fmt.Sprintf("%s, %s: overall %s", a.Kind.Label(), a.Period().Label(), strings.ToLower(a.Rating.Label()))})
	}
	return out, nil
}
