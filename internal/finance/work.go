package finance

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/work"
	"github.com/jmoiron/sqlx"
)

// workChangesSQL finds the bank-detail requests waiting for finance: a call to a number on
// file, or (once verified) a second person's approval. Requests the user cannot act on are
// left out, as the service and the CHECK constraints would refuse them: their own request,
// and approving a request they verified. Expired ones wait only for the expiry job.
const workChangesSQL = `
	SELECT CASE WHEN b.status = 'verified' THEN 'bank_approval' ELSE 'bank_verification' END AS kind, b.id::text AS id,
		b.account_name || ' (account ending ' || b.account_last4 || ')' AS title,
		'/finance/changes/' || b.id AS href, coalesce(b.verified_at, b.requested_at) AS since, b.organisation_id,
		coalesce(nullif(o.legal_name, ''), o.name) AS organisation_name
	FROM bank_detail_changes b JOIN organisations o ON o.id = b.organisation_id
	WHERE ` + workChangesWhere

const workChangesWhere = `b.status IN ('pending_verification', 'verified') AND b.expires_at > now()
		AND ($1::uuid[] IS NULL OR b.organisation_id = ANY($1))
		AND ($2::timestamptz IS NULL OR coalesce(b.verified_at, b.requested_at) > $2)
		AND ($3::uuid IS NULL OR (b.requested_by IS DISTINCT FROM $3 AND (b.status <> 'verified' OR b.verified_by IS DISTINCT FROM $3)))`

// WaitingChanges lists the bank-detail requests waiting for a finance officer, oldest first.
func WaitingChanges(ctx context.Context, q sqlx.QueryerContext, f work.Filter) ([]work.Item, error) {
	var out []work.Item
	err := sqlx.SelectContext(ctx, q, &out, workChangesSQL+` ORDER BY coalesce(b.verified_at, b.requested_at), b.id LIMIT $4`,
		f.OrgArg(), f.AfterArg(), f.UserArg(), f.LimitArg())
	if err != nil {
		return nil, fmt.Errorf("bank changes waiting: %w", err)
	}
	return out, nil
}

// CountWaitingChanges counts what WaitingChanges lists, without its limit.
func CountWaitingChanges(ctx context.Context, q sqlx.QueryerContext, f work.Filter) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM bank_detail_changes b WHERE `+workChangesWhere, f.OrgArg(), f.AfterArg(), f.UserArg()); err != nil {
		return 0, fmt.Errorf("count bank changes waiting: %w", err)
	}
	return n, nil
}
