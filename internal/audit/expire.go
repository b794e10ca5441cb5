package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Object names a thing events are about: an object type and id as events record them.
type Object struct {
	Type, ID string
}

// errNoEventAbout is FirstEventAbout's answer when no event is about the objects.
var errNoEventAbout = apperr.New(apperr.NotFound, "No audit event is about these records")

// FirstEventAbout returns when the earliest event before `before` about any of objects was
// recorded, or an apperr.NotFound when there is none. Retention stops expiry there, so
// events about a provider or contract under a legal hold stay, with every event after them.
func FirstEventAbout(ctx context.Context, q sqlx.QueryerContext, before time.Time, objects []Object) (time.Time, error) {
	if len(objects) == 0 {
		return time.Time{}, errNoEventAbout
	}
	types, ids := make([]string, len(objects)), make([]string, len(objects))
	for i, o := range objects {
		types[i], ids[i] = o.Type, o.ID
	}
	var first *time.Time
	err := sqlx.GetContext(ctx, q, &first, `SELECT min(a.at) FROM audit_events a
		JOIN unnest($2::text[], $3::text[]) AS o(object_type, object_id) ON a.object_type = o.object_type AND a.object_id = o.object_id
		WHERE a.at < $1`, before, pq.StringArray(types), pq.StringArray(ids))
	if err != nil {
		return time.Time{}, fmt.Errorf("first audit event about %d objects: %w", len(objects), err)
	}
	if first == nil {
		return time.Time{}, errNoEventAbout
	}
	return *first, nil
}

// CountExpirable counts what ExpireBefore would remove: the events before the first one
// recorded at or after `before`, never the newest.
func CountExpirable(ctx context.Context, q sqlx.QueryerContext, before time.Time) (int, error) {
	var n int
	err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM audit_events
		WHERE id < coalesce((SELECT min(id) FROM audit_events WHERE at >= $1), (SELECT max(id) FROM audit_events))
		  AND id < (SELECT max(id) FROM audit_events)`, before)
	if err != nil {
		return 0, fmt.Errorf("count audit events: %w", err)
	}
	return n, nil
}

// ExpireBefore removes, in the caller's transaction, the oldest events recorded before
// `before`, and returns how many went.
//
// Why: the trail is personal data too (who did what, from where) and is kept only as long as
// the retention schedule says; but it is a hash chain that must still verify afterwards. So
// events go only through audit_expire: the oldest, as one unbroken run, never the newest, with
// the hash of the last one removed kept in audit_anchor for VerifyFromAnchor. A plain DELETE
// is refused by the table's trigger.
//
// audit_expire locks the trail against writers while it cuts; waiting behind a long reader (a
// verification, an export) fails the caller's transaction after 30 seconds rather than
// stalling every writer behind it.
func ExpireBefore(ctx context.Context, tx *sqlx.Tx, before time.Time) (int, error) {
	if _, err := tx.ExecContext(ctx, `SET LOCAL lock_timeout = '30s'`); err != nil {
		return 0, fmt.Errorf("expire audit events: %w", err)
	}
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT audit_expire($1)`, before); err != nil {
		return 0, fmt.Errorf("expire audit events: %w", err)
	}
	return n, nil
}
