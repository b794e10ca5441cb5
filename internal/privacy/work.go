package privacy

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/work"
	"github.com/jmoiron/sqlx"
)

// workCorrectionsSQL finds the correction requests still open or in progress, from the index
// rectification_requests_status. "Mine" keeps those about my providers and those I handle.
// A request the user made themselves is not theirs to decide.
const workCorrectionsSQL = `
	SELECT 'correction' AS kind, r.id::text AS id,
		r.reference || ': ' || CASE WHEN length(r.location) > 80 THEN left(r.location, 79) || '…' ELSE r.location END AS title,
		'/rectification-requests/' || r.id AS href, r.created_at AS since, coalesce(r.organisation_id::text, '') AS organisation_id,
		coalesce(nullif(o.legal_name, ''), o.name, '') AS organisation_name
	FROM rectification_requests r LEFT JOIN organisations o ON o.id = r.organisation_id
	WHERE ` + workCorrectionsWhere

const workCorrectionsWhere = `r.status IN ('open', 'in_progress')
		AND ($1::uuid[] IS NULL OR r.organisation_id = ANY($1) OR r.handled_by = $3)
		AND ($2::timestamptz IS NULL OR r.created_at > $2)
		AND ($3::uuid IS NULL OR r.requested_by IS DISTINCT FROM $3)`

// WaitingCorrections lists the correction requests waiting for a decision, oldest first.
func WaitingCorrections(ctx context.Context, q sqlx.QueryerContext, f work.Filter) ([]work.Item, error) {
	var out []work.Item
	err := sqlx.SelectContext(ctx, q, &out, workCorrectionsSQL+` ORDER BY r.created_at, r.id LIMIT $4`,
		f.OrgArg(), f.AfterArg(), f.UserArg(), f.LimitArg())
	if err != nil {
		return nil, fmt.Errorf("corrections waiting: %w", err)
	}
	return out, nil
}

// CountWaitingCorrections counts what WaitingCorrections lists, without its limit.
func CountWaitingCorrections(ctx context.Context, q sqlx.QueryerContext, f work.Filter) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM rectification_requests r WHERE `+workCorrectionsWhere, f.OrgArg(), f.AfterArg(), f.UserArg()); err != nil {
		return 0, fmt.Errorf("count corrections waiting: %w", err)
	}
	return n, nil
}
