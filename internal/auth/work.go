package auth

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/work"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// workGrantsSQL finds the staff roles waiting for a second administrator (index
// role_grants_pending). A grant the administrator asked for, or one for themselves, is not
// theirs to approve. Grants belong to no provider, so "mine" keeps none.
const workGrantsSQL = `
	SELECT 'role_grant' AS kind, g.id::text AS id, u.name || ': ' || array_to_string(g.add_roles, ', ') AS title,
		'/admin/users/' || g.user_id AS href, g.requested_at AS since, '' AS organisation_id, '' AS organisation_name
	FROM role_grants g JOIN users u ON u.id = g.user_id
	WHERE g.status = 'pending' AND $1::uuid[] IS NULL
		AND ($2::timestamptz IS NULL OR g.requested_at > $2)
		AND ($3::uuid IS NULL OR (g.requested_by IS DISTINCT FROM $3 AND g.user_id <> $3))`

// WaitingGrants lists the role grants waiting for a second administrator, oldest first.
func WaitingGrants(ctx context.Context, q sqlx.QueryerContext, f work.Filter) ([]work.Item, error) {
	var out []work.Item
	err := sqlx.SelectContext(ctx, q, &out, workGrantsSQL+` ORDER BY g.requested_at, g.id LIMIT $4`,
		f.OrgArg(), f.AfterArg(), f.UserArg(), f.LimitArg())
	if err != nil {
		return nil, fmt.Errorf("role grants waiting: %w", err)
	}
	return out, nil
}

// CountWaitingGrants counts what WaitingGrants lists, without its limit.
func CountWaitingGrants(ctx context.Context, q sqlx.QueryerContext, f work.Filter) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM (`+workGrantsSQL+`) w`, f.OrgArg(), f.AfterArg(), f.UserArg()); err != nil {
		return 0, fmt.Errorf("count role grants waiting: %w", err)
	}
	return n, nil
}

// StaffUsers lists the enabled users holding a council role, for the work emails. Staff
// are a few dozen people, not the providers' thousands.
func StaffUsers(ctx context.Context, q sqlx.QueryerContext) ([]User, error) {
	var out []User
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT `+userColumns+` FROM users
		WHERE disabled_at IS NULL AND roles && $1::text[] ORDER BY id`, pq.StringArray{"officer", "finance", "dpo", "admin"}); err != nil {
		return nil, fmt.Errorf("staff users: %w", err)
	}
	return out, nil
}
