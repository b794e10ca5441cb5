package audit

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// VerifyResult says how much of the chain was checked and where it first breaks.
type VerifyResult struct {
	Checked int64
	// BrokenAt is the id of the first event whose hash does not match its content and its
	// predecessor, or 0 when the chain is intact.
	BrokenAt int64
	Reason   string
}

// OK reports whether the whole chain verified.
func (r VerifyResult) OK() bool { return r.BrokenAt == 0 }

// Verify recomputes the hash chain in id order. It streams the rows, so memory stays flat
// however long the trail, and reports the first event that was altered, or that follows a
// removed one.
func Verify(ctx context.Context, d *sqlx.DB) (VerifyResult, error) {
	rows, err := d.QueryxContext(ctx, `
		SELECT id, prev_hash, hash,
		       digest(coalesce(prev_hash, ''::bytea) || audit_payload(e), 'sha256') AS recomputed
		FROM audit_events e ORDER BY id`)
	if err != nil {
		return VerifyResult{}, fmt.Errorf("verify audit chain: %w", err)
	}
	defer rows.Close()
	var res VerifyResult
	var last []byte
	first := true
	for rows.Next() {
		var id int64
		var prev, hash, recomputed []byte
		if err := rows.Scan(&id, &prev, &hash, &recomputed); err != nil {
			return res, fmt.Errorf("verify audit chain: %w", err)
		}
		res.Checked++
		switch {
		case string(hash) != string(recomputed):
			res.BrokenAt, res.Reason = id, "its content does not match its hash (altered)"
		case !first && string(prev) != string(last):
			res.BrokenAt, res.Reason = id, "its link to the previous event is broken (an event was removed or altered)"
		case first && prev != nil:
			res.BrokenAt, res.Reason = id, "the first event links to one that is no longer there"
		}
		if res.BrokenAt != 0 {
			return res, nil
		}
		last, first = hash, false
	}
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("verify audit chain: %w", err)
	}
	return res, nil
}
