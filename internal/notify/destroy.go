package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// sentBefore is the condition for mail past keeping: sent before the cutoff, or queued
// before it and never sent. Delivery is tried a bounded number of times (maxAttempts, hours
// apart at most), so a message queued that long ago is one the mailer has given up on.
const sentBefore = `coalesce(sent_at, created_at) <= $1`

// CountSentBefore counts the outbox messages DestroySentBefore would delete.
func CountSentBefore(ctx context.Context, q sqlx.QueryerContext, cutoff time.Time) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM outbox WHERE `+sentBefore, cutoff); err != nil {
		return 0, fmt.Errorf("count emails sent: %w", err)
	}
	return n, nil
}

// DestroySentBefore deletes, in the caller's transaction, the messages sent (or queued and
// given up on) on or before cutoff, and returns how many went.
//
// Why: the outbox keeps the address, subject and text of every email, which is personal
// data kept to show what someone was told; the retention schedule says for how long. The
// condition lives here, beside the mailer that sets sent_at, so the count shown for approval
// and the deletion cannot disagree.
func DestroySentBefore(ctx context.Context, tx *sqlx.Tx, cutoff time.Time) (int, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE `+sentBefore, cutoff)
	if err != nil {
		return 0, fmt.Errorf("destroy emails sent: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("destroy emails sent: %w", err)
	}
	return int(n), nil
}
