package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/notify"
)

// TestDestroySentBefore: mail sent before the cutoff goes, and so does mail queued before it
// and never sent; mail sent since stays, however long ago it was queued; the count says what
// the deletion then removes.
func TestDestroySentBefore(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := d.Exec(`INSERT INTO outbox (to_address, subject, body, kind, created_at, sent_at) VALUES
		('old.sent@example.com', 'Old', 'x', 'test', now() - interval '400 days', now() - interval '400 days'),
		('old.unsent@example.com', 'Given up', 'x', 'test', now() - interval '400 days', NULL),
		('late.sent@example.com', 'Sent late', 'x', 'test', now() - interval '400 days', now() - interval '10 days'),
		('new@example.com', 'New', 'x', 'test', now() - interval '10 days', NULL)`); err != nil {
		t.Fatal(err)
	}
	cutoff := time.Now().AddDate(-1, 0, 0)
	n, err := notify.CountSentBefore(ctx, d, cutoff)
	if err != nil || n != 2 {
		t.Fatalf("CountSentBefore = %d, %v; want 2", n, err)
	}
	tx := d.MustBeginTx(ctx, nil)
	defer tx.Rollback() // after Commit, a no-op
	removed, err := notify.DestroySentBefore(ctx, tx, cutoff)
	if err == nil {
		err = tx.Commit()
	}
	if err != nil || removed != n {
		t.Errorf("DestroySentBefore = %d, %v; the count said %d", removed, err, n)
	}
	var left []string
	if err := d.Select(&left, `SELECT to_address::text FROM outbox ORDER BY to_address`); err != nil {
		t.Fatal(err)
	}
	if len(left) != 2 || left[0] != "late.sent@example.com" || left[1] != "new@example.com" {
		t.Errorf("outbox left %v", left)
	}
}
