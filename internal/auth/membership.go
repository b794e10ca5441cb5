package auth

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Organisation is a provider organisation a user acts for.
type Organisation struct {
	ID   string `db:"id"`
	Name string `db:"name"`
}

// Organisations lists the organisations a provider user belongs to, by name.
func Organisations(ctx context.Context, q sqlx.QueryerContext, userID string) ([]Organisation, error) {
	var out []Organisation
	err := sqlx.SelectContext(ctx, q, &out, `SELECT o.id, o.name FROM organisations o
		JOIN memberships m ON m.organisation_id = o.id WHERE m.user_id = $1 ORDER BY o.name, o.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("organisations of user: %w", err)
	}
	return out, nil
}

// IsMember reports whether the user belongs to the organisation. Every provider-facing read
// and write checks it, whatever id the request carries.
func IsMember(ctx context.Context, q sqlx.QueryerContext, userID, orgID string) (bool, error) {
	if !IsUUID(orgID) {
		return false, nil
	}
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = $1 AND organisation_id = $2)`, userID, orgID)
	if err != nil {
		return false, fmt.Errorf("membership: %w", err)
	}
	return ok, nil
}
