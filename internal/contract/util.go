package contract

import (
	"context"

	"github.com/council/provider-portal/internal/audit"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// stringArray passes a Go slice as a PostgreSQL text[] parameter.
func stringArray(v []string) any { return pq.StringArray(v) }

// nullable is nil for "", so an empty id is stored as NULL.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// actorName is the name of the person acting, for records that show who did what after
// the user may have gone: the user's name, or the actor's email for the system.
func actorName(ctx context.Context, q sqlx.QueryerContext) string {
	a := audit.ActorFrom(ctx)
	if a.UserID == "" {
		return a.Email
	}
	var name string
	if err := sqlx.GetContext(ctx, q, &name, `SELECT name FROM users WHERE id = $1`, a.UserID); err != nil {
		return a.Email
	}
	return name
}
