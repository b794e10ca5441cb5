package notify_test

import (
	"context"
	"errors"
	"testing"

	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/notify"
	"github.com/jmoiron/sqlx"
)

// TestEnqueueBatch queues every message with its own fields, with the transaction or not at all.
func TestEnqueueBatch(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	ms := []notify.Message{
		{To: "a@example.com", Subject: "Claim A", Body: "Hello A", Kind: "claim_invitation"},
		{To: "b@example.com", Subject: "Claim B", Body: "Hello B,\n\nwith 'quotes', \"more\" and {braces}", Kind: "claim_invitation"},
		{To: "c@example.com", Subject: "Claim C", Body: "Hello C", Kind: "other"},
	}
	errStop := errors.New("the change failed")
	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		if err := notify.EnqueueBatch(ctx, tx, ms); err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Transact = %v, want %v", err, errStop)
	}
	if got, total, err := notify.Recent(ctx, d, "", 10, 0); err != nil || total != 0 {
		t.Fatalf("outbox after rollback: %d (%+v, %v), want empty", total, got, err)
	}
	if err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		if err := notify.EnqueueBatch(ctx, tx, nil); err != nil {
			return err
		}
		return notify.EnqueueBatch(ctx, tx, ms)
	}); err != nil {
		t.Fatal(err)
	}
	got, total, err := notify.Recent(ctx, d, "", 10, 0)
	if err != nil || total != len(ms) {
		t.Fatalf("outbox: %d (%v), want %d", total, err, len(ms))
	}
	byTo := map[string]notify.OutboxEntry{}
	for _, e := range got {
		byTo[e.To] = e
	}
	for _, m := range ms {
		e, ok := byTo[m.To]
		if !ok || e.Subject != m.Subject || e.Body != m.Body || e.Kind != m.Kind || e.SentAt != nil {
			t.Errorf("queued for %s: %+v, want %+v unsent", m.To, e, m)
		}
	}
}
