package contract

import (
	"context"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
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
	return auth.ActorName(ctx, q, audit.ActorFrom(ctx))
}
