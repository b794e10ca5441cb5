package privacy

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/form"
	"github.com/jmoiron/sqlx"
)

// ReportWithin is how long a controller has to report a breach to the ICO once it is aware
// of it, where the breach is likely to result in a risk to people (UK GDPR art. 33(1)).
const ReportWithin = 72 * time.Hour

// BreachRisks are the outcomes of a risk assessment, as the ICO's guidance frames them.
var BreachRisks = []RegisterOption{
	{Value: "unlikely", Label: "Unlikely to result in a risk to people's rights and freedoms"},
	{Value: "risk", Label: "Likely to result in a risk: report to the ICO"},
	{Value: "high", Label: "Likely to result in a high risk: report to the ICO and tell the people affected"},
}

// BreachDecisions are the decisions about reporting to the ICO.
var BreachDecisions = []RegisterOption{
	{Value: "report", Label: "Report to the ICO"},
	{Value: "not_report", Label: "Do not report to the ICO"},
	{Value: "undecided", Label: "Not decided yet"},
}

// NotificationAudiences are who may be told about a breach.
var NotificationAudiences = []RegisterOption{
	{Value: "people", Label: "People whose data was involved"},
	{Value: "body", Label: "A body, such as the ICO, the police or the provider"},
}

// Breach is one entry of the breach register.
type Breach struct {
	ID               string     `db:"id"`
	Reference        string     `db:"reference"`
	Title            string     `db:"title"`
	Description      string     `db:"description"`
	DataAffected     string     `db:"data_affected"`
	PeopleAffected   *int       `db:"people_affected"`
	OrganisationID   *string    `db:"organisation_id"`
	SupplierRef      *string    `db:"-"` // read through provider
	OrganisationName *string    `db:"-"`
	OccurredAt       *time.Time `db:"occurred_at"`
	DiscoveredAt     time.Time  `db:"discovered_at"`
	Risk             string     `db:"risk"`
	RiskAssessment   string     `db:"risk_assessment"`
	Decision         string     `db:"decision"`
	DecisionReason   string     `db:"decision_reason"`
	DecidedAt        *time.Time `db:"decided_at"`
	DecidedByName    *string    `db:"decided_by_name"`
	ReportedAt       *time.Time `db:"reported_at"`
	ICOReference     string     `db:"ico_reference"`
	ClosedAt         *time.Time `db:"closed_at"`
	RecordedByName   string     `db:"recorded_by_name"`
	RecordedAt       time.Time  `db:"recorded_at"`
	Version          int        `db:"version"`
}

// RiskLabel is the risk assessment's outcome in words.
func (b Breach) RiskLabel() string {
	if b.Risk == "unassessed" {
		return "Not assessed yet"
	}
	return registerOptionLabel(BreachRisks, b.Risk)
}

// DecisionLabel is the reporting decision in words.
func (b Breach) DecisionLabel() string { return registerOptionLabel(BreachDecisions, b.Decision) }

// Closed reports whether the breach has been closed.
func (b Breach) Closed() bool { return b.ClosedAt != nil }

// DeadlineState is where a breach stands against the 72-hour deadline.
type DeadlineState string

const (
	DeadlineRunning      DeadlineState = "running"
	DeadlineOverdue      DeadlineState = "overdue"
	DeadlineReported     DeadlineState = "reported"
	DeadlineReportedLate DeadlineState = "reported_late"
	DeadlineNotNeeded    DeadlineState = "not_needed"
)

// Deadline is a breach's reporting deadline as of a moment: when it falls, its state and the
// whole hours left, overdue, or late.
type Deadline struct {
	Due   time.Time
	State DeadlineState
	Hours int
}

// DeadlineOf is the 72-hour deadline of a breach discovered at discovered, as of now: running
// (hours left) or overdue (hours past) until the breach is reported, or a decision that no
// report is needed stops the clock.
func DeadlineOf(discovered time.Time, decision string, reported *time.Time, now time.Time) Deadline {
	d := Deadline{Due: discovered.Add(ReportWithin)}
	switch {
	case reported != nil && reported.After(d.Due):
		d.State, d.Hours = DeadlineReportedLate, int(reported.Sub(d.Due).Hours())
	case reported != nil:
		d.State = DeadlineReported
	case decision == "not_report":
		d.State = DeadlineNotNeeded
	case now.Before(d.Due):
		d.State, d.Hours = DeadlineRunning, int(d.Due.Sub(now).Hours())
	default:
		d.State, d.Hours = DeadlineOverdue, int(now.Sub(d.Due).Hours())
	}
	return d
}

// Deadline is the breach's deadline as of now.
func (b Breach) Deadline(now time.Time) Deadline {
	return DeadlineOf(b.DiscoveredAt, b.Decision, b.ReportedAt, now)
}

func hoursText(n int) string {
	if n == 1 {
		return "1 hour"
	}
	return strconv.Itoa(n) + " hours"
}

// Text is the deadline in words: "41 hours left", "Overdue by 5 hours", "Reported in time".
func (d Deadline) Text() string {
	switch d.State {
	case DeadlineRunning:
		if d.Hours == 0 {
			return "Less than 1 hour left"
		}
		return hoursText(d.Hours) + " left"
	case DeadlineOverdue:
		if d.Hours == 0 {
			return "Overdue by less than 1 hour"
		}
		return "Overdue by " + hoursText(d.Hours)
	case DeadlineReported:
		return "Reported in time"
	case DeadlineReportedLate:
		if d.Hours == 0 {
			return "Reported less than 1 hour late"
		}
		return "Reported " + hoursText(d.Hours) + " late"
	}
	return "No report needed"
}

// TagClass is the GOV.UK tag colour for the deadline: red once overdue or within a day.
func (d Deadline) TagClass() string {
	switch {
	case d.State == DeadlineOverdue || d.State == DeadlineReportedLate:
		return "govuk-tag--red"
	case d.State == DeadlineRunning && d.Hours < 24:
		return "govuk-tag--red"
	case d.State == DeadlineRunning:
		return "govuk-tag--yellow"
	case d.State == DeadlineReported:
		return "govuk-tag--green"
	}
	return "govuk-tag--grey"
}

const breachColumns = `b.id, b.reference, b.title, b.description, b.data_affected, b.people_affected, b.organisation_id::text AS organisation_id,
	b.occurred_at, b.discovered_at, b.risk,
	b.risk_assessment, b.decision, b.decision_reason, b.decided_at, b.decided_by_name, b.reported_at, b.ico_reference, b.closed_at,
	b.recorded_by_name, b.recorded_at, b.version`

const breachFrom = ` FROM breaches b`

// ParseClock reads a 24-hour time of day such as "14:30" or "9.05".
func ParseClock(s string) (hour, minute int, ok bool) {
	h, m, found := strings.Cut(strings.ReplaceAll(strings.TrimSpace(s), ".", ":"), ":")
	if !found || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, 0, false
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return 0, 0, false
	}
	return hour, minute, true
}

// ukInstant is a UK date and time of day as an instant.
func ukInstant(date time.Time, hour, minute int) time.Time {
	return time.Date(date.Year(), date.Month(), date.Day(), hour, minute, 0, 0, registersZone)
}

// instantField reads a date and time pair of fields, with messages keyed by the date field
// and the time field; it refuses a time in the future.
func instantField(errs map[string]string, dateField, timeField string, date form.DateInput, clock, label string, now time.Time) time.Time {
	d, msg := date.Time("the date " + label)
	if msg != "" {
		errs[dateField] = msg
	}
	h, m, ok := ParseClock(clock)
	switch {
	case strings.TrimSpace(clock) == "":
		errs[timeField] = "Enter the time " + label + ", like 14:30"
		return time.Time{}
	case !ok:
		errs[timeField] = "Enter the time in 24-hour format, like 14:30"
		return time.Time{}
	case msg != "":
		return time.Time{}
	}
	t := ukInstant(d, h, m)
	if t.After(now) {
		errs[timeField] = "The time " + label + " must be in the past"
	}
	return t
}

// BreachInput is the form recording a new breach.
type BreachInput struct {
	Title          string         `form:"title" label:"the title"`
	Description    string         `form:"description" label:"what happened" multiline:"true"`
	DataAffected   string         `form:"data_affected" label:"the data involved" multiline:"true"`
	PeopleAffected string         `form:"people_affected" label:"the number of people"`
	SupplierRef    string         `form:"supplier_ref" label:"the supplier reference"`
	DiscoveredOn   form.DateInput `form:"discovered_on" label:"the date it was discovered"`
	DiscoveredTime string         `form:"discovered_time" label:"the time it was discovered"`
	OccurredOn     form.DateInput `form:"occurred_on" label:"the date it happened"`
}

// BreachFields are the form's fields in page order, for the error summary.
var BreachFields = []string{"title", "description", "data_affected", "people_affected", "supplier_ref", "discovered_on",
	"discovered_time", "occurred_on"}

// parsedBreach is a checked BreachInput.
type parsedBreach struct {
	discovered time.Time
	occurred   *time.Time
	people     *int
}

// Validate checks the input as of now, with a message per field.
func (in *BreachInput) Validate(now time.Time) (parsedBreach, map[string]string) {
	errs := map[string]string{}
	var p parsedBreach
	switch {
	case in.Title == "":
		errs["title"] = "Enter a short title for the breach"
	case len(in.Title) > 200:
		errs["title"] = "The title must be 200 characters or fewer"
	}
	switch {
	case in.Description == "":
		errs["description"] = "Enter what happened"
	case len(in.Description) > 4000:
		errs["description"] = "What happened must be 4000 characters or fewer"
	}
	if len(in.DataAffected) > 2000 {
		errs["data_affected"] = "The data involved must be 2000 characters or fewer"
	}
	if in.PeopleAffected != "" {
		n, err := strconv.Atoi(strings.ReplaceAll(in.PeopleAffected, ",", ""))
		if err != nil || n < 0 || n > 100_000_000 {
			errs["people_affected"] = "Enter the number of people as a whole number, like 12"
		} else {
			p.people = &n
		}
	}
	if len(in.SupplierRef) > 50 {
		errs["supplier_ref"] = "The supplier reference must be 50 characters or fewer"
	}
	p.discovered = instantField(errs, "discovered_on", "discovered_time", in.DiscoveredOn, in.DiscoveredTime, "it was discovered", now)
	if !in.OccurredOn.IsEmpty() {
		d, msg := in.OccurredOn.Time("the date it happened")
		switch {
		case msg != "":
			errs["occurred_on"] = msg
		case !p.discovered.IsZero() && d.After(RegistersToday(p.discovered)):
			errs["occurred_on"] = "The date it happened must be on or before the date it was discovered"
		default:
			t := ukInstant(d, 0, 0)
			p.occurred = &t
		}
	}
	return p, errs
}

// RecordBreach adds a breach to the register; its 72-hour clock runs from the discovery.
// Audited.
func RecordBreach(ctx context.Context, d *sqlx.DB, in BreachInput, now time.Time) (*Breach, error) {
	p, errs := in.Validate(now)
	if len(errs) > 0 {
		return nil, apperr.InvalidFields(errs)
	}
	var id string
	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		org, err := supplierByRef(ctx, tx, in.SupplierRef, "supplier_ref")
		if err != nil {
			return err
		}
		a := audit.ActorFrom(ctx)
		var ref string
		err = tx.QueryRowxContext(ctx, `INSERT INTO breaches (title, description, data_affected, people_affected, organisation_id,
				occurred_at, discovered_at, recorded_by, recorded_by_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, reference`,
			in.Title, in.Description, in.DataAffected, p.people, org, p.occurred, p.discovered, staffIDOf(a), auth.ActorName(ctx, tx, a)).Scan(&id, &ref)
		if err != nil {
			return fmt.Errorf("record breach: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "privacy.breach.recorded", ObjectType: "breach", ObjectID: id,
			Summary: map[string]any{"reference": ref, "discovered_at": p.discovered.UTC().Format(time.RFC3339), "organisation_id": org}})
	})
	if err != nil {
		return nil, err
	}
	return BreachByID(ctx, d, id)
}

// BreachByID returns one breach, or NotFound.
func BreachByID(ctx context.Context, q sqlx.QueryerContext, id string) (*Breach, error) {
	if !isRegisterID(id) {
		return nil, apperr.New(apperr.NotFound, "Breach not found")
	}
	var b Breach
	err := sqlx.GetContext(ctx, q, &b, `SELECT `+breachColumns+breachFrom+` WHERE b.id = $1`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Breach not found")
	}
	if err != nil {
		return nil, fmt.Errorf("breach: %w", err)
	}
	if err := labelBreaches(ctx, q, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// Breaches lists the register: open breaches first, then the most recently discovered, a
// page at a time, with the total.
func Breaches(ctx context.Context, q sqlx.QueryerContext, limit, offset int) ([]Breach, int, error) {
	var rows []struct {
		Breach
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+breachColumns+`, count(*) OVER () AS total`+breachFrom+`
		ORDER BY b.closed_at IS NOT NULL, b.discovered_at DESC, b.id LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("breaches: %w", err)
	}
	out := make([]Breach, len(rows))
	ptrs := make([]*Breach, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.Breach, r.Total
		ptrs[i] = &out[i]
	}
	if err := labelBreaches(ctx, q, ptrs...); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// lockBreach reads a breach FOR UPDATE and checks it is open and at the version the editor saw.
func lockBreach(ctx context.Context, tx *sqlx.Tx, id string, version int) (*Breach, error) {
	if !isRegisterID(id) {
		return nil, apperr.New(apperr.NotFound, "Breach not found")
	}
	var b Breach
	err := tx.GetContext(ctx, &b, `SELECT `+breachColumns+breachFrom+` WHERE b.id = $1 FOR UPDATE OF b`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Breach not found")
	}
	if err != nil {
		return nil, fmt.Errorf("breach: %w", err)
	}
	if err := labelBreaches(ctx, tx, &b); err != nil {
		return nil, err
	}
	if b.Closed() {
		return nil, apperr.New(apperr.Conflict, "This breach has been closed")
	}
	if b.Version != version {
		return nil, apperr.New(apperr.Conflict, "Someone else changed this breach while you were looking at it. Check it and try again")
	}
	return &b, nil
}

// BreachAssessment is the risk assessment and the decision about reporting to the ICO.
type BreachAssessment struct {
	Risk           string `form:"risk"`
	RiskAssessment string `form:"risk_assessment" label:"the assessment" multiline:"true"`
	Decision       string `form:"decision"`
	DecisionReason string `form:"decision_reason" label:"the reason" multiline:"true"`
}

// AssessmentFields are the assessment form's fields in page order.
var AssessmentFields = []string{"risk", "risk_assessment", "decision", "decision_reason"}

// Validate checks the assessment for a breach, with a message per field. A breach likely to
// result in a risk must be reported (art. 33(1)); a decision needs its reason.
func (in BreachAssessment) Validate(b *Breach) map[string]string {
	errs := map[string]string{}
	if !registerOptionValid(BreachRisks, in.Risk) {
		errs["risk"] = "Select the outcome of the risk assessment"
	}
	switch {
	case in.RiskAssessment == "":
		errs["risk_assessment"] = "Enter the risk assessment: the likelihood and severity of harm to the people involved"
	case len(in.RiskAssessment) > 4000:
		errs["risk_assessment"] = "The assessment must be 4000 characters or fewer"
	}
	switch {
	case !registerOptionValid(BreachDecisions, in.Decision):
		errs["decision"] = "Select whether to report the breach to the ICO"
	case in.Decision == "not_report" && in.Risk != "unlikely" && errs["risk"] == "":
		errs["decision"] = "A breach likely to result in a risk to people must be reported to the ICO within 72 hours"
	case b != nil && b.ReportedAt != nil && in.Decision != "report":
		errs["decision"] = "The breach has been reported to the ICO already"
	}
	switch {
	case in.Decision != "undecided" && in.DecisionReason == "" && errs["decision"] == "":
		errs["decision_reason"] = "Enter the reason for the decision"
	case len(in.DecisionReason) > 4000:
		errs["decision_reason"] = "The reason must be 4000 characters or fewer"
	}
	return errs
}

// AssessBreach records the risk assessment and the decision about reporting. Audited.
func AssessBreach(ctx context.Context, d *sqlx.DB, id string, version int, in BreachAssessment) error {
	return db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		b, err := lockBreach(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if errs := in.Validate(b); len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		a := audit.ActorFrom(ctx)
		var decidedBy any
		decided := "NULL"
		if in.Decision != "undecided" {
			decidedBy, decided = auth.ActorName(ctx, tx, a), "now()"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE breaches SET risk = $2, risk_assessment = $3, decision = $4, decision_reason = $5,
				decided_at = `+decided+`, decided_by_name = $6, version = version + 1 WHERE id = $1`,
			id, in.Risk, in.RiskAssessment, in.Decision, in.DecisionReason, decidedBy); err != nil {
			return fmt.Errorf("assess breach: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "privacy.breach.assessed", ObjectType: "breach", ObjectID: id,
			Summary: map[string]any{"reference": b.Reference, "risk": in.Risk, "decision": in.Decision}})
	})
}

// BreachReport is when the breach was reported to the ICO and the ICO's reference.
type BreachReport struct {
	ReportedOn   form.DateInput `form:"reported_on" label:"the date it was reported"`
	ReportedTime string         `form:"reported_time" label:"the time it was reported"`
	ICOReference string         `form:"ico_reference" label:"the ICO's reference"`
}

// ReportFields are the report form's fields in page order.
var ReportFields = []string{"reported_on", "reported_time", "ico_reference"}

// MarkReported records that the breach was reported to the ICO; the decision must be to
// report. Audited.
func MarkReported(ctx context.Context, d *sqlx.DB, id string, version int, in BreachReport, now time.Time) error {
	return db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		b, err := lockBreach(ctx, tx, id, version)
		if err != nil {
			return err
		}
		errs := map[string]string{}
		at := instantField(errs, "reported_on", "reported_time", in.ReportedOn, in.ReportedTime, "it was reported", now)
		if len(errs) == 0 && at.Before(b.DiscoveredAt.Truncate(time.Minute)) {
			errs["reported_on"] = "The report must be on or after the time the breach was discovered"
		}
		if len(in.ICOReference) > 100 {
			errs["ico_reference"] = "The ICO's reference must be 100 characters or fewer"
		}
		if b.Decision != "report" {
			errs["reported_on"] = "Record the decision to report the breach to the ICO first"
		}
		if len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE breaches SET reported_at = $2, ico_reference = $3, version = version + 1 WHERE id = $1`,
			id, at, in.ICOReference); err != nil {
			return fmt.Errorf("record report: %w", err)
		}
		dl := DeadlineOf(b.DiscoveredAt, b.Decision, &at, now)
		return audit.Record(ctx, tx, audit.Event{Action: "privacy.breach.reported", ObjectType: "breach", ObjectID: id,
			Summary: map[string]any{"reference": b.Reference, "reported_at": at.UTC().Format(time.RFC3339), "deadline": string(dl.State)}})
	})
}

// BreachNotification records someone told about a breach.
type BreachNotification struct {
	ID             int64     `db:"id"`
	Audience       string    `db:"audience"`
	Who            string    `db:"who"`
	ToldOn         time.Time `db:"told_on"`
	How            string    `db:"how"`
	RecordedByName string    `db:"recorded_by_name"`
	RecordedAt     time.Time `db:"recorded_at"`
}

// AudienceLabel is who was told, in words.
func (n BreachNotification) AudienceLabel() string {
	return registerOptionLabel(NotificationAudiences, n.Audience)
}

// NotificationInput is the form recording that someone was told.
type NotificationInput struct {
	Audience string         `form:"audience"`
	Who      string         `form:"who" label:"who was told"`
	ToldOn   form.DateInput `form:"told_on" label:"the date they were told"`
	How      string         `form:"how" label:"how they were told"`
}

// NotificationFields are the notification form's fields in page order.
var NotificationFields = []string{"audience", "who", "told_on", "how"}

// AddNotification records that people or a body were told about the breach. Audited.
func AddNotification(ctx context.Context, d *sqlx.DB, id string, version int, in NotificationInput, now time.Time) error {
	return db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		b, err := lockBreach(ctx, tx, id, version)
		if err != nil {
			return err
		}
		errs := map[string]string{}
		if !registerOptionValid(NotificationAudiences, in.Audience) {
			errs["audience"] = "Select whether people or a body were told"
		}
		switch {
		case in.Who == "":
			errs["who"] = "Enter who was told, such as the ICO or the 12 members of staff named in the file"
		case len(in.Who) > 300:
			errs["who"] = "Who was told must be 300 characters or fewer"
		}
		if len(in.How) > 300 {
			errs["how"] = "How they were told must be 300 characters or fewer"
		}
		on, msg := in.ToldOn.Time("the date they were told")
		switch {
		case msg != "":
			errs["told_on"] = msg
		case on.After(RegistersToday(now)):
			errs["told_on"] = "The date they were told must be today or in the past"
		case on.Before(RegistersToday(b.DiscoveredAt)):
			errs["told_on"] = "The date they were told must be on or after the date the breach was discovered"
		}
		if len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO breach_notifications (breach_id, audience, who, told_on, how, recorded_by_name)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, in.Audience, in.Who, on, in.How, auth.ActorName(ctx, tx, audit.ActorFrom(ctx))); err != nil {
			return fmt.Errorf("record notification: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE breaches SET version = version + 1 WHERE id = $1`, id); err != nil {
			return fmt.Errorf("record notification: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "privacy.breach.notified", ObjectType: "breach", ObjectID: id,
			Summary: map[string]any{"reference": b.Reference, "audience": in.Audience, "told_on": on.Format(time.DateOnly)}})
	})
}

// Notifications lists who was told about a breach, in the order they were told.
func Notifications(ctx context.Context, q sqlx.QueryerContext, breachID string) ([]BreachNotification, error) {
	var out []BreachNotification
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, audience, who, told_on, how, recorded_by_name, recorded_at
		FROM breach_notifications WHERE breach_id = $1 ORDER BY told_on, id`, breachID)
	if err != nil {
		return nil, fmt.Errorf("breach notifications: %w", err)
	}
	return out, nil
}

// CloseBreach closes a breach once the decision about reporting is made and, where the
// decision was to report, the report is recorded. Audited.
func CloseBreach(ctx context.Context, d *sqlx.DB, id string, version int) error {
	return db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		b, err := lockBreach(ctx, tx, id, version)
		if err != nil {
			return err
		}
		switch {
		case b.Decision == "undecided":
			return apperr.New(apperr.Conflict, "Record the decision about reporting to the ICO before closing the breach")
		case b.Decision == "report" && b.ReportedAt == nil:
			return apperr.New(apperr.Conflict, "Record when the breach was reported to the ICO before closing it")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE breaches SET closed_at = now(), version = version + 1 WHERE id = $1`, id); err != nil {
			return fmt.Errorf("close breach: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "privacy.breach.closed", ObjectType: "breach", ObjectID: id,
			Summary: map[string]any{"reference": b.Reference}})
	})
}

// InUK is t in the council's time zone, the zone the registers' times are typed in.
func InUK(t time.Time) time.Time { return t.In(registersZone) }

// FormatUK writes an instant as the registers show it: "3 March 2026 at 2:30pm", UK time.
func FormatUK(t time.Time) string { return t.In(registersZone).Format("2 January 2006 at 3:04pm") }
