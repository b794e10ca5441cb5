package apitoken

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// tokenColumns read a token with the names of who made and who revoked it.
const tokenColumns = `t.id, t.name, t.prefix, t.scopes, t.created_by, coalesce(c.name, '') AS created_by_name,
	coalesce(c.email::text, '') AS created_by_email, t.created_at, t.expires_at, t.last_used_at, t.revoked_at,
	coalesce(r.email::text, '') AS revoked_by_email, coalesce(c.roles, '{}') AS created_by_roles,
	(c.id IS NOT NULL AND c.disabled_at IS NULL) AS created_by_active`

const tokenFrom = ` FROM api_tokens t LEFT JOIN users c ON c.id = t.created_by LEFT JOIN users r ON r.id = t.revoked_by`

// List returns every token, newest first: active, expired and revoked alike, so the list
// answers "which systems could call the API, and which could before".
func List(ctx context.Context, q sqlx.QueryerContext) ([]Token, error) {
	var out []Token
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT `+tokenColumns+tokenFrom+` ORDER BY t.created_at DESC, t.id`); err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	return out, nil
}

// ByID returns one token, or NotFound.
func ByID(ctx context.Context, q sqlx.QueryerContext, id string) (*Token, error) {
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "API token not found")
	}
	var t Token
	err := sqlx.GetContext(ctx, q, &t, `SELECT `+tokenColumns+tokenFrom+` WHERE t.id = $1`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "API token not found")
	}
	if err != nil {
		return nil, fmt.Errorf("api token: %w", err)
	}
	return &t, nil
}

// byPrefix returns the token with a prefix and its stored hash, or an apperr.NotFound.
func byPrefix(ctx context.Context, q sqlx.QueryerContext, prefix string) (*Token, error) {
	var row struct {
		Token
		SecretHash []byte `db:"secret_hash"`
	}
	err := sqlx.GetContext(ctx, q, &row, `SELECT `+tokenColumns+`, t.secret_hash`+tokenFrom+` WHERE t.prefix = $1`, prefix)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "No token has this prefix")
	}
	if err != nil {
		return nil, fmt.Errorf("api token by prefix: %w", err)
	}
	t := row.Token
	t.secretHash = row.SecretHash
	return &t, nil
}
