package apitoken

import (
	"context"
	"crypto/subtle"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Created is a token just made, with its secret: the only time the secret exists outside
// the caller's hands.
type Created struct {
	Token  *Token
	Secret string
}

// Create checks the request and stores a token made by the actor in ctx, auditing it
// (api_token.created: name, prefix, scopes and expiry, never the secret). It returns an
// apperr.Invalid with one message per field when the request is not acceptable.
func Create(ctx context.Context, d *sqlx.DB, n NewToken, now time.Time) (*Created, error) {
	actor := audit.ActorFrom(ctx)
	c, errs := n.Validate(now)
	// The maker must hold each scope's MakerRoles: a token is never a way round a role.
	for _, sc := range c.scopes {
		if !sc.heldBy(actor.Roles) && errs["scopes"] == "" {
			errs["scopes"] = "Only an administrator can make API tokens"
			if sc == PaymentsRead {
				errs["scopes"] = "Only an administrator who also has the finance role can make a token that reads payment details"
			}
		}
	}
	if len(errs) > 0 {
		return nil, apperr.InvalidFields(errs)
	}
	var createdBy any
	if actor.UserID != "" {
		createdBy = actor.UserID
	}
	scopes := make([]string, len(c.scopes))
	for i, s := range c.scopes {
		scopes[i] = string(s)
	}
	// A new prefix collides with an existing one about once in a trillion tokens; a fresh
	// draw settles it.
	for attempt := 0; ; attempt++ {
		secret, prefix := newSecret()
		var id string
		err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
			if err := tx.GetContext(ctx, &id, `INSERT INTO api_tokens (name, prefix, secret_hash, scopes, created_by, created_at, expires_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, c.name, prefix, hash(secret), pq.StringArray(scopes), createdBy, now, c.expiresAt); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Event{Action: "api_token.created", ObjectType: "api_token", ObjectID: id,
				Summary: map[string]any{"name": c.name, "prefix": prefix, "scopes": scopes, "expires_at": c.expiresAt.UTC().Format(time.RFC3339)}})
		})
		if db.IsCode(err, db.CodeUniqueViolation) && attempt < 3 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create api token: %w", err)
		}
		t, err := ByID(ctx, d, id)
		if err != nil {
			return nil, err
		}
		return &Created{Token: t, Secret: secret}, nil
	}
}

// Revoke stops a token working from now on, recording who revoked it (api_token.revoked).
// It returns NotFound for no such token and Conflict for one already revoked.
func Revoke(ctx context.Context, d *sqlx.DB, id string) error {
	t, err := ByID(ctx, d, id)
	if err != nil {
		return err
	}
	actor := audit.ActorFrom(ctx)
	var revokedBy any
	if actor.UserID != "" {
		revokedBy = actor.UserID
	}
	return db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL`, t.ID, revokedBy)
		if err != nil {
			return fmt.Errorf("revoke api token: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return apperr.New(apperr.Conflict, "This token has already been revoked")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "api_token.revoked", ObjectType: "api_token", ObjectID: t.ID,
			Summary: map[string]any{"name": t.Name, "prefix": t.Prefix}})
	})
}

// Why a secret was refused. Each is an apperr.Unauthorized; the API says which, because
// the client's fix differs (ask for a new token, or check the one configured).
var (
	// ErrInvalid is a secret that is not one of ours: malformed, unknown or wrong.
	ErrInvalid = apperr.New(apperr.Unauthorized, "The bearer token is not valid.")
	// ErrExpired is a token whose expiry date has passed.
	ErrExpired = apperr.New(apperr.Unauthorized, "The bearer token has expired. Ask an administrator for a new one.")
	// ErrRevoked is a token an administrator revoked.
	ErrRevoked = apperr.New(apperr.Unauthorized, "The bearer token has been revoked. Ask an administrator for a new one.")
	// ErrMakerInactive: the account of the administrator who made the token has been
	// disabled or removed, so the access they handed on ends with theirs.
	ErrMakerInactive = apperr.New(apperr.Unauthorized, "The account of the administrator who made this token is disabled or gone. Ask an administrator for a new one.")
)

// lastUsedEvery is how stale last_used_at may get: recording each use would write to the
// database on every request of a busy client, while the admin list needs only "recently".
const lastUsedEvery = time.Minute

// Authenticate returns the usable token whose secret this is, at now, and records that it
// was used (at most once a minute). The secret is compared by hash in constant time; only
// once it matches does the answer say whether the token expired or was revoked.
func Authenticate(ctx context.Context, d sqlx.ExtContext, secret string, now time.Time) (*Token, error) {
	prefix, ok := prefixOf(secret)
	if !ok {
		return nil, ErrInvalid
	}
	t, err := byPrefix(ctx, d, prefix)
	if apperr.Is(err, apperr.NotFound) {
		return nil, ErrInvalid
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(t.secretHash, hash(secret)) != 1 {
		return nil, ErrInvalid
	}
	switch {
	case t.Revoked():
		return nil, ErrRevoked
	case t.Expired(now):
		return nil, ErrExpired
	case !t.MakerActive:
		return nil, ErrMakerInactive
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= lastUsedEvery {
		// The condition repeats the check, so instances racing on the same token write once.
		if _, err := d.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1
			AND (last_used_at IS NULL OR last_used_at <= $2::timestamptz - interval '1 minute')`, t.ID, now); err != nil {
			return nil, fmt.Errorf("record api token use: %w", err)
		}
		t.LastUsedAt = &now
	}
	return t, nil
}
