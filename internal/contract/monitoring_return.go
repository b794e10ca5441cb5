package contract

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// ReturnStatus is where a monitoring return is.
type ReturnStatus string

const (
	// ReturnDue: nothing submitted yet (it may not be due yet, or be overdue).
	ReturnDue ReturnStatus = "due"
	// ReturnSubmitted: the provider submitted it; an officer has to accept or query it.
	ReturnSubmitted ReturnStatus = "submitted"
	// ReturnQueried: an officer asked a question; the provider has to answer it.
	ReturnQueried ReturnStatus = "queried"
	// ReturnAnswered: the provider answered; an officer has to accept it or ask again.
	ReturnAnswered ReturnStatus = "answered"
	// ReturnAccepted: an officer accepted it (or recorded it, which accepts it).
	ReturnAccepted ReturnStatus = "accepted"
)

// Reviewable reports whether an officer may accept or query the return now.
func (s ReturnStatus) Reviewable() bool { return s == ReturnSubmitted || s == ReturnAnswered }

// Queryable reports whether an officer may ask about the return now: while it waits for
// review, or once accepted, when a mistake may come to light later.
func (s ReturnStatus) Queryable() bool { return s.Reviewable() || s == ReturnAccepted }

// MonitoringReturn is one KPI's return for one period, with what its page and lists show.
type MonitoringReturn struct {
	ID                 string       `db:"id"`
	KPIID              string       `db:"kpi_id"`
	ContractID         string       `db:"contract_id"`
	ContractReference  string       `db:"contract_reference"`
	ContractTitle      string       `db:"contract_title"`
	ContractStatus     Status       `db:"contract_status"`
	OrganisationID     string       `db:"organisation_id"`
	ProviderName       string       `db:"provider_name"`
	ManagerEmail       *string      `db:"manager_email"`
	KPIName            string       `db:"kpi_name"`
	Unit               string       `db:"unit"`
	Measure            Measure      `db:"measure"`
	Target             float64      `db:"target"`
	Direction          Direction    `db:"direction"`
	Amber              float64      `db:"amber_threshold"`
	Red                float64      `db:"red_threshold"`
	PeriodStart        time.Time    `db:"period_start"`
	PeriodEnd          time.Time    `db:"period_end"`
	DueDate            time.Time    `db:"due_date"`
	Status             ReturnStatus `db:"status"`
	Value              *float64     `db:"value"`
	Commentary         string       `db:"commentary"`
	EvidenceDocumentID *string      `db:"evidence_document_id"`
	EvidenceFilename   *string      `db:"evidence_filename"`
	SubmittedAt        *time.Time   `db:"submitted_at"`
	// FirstSubmittedAt is when the return was first made: a correction made after the due
	// date does not make a return late that was made in time.
	FirstSubmittedAt  *time.Time `db:"first_submitted_at"`
	SubmittedByName   string     `db:"submitted_by_name"`
	RecordedByOfficer bool       `db:"recorded_by_officer"`
	AcceptedAt        *time.Time `db:"accepted_at"`
	AcceptedByName    string     `db:"accepted_by_name"`
	// Revision is which submission Value is: 1, and one more for each correction.
	Revision int `db:"revision"`
	// AcceptedValue is the value of the latest revision an officer accepted, or nil when none
	// has been: the only value the chart, the dashboards and the published data use.
	AcceptedValue *float64  `db:"accepted_value"`
	Version       int       `db:"version"`
	UpdatedAt     time.Time `db:"updated_at"`
	// Today is the day the return was read on; the flags below are as of then.
	Today time.Time `db:"-"`
}

// Monitored reports whether the contract's returns can change: not while it is a draft,
// nor once it has been terminated.
func (r *MonitoringReturn) Monitored() bool {
	return r.ContractStatus != StatusDraft && r.ContractStatus != StatusTerminated
}

// Period is the return's reporting period.
func (r *MonitoringReturn) Period() Period {
	return Period{Start: dateOf(r.PeriodStart), End: dateOf(r.PeriodEnd)}
}

// KPI is the return's KPI, enough of it to rate and format values.
func (r *MonitoringReturn) KPI() *KPI {
	return &KPI{ID: r.KPIID, ContractID: r.ContractID, Name: r.KPIName, Unit: r.Unit, Measure: r.Measure, Target: r.Target, Direction: r.Direction, Amber: r.Amber, Red: r.Red}
}

// RAG rates the return's value; NoRAG when there is none.
func (r *MonitoringReturn) RAG() RAG {
	if r.Value == nil {
		return NoRAG
	}
	return r.KPI().Rate(*r.Value)
}

// ValueText is the value with its unit, or "" when none was given.
func (r *MonitoringReturn) ValueText() string {
	if r.Value == nil {
		return ""
	}
	return r.KPI().Format(*r.Value)
}

// AcceptedRAG rates the accepted value; NoRAG when no revision has been accepted.
func (r *MonitoringReturn) AcceptedRAG() RAG {
	if r.AcceptedValue == nil {
		return NoRAG
	}
	return r.KPI().Rate(*r.AcceptedValue)
}

// AcceptedValueText is the accepted value with its unit, or "" when none has been accepted.
func (r *MonitoringReturn) AcceptedValueText() string {
	if r.AcceptedValue == nil {
		return ""
	}
	return r.KPI().Format(*r.AcceptedValue)
}

// Corrected reports whether the provider has corrected the return since it was first made.
func (r *MonitoringReturn) Corrected() bool { return r.Revision > 1 }

// Correctable reports whether the provider may send a corrected revision now: while an
// officer's question about the current one waits.
func (r *MonitoringReturn) Correctable() bool { return r.Status == ReturnQueried && r.Monitored() }

// Overdue reports a return not submitted whose due date has passed.
func (r *MonitoringReturn) Overdue() bool {
	return r.Status == ReturnDue && r.Today.After(dateOf(r.DueDate))
}

// Late reports a return first submitted after its due date.
func (r *MonitoringReturn) Late() bool {
	return r.FirstSubmittedAt != nil && ukDate(*r.FirstSubmittedAt).After(dateOf(r.DueDate))
}

// Open reports whether the period has ended, so its return can be made.
func (r *MonitoringReturn) Open() bool { return !r.Today.Before(dateOf(r.PeriodEnd)) }

// Started reports whether the period has begun; lists leave out the periods to come.
func (r *MonitoringReturn) Started() bool { return !r.Today.Before(dateOf(r.PeriodStart)) }

// StatusLabel says where the return is, in the words of the people waiting on it.
func (r *MonitoringReturn) StatusLabel() string {
	switch r.Status {
	case ReturnDue:
		switch {
		case r.Overdue():
			return "Overdue"
		case r.Open():
			return "Due"
		}
		return "Not due yet"
	case ReturnSubmitted:
		if r.Corrected() {
			return "Corrected, awaiting review"
		}
		return "Awaiting review"
	case ReturnQueried:
		return "Queried"
	case ReturnAnswered:
		return "Answered, awaiting review"
	case ReturnAccepted:
		return "Accepted"
	}
	return string(r.Status)
}

// StatusTagClass is the GOV.UK tag colour for StatusLabel.
func (r *MonitoringReturn) StatusTagClass() string {
	switch {
	case r.Overdue():
		return "govuk-tag--red"
	case r.Status == ReturnDue && r.Open():
		return "govuk-tag--yellow"
	case r.Status == ReturnDue:
		return "govuk-tag--grey"
	case r.Status == ReturnQueried:
		return "govuk-tag--orange"
	case r.Status == ReturnAccepted:
		return "govuk-tag--green"
	}
	return "govuk-tag--blue"
}

// Note is one message about a return: an officer's query or the provider's answer.
type Note struct {
	Kind   string    `db:"kind"`
	Body   string    `db:"body"`
	ByName string    `db:"by_name"`
	At     time.Time `db:"at"`
}

// IsQuery reports whether the note is an officer's question.
func (n Note) IsQuery() bool { return n.Kind == "query" }

const returnColumns = `r.id, r.kpi_id, k.contract_id, c.reference AS contract_reference, c.title AS contract_title,
	c.status AS contract_status, c.organisation_id,
	coalesce(nullif(o.legal_name, ''), o.name) AS provider_name, m.email::text AS manager_email,
	k.name AS kpi_name, k.unit, k.measure, k.target, k.direction, k.amber_threshold, k.red_threshold,
	r.period_start, r.period_end, r.due_date, r.status, r.value, r.commentary, r.evidence_document_id, d.filename AS evidence_filename,
	r.submitted_at, coalesce((SELECT v.submitted_at FROM monitoring_return_revisions v WHERE v.return_id = r.id AND v.revision = 1),
		r.submitted_at) AS first_submitted_at, r.submitted_by_name, r.recorded_by_officer, r.accepted_at, r.accepted_by_name, r.revision,
	` + acceptedValue + ` AS accepted_value, r.version, r.updated_at`

// acceptedValue is the value of a return's latest accepted revision: the current one's when
// it was accepted, else the latest earlier revision accepted before a correction replaced it.
const acceptedValue = `CASE WHEN r.accepted_at IS NOT NULL THEN r.value ELSE (SELECT v.value FROM monitoring_return_revisions v
	WHERE v.return_id = r.id AND v.accepted_at IS NOT NULL ORDER BY v.revision DESC LIMIT 1) END`

const returnFrom = ` FROM monitoring_returns r JOIN kpis k ON k.id = r.kpi_id JOIN contracts c ON c.id = k.contract_id
	JOIN organisations o ON o.id = c.organisation_id LEFT JOIN users m ON m.id = c.manager_id
	LEFT JOIN documents d ON d.id = r.evidence_document_id`

// ReturnByID returns a monitoring return as of today, or NotFound. Callers check the reader
// may see its contract.
func ReturnByID(ctx context.Context, q sqlx.QueryerContext, id string, today time.Time) (*MonitoringReturn, error) {
	return returnWhere(ctx, q, today, `r.id = $1`, id)
}

func returnWhere(ctx context.Context, q sqlx.QueryerContext, today time.Time, where, id string, more ...any) (*MonitoringReturn, error) {
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "Monitoring return not found")
	}
	var r MonitoringReturn
	err := sqlx.GetContext(ctx, q, &r, `SELECT `+returnColumns+returnFrom+` WHERE `+where, append([]any{id}, more...)...)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Monitoring return not found")
	}
	if err != nil {
		return nil, fmt.Errorf("monitoring return: %w", err)
	}
	r.Today = dateOf(today)
	return &r, nil
}

// ReturnFilter selects monitoring returns for a list.
type ReturnFilter struct {
	KPIID, ContractID, OrganisationID string
	// Started leaves out periods that have not begun.
	Started bool
	// HasValue keeps returns made (submitted, queried, answered or accepted).
	HasValue bool
	// Accepted keeps returns with an accepted value, the only ones whose figures count.
	Accepted bool
	// Overdue keeps returns not submitted whose due date has passed, for contracts in force
	// or ended (not drafts, not terminated ones).
	Overdue bool
	// AwaitingReview keeps returns an officer has to accept or query.
	AwaitingReview bool
	// AwaitingProvider keeps what the provider has to do: returns whose period has ended and
	// that are not submitted, and queries to answer, for contracts not draft or terminated.
	AwaitingProvider bool
	Today            time.Time
	// Newest lists the latest periods first; otherwise the oldest come first.
	Newest        bool
	Limit, Offset int
}

// Returns lists one page of monitoring returns and how many match in all.
func Returns(ctx context.Context, q sqlx.QueryerContext, f ReturnFilter) ([]MonitoringReturn, int, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	for _, id := range []struct{ col, v string }{{"r.kpi_id", f.KPIID}, {"k.contract_id", f.ContractID}, {"c.organisation_id", f.OrganisationID}} {
		if id.v == "" {
			continue
		}
		if !db.IsUUID(id.v) {
			return nil, 0, nil
		}
		conds = append(conds, id.col+" = "+arg(id.v))
	}
	today := dateOf(f.Today).Format(time.DateOnly)
	if f.Started {
		conds = append(conds, "r.period_start <= "+arg(today)+"::date")
	}
	if f.HasValue {
		conds = append(conds, "r.value IS NOT NULL")
	}
	if f.Accepted {
		conds = append(conds, "("+acceptedValue+") IS NOT NULL")
	}
	if f.Overdue {
		conds = append(conds, "r.status = 'due' AND r.due_date < "+arg(today)+"::date AND c.status IN ('active','ended')")
	}
	if f.AwaitingReview {
		conds = append(conds, "r.status IN ('submitted','answered')")
	}
	if f.AwaitingProvider {
		conds = append(conds, "((r.status = 'due' AND r.period_end <= "+arg(today)+"::date) OR r.status = 'queried') AND c.status IN ('active','ended')")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	order := " ORDER BY r.period_start, r.due_date, lower(k.name), r.id"
	if f.Newest {
		order = " ORDER BY r.period_start DESC, lower(k.name), r.id"
	}
	limit, offset := arg(f.Limit), arg(f.Offset)
	var rows []struct {
		MonitoringReturn
		Total int `db:"total"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+returnColumns+`, COUNT(*) OVER () AS total`+returnFrom+where+order+
		` LIMIT `+limit+` OFFSET `+offset, args...); err != nil {
		return nil, 0, fmt.Errorf("list monitoring returns: %w", err)
	}
	out := make([]MonitoringReturn, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.MonitoringReturn, r.Total
		out[i].Today = dateOf(f.Today)
	}
	if len(rows) == 0 && f.Offset > 0 {
		args = args[:len(args)-2]
		if err := sqlx.GetContext(ctx, q, &total, `SELECT count(*)`+returnFrom+where, args...); err != nil {
			return nil, 0, fmt.Errorf("count monitoring returns: %w", err)
		}
	}
	return out, total, nil
}

// OverdueByProvider counts each provider's overdue returns (the compliance rules' "late
// returns"), for the organisations given, or every organisation when ids is empty.
func OverdueByProvider(ctx context.Context, q sqlx.QueryerContext, today time.Time, ids []string) (map[string]int, error) {
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if db.IsUUID(id) {
			valid = append(valid, id)
		}
	}
	if len(ids) > 0 && len(valid) == 0 {
		return map[string]int{}, nil
	}
	var rows []struct {
		OrgID string `db:"organisation_id"`
		N     int    `db:"n"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT c.organisation_id, count(*) AS n FROM monitoring_returns r
		JOIN kpis k ON k.id = r.kpi_id JOIN contracts c ON c.id = k.contract_id
		WHERE r.status = 'due' AND r.due_date < $1::date AND c.status IN ('active','ended')
		AND (cardinality($2::uuid[]) = 0 OR c.organisation_id = ANY($2::uuid[]))
		GROUP BY c.organisation_id`, dateOf(today).Format(time.DateOnly), stringArray(valid))
	if err != nil {
		return nil, fmt.Errorf("overdue returns by provider: %w", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.OrgID] = r.N
	}
	return out, nil
}

// Notes lists what was said about a return, oldest first.
func Notes(ctx context.Context, q sqlx.QueryerContext, returnID string) ([]Note, error) {
	var out []Note
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT kind, body, by_name, at FROM monitoring_return_notes
		WHERE return_id = $1 ORDER BY at, id`, returnID); err != nil {
		return nil, fmt.Errorf("return notes: %w", err)
	}
	return out, nil
}
