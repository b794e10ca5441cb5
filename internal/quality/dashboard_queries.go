package quality

// What falls due across every provider, for the officers' dashboard (internal/web
// dashboard*.go): insurance policies expiring and DBS status checks falling due within a
// window. The rules in compliance.go judge one provider at a time from its decoded sections;
// a dashboard over 100,000 providers cannot decode every record on each view, so these read
// the approved sections' JSON in SQL. They follow the same definitions, written out in SQL:
// the policies ruleInsurance and the reminders look at (employer's liability left out for an
// exempt organisation), and LastDBSCheck and DBSDue for each current member of staff.
// Like the reminders, they cover approved and suspended providers: the ones with an
// approved record the council relies on.

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// jsonDateSQL is the SQL for the date a form.DateInput stored as JSON ({"Day", "Month", "Year"})
// holds, or NULL when it holds none (empty boxes, or anything form.DateInput.Time would
// refuse). The nested CASEs make PostgreSQL check the text before casting it: it does not
// promise to evaluate the parts of an AND in order.
func jsonDateSQL(j string) string {
	y, m, d := "("+j+"->>'Year')", "("+j+"->>'Month')", "("+j+"->>'Day')"
	return fmt.Sprintf(`(CASE WHEN %[1]s ~ '^[0-9]{4}$' AND %[2]s ~ '^[0-9]{1,2}$' AND %[3]s ~ '^[0-9]{1,2}$' THEN
		CASE WHEN %[1]s::int BETWEEN 1900 AND 2200 AND %[2]s::int BETWEEN 1 AND 12 AND %[3]s::int >= 1 THEN
		CASE WHEN %[3]s::int <= extract(day FROM make_date(%[1]s::int, %[2]s::int, 1) + interval '1 month - 1 day') THEN
		make_date(%[1]s::int, %[2]s::int, %[3]s::int) END END END)`, y, m, d)
}

// jsonElementsSQL is the SQL for the elements of a JSON array, or none when the value is not an
// array (so an odd document is skipped rather than failing the query).
func jsonElementsSQL(j string) string {
	return `jsonb_array_elements(CASE WHEN jsonb_typeof(` + j + `) = 'array' THEN ` + j + ` ELSE '[]'::jsonb END)`
}

// dateText passes a date as the text of one, so no time zone moves it.
func dateText(t time.Time) string { return t.Format(time.DateOnly) }

// PolicyExpiry is one insurance policy of a provider, expiring soon.
type PolicyExpiry struct {
	OrganisationID string    `db:"organisation_id"`
	ProviderName   string    `db:"provider_name"`
	SupplierRef    string    `db:"supplier_ref"`
	Kind           string    `db:"kind"`
	Insurer        string    `db:"insurer"`
	PolicyNumber   string    `db:"policy_number"`
	ExpiresOn      time.Time `db:"expires_on"`
}

// KindLabel names the policy.
func (p PolicyExpiry) KindLabel() string { return labelOf(provider.PolicyKinds, p.Kind) }

// insurancePolicies is the SQL of every policy the insurance rule looks at, with its expiry
// date (NULL when unreadable), as the CTE "policies".
var insurancePolicies = `WITH policies AS (SELECT o.id AS organisation_id, coalesce(nullif(o.legal_name, ''), o.name) AS provider_name,
		o.supplier_ref, p.value->>'kind' AS kind, coalesce(p.value->>'insurer', '') AS insurer,
		coalesce(p.value->>'policy_number', '') AS policy_number, ` + jsonDateSQL("p.value->'expiry'") + ` AS expires_on
	FROM organisations o
	JOIN provider_sections ps ON ps.organisation_id = o.id AND ps.section = 'insurance' AND ps.approved_data IS NOT NULL
	CROSS JOIN LATERAL ` + jsonElementsSQL("ps.approved_data->'policies'") + ` p
	WHERE o.status IN ('approved', 'suspended')
		AND p.value->>'kind' IN ('employers_liability', 'public_liability', 'professional_indemnity')
		AND NOT (p.value->>'kind' = 'employers_liability' AND coalesce(ps.approved_data->>'el_exempt', '') = 'yes'))`

// InsuranceExpiring lists one page of the policies expiring from one day to another (both
// included), soonest first, and how many there are.
func InsuranceExpiring(ctx context.Context, q sqlx.QueryerContext, from, to time.Time, limit, offset int) ([]PolicyExpiry, int, error) {
	var rows []struct {
		PolicyExpiry
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, insurancePolicies+`
		SELECT *, count(*) OVER () AS total FROM policies WHERE expires_on BETWEEN $1::date AND $2::date
		ORDER BY expires_on, provider_name, organisation_id, kind LIMIT $3 OFFSET $4`, dateText(from), dateText(to), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("insurance expiring: %w", err)
	}
	out := make([]PolicyExpiry, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.PolicyExpiry, r.Total
	}
	if len(rows) == 0 && offset > 0 {
		if err := sqlx.GetContext(ctx, q, &total, insurancePolicies+`
			SELECT count(*) FROM policies WHERE expires_on BETWEEN $1::date AND $2::date`, dateText(from), dateText(to)); err != nil {
			return nil, 0, fmt.Errorf("count insurance expiring: %w", err)
		}
	}
	return out, total, nil
}

// InsuranceExpiringCounts counts the policies expiring from today within each of the
// windows, in days (counts[i] is for windows[i]), in one read of the records.
func InsuranceExpiringCounts(ctx context.Context, q sqlx.QueryerContext, today time.Time, windows []int) ([]int, error) {
	var days []int
	if err := sqlx.SelectContext(ctx, q, &days, insurancePolicies+`
		SELECT expires_on - $1::date FROM policies WHERE expires_on BETWEEN $1::date AND $1::date + $2::int`,
		dateText(today), largest(windows)); err != nil {
		return nil, fmt.Errorf("count insurance expiring: %w", err)
	}
	return countWithin(days, windows), nil
}

// countWithin counts, for each window, the day numbers no greater than it.
func countWithin(days, windows []int) []int {
	out := make([]int, len(windows))
	for i, w := range windows {
		for _, d := range days {
			if d <= w {
				out[i]++
			}
		}
	}
	return out
}

func largest(ns []int) int {
	m := 0
	for _, n := range ns {
		m = max(m, n)
	}
	return m
}

// DBSChecksDue is how many of a provider's current staff in regulated roles have a DBS
// status check falling due, and the first of those dates. It names nobody: DBS data is
// criminal offence data, and the names stay on the audited review page.
type DBSChecksDue struct {
	OrganisationID string    `db:"organisation_id"`
	ProviderName   string    `db:"provider_name"`
	SupplierRef    string    `db:"supplier_ref"`
	Staff          int       `db:"staff"`
	FirstDue       time.Time `db:"first_due"`
}

// dbsDue is the SQL of the next status check due for each current member of staff of each
// provider, as the CTE "due"; $3 is the settings' DBS check months. The due date adds months
// as Go's AddDate does (DBSDue): to the first of the month, then the days, so 31 January and
// a month is 3 March, not 28 February.
var dbsDue = `WITH staff AS (
		SELECT o.id AS organisation_id, coalesce(nullif(o.legal_name, ''), o.name) AS provider_name, o.supplier_ref,
			greatest(` + jsonDateSQL("m.value->'issue_date'") + `,
				CASE WHEN coalesce(m.value->>'last_check_result', '') <> 'not_checked' THEN ` + jsonDateSQL("m.value->'last_check_date'") + ` END) AS last_check
		FROM organisations o
		JOIN provider_sections ps ON ps.organisation_id = o.id AND ps.section = 'safeguarding' AND ps.approved_data IS NOT NULL
		CROSS JOIN LATERAL ` + jsonElementsSQL("ps.approved_data->'staff'") + ` m
		WHERE o.status IN ('approved', 'suspended')
			AND coalesce(m.value->'left_on'->>'Day', '') = '' AND coalesce(m.value->'left_on'->>'Month', '') = ''
			AND coalesce(m.value->'left_on'->>'Year', '') = ''
	), due AS (
		SELECT organisation_id, provider_name, supplier_ref,
			(date_trunc('month', last_check::timestamp) + make_interval(months => $3))::date + (extract(day FROM last_check)::int - 1) AS due_on
		FROM staff WHERE last_check IS NOT NULL
	)`

// DBSChecksFallingDue lists one page of the providers with DBS status checks falling due
// from one day to another (both included), soonest first, and how many providers there are.
// A check falls due the settings' DBS check months after the member of staff's last check
// (LastDBSCheck, DBSDue); staff who have left are not counted.
func DBSChecksFallingDue(ctx context.Context, q sqlx.QueryerContext, s Settings, from, to time.Time, limit, offset int) ([]DBSChecksDue, int, error) {
	var rows []struct {
		DBSChecksDue
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, dbsDue+`
		SELECT organisation_id, provider_name, supplier_ref, count(*) AS staff, min(due_on) AS first_due, count(*) OVER () AS total
		FROM due WHERE due_on BETWEEN $1::date AND $2::date GROUP BY organisation_id, provider_name, supplier_ref
		ORDER BY first_due, provider_name, organisation_id LIMIT $4 OFFSET $5`, dateText(from), dateText(to), s.DBSCheckMonths, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("DBS checks falling due: %w", err)
	}
	out := make([]DBSChecksDue, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.DBSChecksDue, r.Total
	}
	if len(rows) == 0 && offset > 0 {
		if err := sqlx.GetContext(ctx, q, &total, dbsDue+`SELECT count(DISTINCT organisation_id) FROM due WHERE due_on BETWEEN $1::date AND $2::date`,
			dateText(from), dateText(to), s.DBSCheckMonths); err != nil {
			return nil, 0, fmt.Errorf("count DBS checks falling due: %w", err)
		}
	}
	return out, total, nil
}

// DBSChecksFallingDueCounts counts the providers with a DBS status check falling due from
// today within each of the windows, in days (counts[i] is for windows[i]), in one read.
func DBSChecksFallingDueCounts(ctx context.Context, q sqlx.QueryerContext, s Settings, today time.Time, windows []int) ([]int, error) {
	var days []int
	if err := sqlx.SelectContext(ctx, q, &days, dbsDue+`
		SELECT min(due_on) - $1::date FROM due WHERE due_on BETWEEN $1::date AND $1::date + $2::int GROUP BY organisation_id`,
		dateText(today), largest(windows), s.DBSCheckMonths); err != nil {
		return nil, fmt.Errorf("count DBS checks falling due: %w", err)
	}
	return countWithin(days, windows), nil
}

// OutstandingActions lists one page of a provider's actions still to do (open or in
// progress), soonest due first, and how many there are; overdue is judged on today.
func OutstandingActions(ctx context.Context, q sqlx.QueryerContext, orgID string, today time.Time, limit, offset int) ([]Action, int, error) {
	if !auth.IsUUID(orgID) {
		return nil, 0, nil
	}
	var total int
	if err := sqlx.GetContext(ctx, q, &total, `SELECT count(*) FROM qa_actions WHERE organisation_id = $1
		AND status IN ('open', 'in_progress')`, orgID); err != nil {
		return nil, 0, fmt.Errorf("count outstanding actions: %w", err)
	}
	var out []Action
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT `+actionColumns+actionFrom+` WHERE a.organisation_id = $1
		AND a.status IN ('open', 'in_progress') ORDER BY a.due_on, a.created_at, a.id LIMIT $2 OFFSET $3`, orgID, limit, offset); err != nil {
		return nil, 0, fmt.Errorf("outstanding actions: %w", err)
	}
	for i := range out {
		out[i].Today = today
	}
	return out, total, nil
}
