package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// RecentSignIns lists when a person last signed in with their password, newest first, so
// their home page can show them a sign-in that was not theirs.
func RecentSignIns(ctx context.Context, q sqlx.QueryerContext, userID string, limit int) ([]time.Time, error) {
	var at []time.Time
	if err := sqlx.SelectContext(ctx, q, &at, `SELECT at FROM audit_events
		WHERE actor_id = $1 AND action = 'user.signin.password' ORDER BY id DESC LIMIT $2`, userID, limit); err != nil {
		return nil, fmt.Errorf("recent sign-ins: %w", err)
	}
	return at, nil
}

// HistoryEntry is one event in an object's history: what happened, when, and who did it.
type HistoryEntry struct {
	At         time.Time `db:"at"`
	Action     string    `db:"action"`
	ActorEmail string    `db:"actor_email"`
}

// History lists the latest events about one object, newest first: an account's page shows
// an administrator who changed it and when, without opening the audit viewer.
func History(ctx context.Context, q sqlx.QueryerContext, objectType, objectID string, limit int) ([]HistoryEntry, error) {
	var out []HistoryEntry
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT at, action, actor_email
		FROM audit_events WHERE object_type = $1 AND object_id = $2 ORDER BY id DESC LIMIT $3`, objectType, objectID, limit); err != nil {
		return nil, fmt.Errorf("history of %s %s: %w", objectType, objectID, err)
	}
	return out, nil
}
