package subject

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/work"
	"github.com/jmoiron/sqlx"
)

// workRequestsSQL finds the open subject access requests (index sar_requests_status_due),
// each with its legal deadline. They belong to no provider, so "mine" keeps those the user
// registered.
const workRequestsSQL = `
	SELECT 'subject_access' AS kind, r.id::text AS id, r.reference || ': ' || r.requester_name AS title,
		'/dpo/sar/' || r.id AS href, r.created_at AS since, '' AS organisation_id, '' AS organisation_name,
		r.due_on::timestamptz AS due
	FROM sar_requests r
	WHERE r.status = 'open' AND ($1::uuid[] IS NULL OR r.registered_by = $3)
		AND ($2::timestamptz IS NULL OR r.created_at > $2)`

// WaitingRequests lists the open subject access requests, oldest first.
func WaitingRequests(ctx context.Context, q sqlx.QueryerContext, f work.Filter) ([]work.Item, error) {
	var out []work.Item
	err := sqlx.SelectContext(ctx, q, &out, workRequestsSQL+` ORDER BY r.created_at, r.id LIMIT $4`,
		f.OrgArg(), f.AfterArg(), f.UserArg(), f.LimitArg())
	if err != nil {
		return nil, fmt.Errorf("subject access requests waiting: %w", err)
	}
	return out, nil
}

// CountWaitingRequests counts what WaitingRequests lists, without its limit.
func CountWaitingRequests(ctx context.Context, q sqlx.QueryerContext, f work.Filter) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM (`+workRequestsSQL+`) w`, f.OrgArg(), f.AfterArg(), f.UserArg()); err != nil {
		return 0, fmt.Errorf("count subject access requests waiting: %w", err)
	}
	return n, nil
}
