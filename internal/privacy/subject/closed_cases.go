package subject

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// CountClosedBefore counts the subject access requests closed on or before day: what the
// retention rule for subject access case records has due.
func CountClosedBefore(ctx context.Context, q sqlx.QueryerContext, day time.Time) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM sar_requests WHERE status = 'closed' AND closed_on <= $1::date`,
		day.Format(time.DateOnly)); err != nil {
		return 0, fmt.Errorf("closed subject access requests: %w", err)
	}
	return n, nil
}

// DestroyClosedBefore deletes, in the caller's transaction, the subject access requests
// closed on or before day, with their extensions and the record of what was disclosed (ON
// DELETE CASCADE), and returns how many went.
//
// Why: a request's case record holds the requester's name, contact details and how their
// identity was checked. It is kept for a period after the case closes, to answer a complaint
// or a claim about how it was handled, then destroyed. An open request is never deleted here.
func DestroyClosedBefore(ctx context.Context, tx *sqlx.Tx, day time.Time) (int, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM sar_requests WHERE status = 'closed' AND closed_on <= $1::date`, day.Format(time.DateOnly))
	if err != nil {
		return 0, fmt.Errorf("destroy closed subject access requests: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("destroy closed subject access requests: %w", err)
	}
	return int(n), nil
}
