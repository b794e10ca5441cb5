package quality

// What falls due across every provider, for the officers' dashboard (internal/web
// dashboard*.go): insurance policies expiring and DBS status checks falling due within a
// window. The rules in compliance.go judge one provider at a time from its decoded sections;
// a dashboard over 100,000 providers cannot decode every record on each view, so these read
// dates a trigger copies out of the approved sections (migration 00018), under an index.
// They follow the same definitions, written out in SQL:
// the policies ruleInsurance and the reminders look at (employer's liability left out for an
// exempt organisation), and LastDBSCheck and DBSDue for each current member of staff.
// Like the reminders, they cover approved and suspended providers: the ones with an
// approved record the council relies on.

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

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
// date (NULL when unreadable), as the CTE "policies". The policies come from
// provider_policy_expiries, which a trigger derives from the approved insurance section
// (migration 00018), so a date window is an index scan.
const insurancePolicies = `WITH policies AS (SELECT o.id AS organisation_id, coalesce(nullif(o.legal_name, ''), o.name) AS provider_name,
		o.supplier_ref, e.kind, e.insurer, e.policy_number, e.expires_on
	FROM provider_policy_expiries e JOIN organisations o ON o.id = e.organisation_id
	WHERE o.status IN ('approved', 'suspended'))`

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
// provider, as the CTE "due", for checks due from the date expression from to the date
// expression to; $3 is the settings' DBS check months. The last checks come from
// provider_dbs_checks, which a trigger derives from the approved safeguarding section
// (migration 00018). The due date adds months as Go's AddDate does (DBSDue): to the first of
// the month, then the days, so 31 January and a month is 3 March, not 28 February. That is
// never more than a few days from PostgreSQL's own month arithmetic, so the index range on
// the last check is widened by four days each side and the exact test made on due_on.
func dbsDue(from, to string) string {
	return `WITH due AS (
		SELECT * FROM (SELECT o.id AS organisation_id, coalesce(nullif(o.legal_name, ''), o.name) AS provider_name, o.supplier_ref,
			(date_trunc('month', d.last_check::timestamp) + make_interval(months => $3))::date + (extract(day FROM d.last_check)::int - 1) AS due_on
		FROM provider_dbs_checks d JOIN organisations o ON o.id = d.organisation_id
		WHERE o.status IN ('approved', 'suspended')
			AND d.last_check BETWEEN (` + from + ` - make_interval(months => $3) - interval '4 days')::date
				AND (` + to + ` - make_interval(months => $3) + interval '4 days')::date) w
		WHERE due_on BETWEEN ` + from + ` AND ` + to + `
	)`
}

// DBSChecksFallingDue lists one page of the providers with DBS status checks falling due
// from one day to another (both included), soonest first, and how many providers there are.
// A check falls due the settings' DBS check months after the member of staff's last check
// (LastDBSCheck, DBSDue); staff who have left are not counted.
func DBSChecksFallingDue(ctx context.Context, q sqlx.QueryerContext, s Settings, from, to time.Time, limit, offset int) ([]DBSChecksDue, int, error) {
	var rows []struct {
		DBSChecksDue
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, dbsDue("$1::date", "$2::date")+`
		SELECT organisation_id, provider_name, supplier_ref, count(*) AS staff, min(due_on) AS first_due, count(*) OVER () AS total
		FROM due GROUP BY organisation_id, provider_name, supplier_ref
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
		if err := sqlx.GetContext(ctx, q, &total, dbsDue("$1::date", "$2::date")+`SELECT count(DISTINCT organisation_id) FROM due`,
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
	if err := sqlx.SelectContext(ctx, q, &days, dbsDue("$1::date", "($1::date + $2::int)")+`
		SELECT min(due_on) - $1::date FROM due GROUP BY organisation_id`,
		dateText(today), largest(windows), s.DBSCheckMonths); err != nil {
		return nil, fmt.Errorf("count DBS checks falling due: %w", err)
	}
	return countWithin(days, windows), nil
}

// OutstandingActions lists one page of a provider's actions still to do (open or in
// progress), soonest due first, and how many there are; overdue is judged on today.
func OutstandingActions(ctx context.Context, q sqlx.QueryerContext, orgID string, today time.Time, limit, offset int) ([]Action, int, error) {
	if !db.IsUUID(orgID) {
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
