package audit

import (
	"context"
	"crypto/hmac"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// VerifyResult says how much of the chain was checked and where it first breaks.
type VerifyResult struct {
	Checked int64
	// BrokenAt is the id of the first event whose hash does not match its content and its
	// predecessor, or whose seal does not match, or 0 when the chain is intact.
	BrokenAt int64
	Reason   string
	// Sealed counts the events whose keyed seal was checked; Unsealed those recorded before
	// sealing began. SealsChecked is false when no PORTAL_AUDIT_KEY is configured, so the
	// seals could not be checked (a development database).
	Sealed, Unsealed int64
	SealsChecked     bool
}

// OK reports whether the whole chain verified.
func (r VerifyResult) OK() bool { return r.BrokenAt == 0 }

// Verify recomputes the hash chain in id order, and checks each event's keyed seal. It
// streams the rows, so memory stays flat however long the trail, and reports the first
// event that was altered, or that follows a removed one. A chain rebuilt by someone who
// controls the database (a row rewritten, every later hash recomputed) passes the hashes
// but not the seals, which need PORTAL_AUDIT_KEY.
func Verify(ctx context.Context, d *sqlx.DB) (VerifyResult, error) {
	return walk(ctx, d, nil)
}

// walk checks the chain from its start, or from anchor when older events have expired.
func walk(ctx context.Context, d *sqlx.DB, anchor *Anchor) (VerifyResult, error) {
	rows, err := d.QueryxContext(ctx, `
		SELECT id, prev_hash, hash, mac,
		       digest(coalesce(prev_hash, ''::bytea) || audit_payload(e), 'sha256') AS recomputed
		FROM audit_events e ORDER BY id`)
	if err != nil {
		return VerifyResult{}, fmt.Errorf("verify audit chain: %w", err)
	}
	defer rows.Close()
	key := currentKey()
	res := VerifyResult{SealsChecked: key != nil}
	var last []byte
	if anchor != nil {
		last = anchor.LastRemovedHash
	}
	sealing := false
	for rows.Next() {
		var id int64
		var prev, hash, mac, recomputed []byte
		if err := rows.Scan(&id, &prev, &hash, &mac, &recomputed); err != nil {
			return res, fmt.Errorf("verify audit chain: %w", err)
		}
		first := res.Checked == 0
		res.Checked++
		switch {
		case string(hash) != string(recomputed):
			res.BrokenAt, res.Reason = id, "its content does not match its hash (altered)"
		case first && anchor != nil && (id <= anchor.LastRemovedID || string(prev) != string(last)):
			res.BrokenAt, res.Reason = id, "the first event does not link to the anchor left when older events expired"
		case first && anchor == nil && prev != nil:
			res.BrokenAt, res.Reason = id, "the first event links to one that is no longer there"
		case !first && string(prev) != string(last):
			res.BrokenAt, res.Reason = id, "its link to the previous event is broken (an event was removed or altered)"
		case mac == nil && sealing:
			res.BrokenAt, res.Reason = id, "it has no seal, though earlier events do (recorded or rewritten outside the portal)"
		case mac != nil && key != nil && !hmac.Equal(mac, sealOf(key, hash)):
			res.BrokenAt, res.Reason = id, "its seal does not match (altered, and the chain rebuilt, outside the portal; or PORTAL_AUDIT_KEY has changed)"
		}
		if res.BrokenAt != 0 {
			return res, nil
		}
		switch {
		case mac == nil:
			res.Unsealed++
		case key != nil:
			res.Sealed++
		}
		sealing = sealing || mac != nil
		last = hash
	}
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("verify audit chain: %w", err)
	}
	return res, nil
}
