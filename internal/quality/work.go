package quality

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/work"
	"github.com/jmoiron/sqlx"
)

// workActionsSQL finds the QA actions a provider has marked complete, waiting for an officer
// to close them (or reopen them). The partial index qa_actions_completed keeps it cheap.
const workActionsSQL = `
	SELECT 'qa_action' AS kind, a.id::text AS id,
		CASE WHEN length(a.description) > 100 THEN left(a.description, 99) || '…' ELSE a.description END AS title,
		'/quality/actions/' || a.id AS href, a.updated_at AS since, a.organisation_id,
		coalesce(nullif(o.legal_name, ''), o.name) AS organisation_name
	FROM qa_actions a JOIN organisations o ON o.id = a.organisation_id
	WHERE ` + workActionsWhere

const workActionsWhere = `a.status = 'completed' AND ($1::uuid[] IS NULL OR a.organisation_id = ANY($1))
		AND ($2::timestamptz IS NULL OR a.updated_at > $2)`

// WaitingActions lists the QA actions marked complete and not yet closed, oldest first.
func WaitingActions(ctx context.Context, q sqlx.QueryerContext, f work.Filter) ([]work.Item, error) {
	var out []work.Item
	err := sqlx.SelectContext(ctx, q, &out, workActionsSQL+` ORDER BY a.updated_at, a.id LIMIT $3`,
		f.OrgArg(), f.AfterArg(), f.LimitArg())
	if err != nil {
		return nil, fmt.Errorf("QA actions waiting: %w", err)
	}
	return out, nil
}

// CountWaitingActions counts what WaitingActions lists, without its limit.
func CountWaitingActions(ctx context.Context, q sqlx.QueryerContext, f work.Filter) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM qa_actions a WHERE `+workActionsWhere, f.OrgArg(), f.AfterArg()); err != nil {
		return 0, fmt.Errorf("count QA actions waiting: %w", err)
	}
	return n, nil
}
