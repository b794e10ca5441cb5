package provider

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/work"
	"github.com/jmoiron/sqlx"
)

// Officers' waiting work on provider records, for the "Your work" page (internal/workqueue):
// registrations submitted or resubmitted, and changes to approved records held for review.
// Both come from partial indexes (organisations_status, provider_sections_pending), so they
// stay cheap however many providers there are.

const workRecordsSQL = `
	SELECT CASE WHEN o.status = 'resubmitted' THEN 'resubmission' ELSE 'submission' END AS kind, o.id::text AS id,
		coalesce(nullif(o.legal_name, ''), o.name) AS title, '/review/providers/' || o.id AS href,
		coalesce(o.submitted_at, o.updated_at) AS since, o.id AS organisation_id,
		coalesce(nullif(o.legal_name, ''), o.name) AS organisation_name
	FROM organisations o
	WHERE o.status IN ('submitted', 'resubmitted') AND ($1::uuid[] IS NULL OR o.id = ANY($1))
		AND ($2::timestamptz IS NULL OR coalesce(o.submitted_at, o.updated_at) > $2)`

const workChangesSQL = `
	SELECT 'section_change' AS kind, ps.organisation_id || '/' || ps.section AS id, ps.section AS title,
		'/review/providers/' || ps.organisation_id || '#section-' || ps.section AS href,
		ps.updated_at AS since, ps.organisation_id, coalesce(nullif(o.legal_name, ''), o.name) AS organisation_name
	FROM provider_sections ps JOIN organisations o ON o.id = ps.organisation_id
	WHERE ` + workChangesWhere

const workChangesWhere = `ps.pending_review AND ($1::uuid[] IS NULL OR ps.organisation_id = ANY($1))
		AND ($2::timestamptz IS NULL OR ps.updated_at > $2)
		AND ($3::uuid IS NULL OR ps.updated_by IS DISTINCT FROM $3)`

// WaitingWork lists the records and held changes waiting for an officer, oldest first. A
// change the officer made themselves is left out: no one approves their own change.
func WaitingWork(ctx context.Context, q sqlx.QueryerContext, f work.Filter) ([]work.Item, error) {
	var out []work.Item
	err := sqlx.SelectContext(ctx, q, &out, `SELECT * FROM (
		(`+workRecordsSQL+` ORDER BY coalesce(o.submitted_at, o.updated_at), o.id LIMIT $4)
		UNION ALL
		(`+workChangesSQL+` ORDER BY ps.updated_at, ps.organisation_id, ps.section LIMIT $4)) w
		ORDER BY since, id LIMIT $4`, f.OrgArg(), f.AfterArg(), f.UserArg(), f.LimitArg())
	if err != nil {
		return nil, fmt.Errorf("provider work: %w", err)
	}
	for i := range out {
		if out[i].Kind == work.KindSectionChange {
			out[i].Title = PendingChange{Section: SectionKey(out[i].Title)}.SectionTitle()
		}
	}
	return out, nil
}

// CountWaitingWork counts what WaitingWork lists, without its limit.
func CountWaitingWork(ctx context.Context, q sqlx.QueryerContext, f work.Filter) (int, error) {
	var n int
	err := sqlx.GetContext(ctx, q, &n, `SELECT (SELECT count(*) FROM (`+workRecordsSQL+`) a) + (SELECT count(*) FROM provider_sections ps WHERE `+workChangesWhere+`)`,
		f.OrgArg(), f.AfterArg(), f.UserArg())
	if err != nil {
		return 0, fmt.Errorf("count provider work: %w", err)
	}
	return n, nil
}
