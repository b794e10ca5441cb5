// Package audit writes the append-only, hash-chained audit trail. Every sensitive action
// records an event in the same transaction as the change, so there is never a change
// without its record nor a record of a change that did not happen.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Actor is who did something, from where. The web layer puts one in each request's context.
type Actor struct {
	UserID    string // empty for an anonymous visitor or the system
	Email     string
	Roles     []string
	IP        string
	RequestID string
}

// System is the actor for jobs and commands run by an operator.
var System = Actor{Email: "system", Roles: []string{"system"}}

type actorKey struct{}

// WithActor returns a context that carries the actor for the events recorded under it.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or System when none was set.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return System
}

// Event is one audited action. Summary describes the change; it must never hold a secret
// (a password, a token, a full bank account number): callers record "changed" instead.
type Event struct {
	Action     string // e.g. "user.signin", "provider.section.update"
	ObjectType string
	ObjectID   string
	Summary    map[string]any
}

// Record appends e for the actor in ctx, inside the caller's transaction (or directly on a
// pool), sealed with PORTAL_AUDIT_KEY.
func Record(ctx context.Context, q sqlx.ExtContext, e Event) error {
	a := ActorFrom(ctx)
	return RecordAs(ctx, q, a, e)
}

// RecordAs appends e for an explicit actor, for events about someone not yet signed in
// (a failed sign-in names the email tried).
func RecordAs(ctx context.Context, q sqlx.ExtContext, a Actor, e Event) error {
	summary := e.Summary
	if summary == nil {
		summary = map[string]any{}
	}
	js, err := json.Marshal(summary)
	if err != nil {
		return fmt.Errorf("audit %s: encode summary: %w", e.Action, err)
	}
	var actorID any
	if a.UserID != "" {
		actorID = a.UserID
	}
	var id int64
	var hash []byte
	err = q.QueryRowxContext(ctx, `
		INSERT INTO audit_events (actor_id, actor_email, actor_role, action, object_type, object_id, ip, request_id, summary)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, hash`,
		actorID, a.Email, strings.Join(a.Roles, ","), e.Action, e.ObjectType, e.ObjectID, a.IP, a.RequestID, js).Scan(&id, &hash)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return seal(ctx, q, []int64{id}, [][]byte{hash})
}
