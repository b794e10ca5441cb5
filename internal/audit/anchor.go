package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// Anchor is where the trail starts after its oldest events expired (audit_expire): the id and
// hash of the last event removed, which the first remaining event links to.
type Anchor struct {
	ID              int64     `db:"id"`
	LastRemovedID   int64     `db:"last_removed_id"`
	LastRemovedHash []byte    `db:"last_removed_hash"`
	LastRemovedAt   time.Time `db:"last_removed_at"`
	Removed         int64     `db:"removed"`
	Cutoff          time.Time `db:"cutoff"`
	AnchoredAt      time.Time `db:"anchored_at"`
}

// LatestAnchor returns the newest anchor, or an apperr.NotFound when no event has ever expired.
func LatestAnchor(ctx context.Context, q sqlx.QueryerContext) (*Anchor, error) {
	var a Anchor
	err := sqlx.GetContext(ctx, q, &a, `SELECT id, last_removed_id, last_removed_hash, last_removed_at, removed, cutoff, anchored_at
		FROM audit_anchor ORDER BY id DESC LIMIT 1`)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "No audit events have expired yet")
	}
	if err != nil {
		return nil, fmt.Errorf("audit anchor: %w", err)
	}
	return &a, nil
}

// VerifyFromAnchor is Verify for a trail whose oldest events may have expired: the chain must
// start at the anchor (the first remaining event links to the last one removed, and comes
// right after it) rather than at an event with no predecessor. With no anchor it is Verify.
// It differs from Verify only in that start condition.
func VerifyFromAnchor(ctx context.Context, d *sqlx.DB) (VerifyResult, *Anchor, error) {
	anchor, err := LatestAnchor(ctx, d)
	if apperr.Is(err, apperr.NotFound) {
		res, err := Verify(ctx, d)
		return res, nil, err
	}
	if err != nil {
		return VerifyResult{}, nil, err
	}
	res, err := walk(ctx, d, anchor)
	return res, anchor, err
}
