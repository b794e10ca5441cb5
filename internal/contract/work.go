package contract

import (
	"context"
	"fmt"
	"strconv"

	"github.com/council/provider-portal/internal/work"
	"github.com/jmoiron/sqlx"
)

// workReturnsSQL finds the monitoring returns waiting for an officer: submitted, or with a
// query answered. The partial index monitoring_returns_waiting keeps it cheap. A return an
// officer made themselves is not theirs to review.
// The count reads monitoring_returns alone; only "mine" looks up each return's contract.
const workReturnsWhere = `r.status IN ('submitted', 'answered')
		AND ($1::uuid[] IS NULL OR EXISTS (SELECT 1 FROM kpis mk JOIN contracts mc ON mc.id = mk.contract_id
			WHERE mk.id = r.kpi_id AND mc.organisation_id = ANY($1)))
		AND ($2::timestamptz IS NULL OR r.updated_at > $2)
		AND ($3::uuid IS NULL OR r.submitted_by IS DISTINCT FROM $3)`

const workReturnsSQL = `
	SELECT CASE WHEN r.status = 'answered' THEN 'return_answer' ELSE 'return' END AS kind, r.id::text AS id,
		c.reference || ': ' || k.name || ', ' || to_char(r.period_start, 'FMDD Mon YYYY') || ' to ' || to_char(r.period_end, 'FMDD Mon YYYY') AS title,
		'/returns/' || r.id AS href, r.updated_at AS since, c.organisation_id,
		coalesce(nullif(o.legal_name, ''), o.name) AS organisation_name
	FROM monitoring_returns r JOIN kpis k ON k.id = r.kpi_id JOIN contracts c ON c.id = k.contract_id
		JOIN organisations o ON o.id = c.organisation_id
	WHERE ` + workReturnsWhere

// WaitingReturns lists the monitoring returns waiting for an officer, oldest first.
func WaitingReturns(ctx context.Context, q sqlx.QueryerContext, f work.Filter) ([]work.Item, error) {
	var out []work.Item
	err := sqlx.SelectContext(ctx, q, &out, workReturnsSQL+` ORDER BY r.updated_at, r.id LIMIT $4`,
		f.OrgArg(), f.AfterArg(), f.UserArg(), f.LimitArg())
	if err != nil {
		return nil, fmt.Errorf("returns waiting: %w", err)
	}
	return out, nil
}

// CountWaitingReturns counts what WaitingReturns lists, without its limit.
func CountWaitingReturns(ctx context.Context, q sqlx.QueryerContext, f work.Filter) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM monitoring_returns r WHERE `+workReturnsWhere, f.OrgArg(), f.AfterArg(), f.UserArg()); err != nil {
		return 0, fmt.Errorf("count returns waiting: %w", err)
	}
	return n, nil
}

// ManagedOrganisations lists the providers with a contract the user manages: an officer's
// "my providers". The index contracts_manager answers it.
func ManagedOrganisations(ctx context.Context, q sqlx.QueryerContext, userID string) ([]string, error) {
	out := []string{}
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT DISTINCT organisation_id FROM contracts WHERE manager_id = $1`, userID); err != nil {
		return nil, fmt.Errorf("managed providers: %w", err)
	}
	return out, nil
}

// workAssessmentsWhere finds the contracts whose performance assessment is due within
// AssessmentLead days or overdue, as of the UK date. The partial index
// contracts_assessment_due answers it, and the count, from the index alone.
var workAssessmentsWhere = `c.assessment_due_on <= (now() AT TIME ZONE 'Europe/London')::date + ` + assessmentLeadSQL + `
		AND ($1::uuid[] IS NULL OR c.organisation_id = ANY($1))
		AND ($2::timestamptz IS NULL OR ((c.assessment_due_on - ` + assessmentLeadSQL + `)::timestamp AT TIME ZONE 'Europe/London') > $2)`

// assessmentLeadSQL is AssessmentLead in the queries.
var assessmentLeadSQL = strconv.Itoa(AssessmentLead)

var workAssessmentsSQL = `
	SELECT CASE WHEN c.assessment_due_on < (now() AT TIME ZONE 'Europe/London')::date THEN 'assessment_overdue' ELSE 'assessment_due' END AS kind,
		c.id::text AS id, c.reference || ': ' || c.title AS title, '/contracts/' || c.id || '/assessments/new' AS href,
		((c.assessment_due_on - ` + assessmentLeadSQL + `)::timestamp AT TIME ZONE 'Europe/London') AS since,
		c.assessment_due_on::timestamp AT TIME ZONE 'Europe/London' AS due,
		c.organisation_id, coalesce(nullif(o.legal_name, ''), o.name) AS organisation_name
	FROM contracts c JOIN organisations o ON o.id = c.organisation_id
	WHERE ` + workAssessmentsWhere

// WaitingAssessments lists the contracts whose performance assessment is due soon or
// overdue, the longest waiting first. An item's Since is when it became work (AssessmentLead
// days before the due date) and Due the date the law sets.
func WaitingAssessments(ctx context.Context, q sqlx.QueryerContext, f work.Filter) ([]work.Item, error) {
	var out []work.Item
	err := sqlx.SelectContext(ctx, q, &out, workAssessmentsSQL+` ORDER BY c.assessment_due_on, c.id LIMIT $3`,
		f.OrgArg(), f.AfterArg(), f.LimitArg())
	if err != nil {
		return nil, fmt.Errorf("assessments waiting: %w", err)
	}
	return out, nil
}

// CountWaitingAssessments counts what WaitingAssessments lists, without its limit.
func CountWaitingAssessments(ctx context.Context, q sqlx.QueryerContext, f work.Filter) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM contracts c WHERE `+workAssessmentsWhere, f.OrgArg(), f.AfterArg()); err != nil {
		return 0, fmt.Errorf("count assessments waiting: %w", err)
	}
	return n, nil
}
