package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
)

// TestExpireBeforeKeepsTheNewestAndTheChain: expiry removes the oldest run the count said,
// never the newest event, and the rest still verifies from the anchor it leaves.
func TestExpireBeforeKeepsTheNewestAndTheChain(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	trail := record(t, d, 4)
	if first, err := audit.FirstEventAbout(ctx, d, time.Now().Add(time.Hour), []audit.Object{{Type: "thing", ID: "c"}, {Type: "other", ID: "a"}}); err != nil ||
		first.IsZero() {
		t.Fatalf("first event about thing c: %v, %v", first, err)
	}
	var atC time.Time
	if err := d.Get(&atC, `SELECT at FROM audit_events WHERE id = $1`, trail[2].ID); err != nil {
		t.Fatal(err)
	}
	if first, err := audit.FirstEventAbout(ctx, d, time.Now().Add(time.Hour), []audit.Object{{Type: "thing", ID: "c"}}); err != nil || !first.Equal(atC) {
		t.Errorf("first event about thing c at %v (%v), want %v", first, err, atC)
	}
	if first, err := audit.FirstEventAbout(ctx, d, time.Now().Add(time.Hour), nil); !apperr.Is(err, apperr.NotFound) || !first.IsZero() {
		t.Errorf("first event about nothing: %v, %v; want not found", first, err)
	}
	if _, err := audit.FirstEventAbout(ctx, d, time.Now().Add(time.Hour), []audit.Object{{Type: "thing", ID: "nobody"}}); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("first event about an object with no events: %v; want not found", err)
	}

	// Everything is before the cutoff, so all but the newest go.
	cutoff := time.Now().Add(time.Hour)
	n, err := audit.CountExpirable(ctx, d, cutoff)
	if err != nil || n != 3 {
		t.Fatalf("CountExpirable = %d, %v; want 3 (never the newest)", n, err)
	}
	tx := d.MustBeginTx(ctx, nil)
	removed, err := audit.ExpireBefore(ctx, tx, cutoff)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if removed != n {
		t.Errorf("ExpireBefore removed %d, CountExpirable said %d", removed, n)
	}
	left := rows(t, d)
	if len(left) != 1 || left[0].ID != trail[3].ID {
		t.Errorf("left %d events, want only the newest", len(left))
	}
	record(t, d, 1)
	if res, anchor, err := audit.VerifyFromAnchor(ctx, d); err != nil || !res.OK() || anchor == nil || anchor.LastRemovedID != trail[2].ID {
		t.Errorf("verify from anchor after expiry: %+v, %+v, %v", res, anchor, err)
	}
}
