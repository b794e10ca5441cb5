package retention_test

import (
	"context"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/retention"
)

// TestRetentionAuditExpiryStopsAtHeldEventsAndKeepsTheChain runs the audit rule seven years
// on: the oldest events go as one run, stopping before the first event about a held
// provider, and the trail still verifies from the anchor they leave.
func TestRetentionAuditExpiryStopsAtHeldEventsAndKeepsTheChain(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	record := func(n int) {
		for range n {
			if err := audit.Record(context.Background(), f.db, audit.Event{Action: "test.event", ObjectType: "thing", ObjectID: "t"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	record(5)
	_, ref := f.org("Laurel Homes Ltd", "approved", nil)
	h := f.hold(retention.HoldOrganisation, ref) // audited: the first event about the held provider
	var heldEvent int64
	if err := f.db.Get(&heldEvent, `SELECT min(id) FROM audit_events WHERE action = 'retention.hold.placed'`); err != nil {
		t.Fatal(err)
	}
	record(3)
	before := f.count(`SELECT count(*) FROM audit_events WHERE id < $1`, heldEvent)
	lastBefore := f.count(`SELECT max(id) FROM audit_events WHERE id < $1`, heldEvent)

	later := f.now.AddDate(7, 1, 0)
	f.svc.Clock = func() time.Time { return later }
	res := f.sweep()
	if res.Due[retention.CategoryAuditEvents] != before {
		t.Fatalf("sweep found %d audit events due, want the %d before the held provider's first event", res.Due[retention.CategoryAuditEvents], before)
	}
	p := f.openProposals()[retention.CategoryAuditEvents]
	d, err := f.svc.Approve(f.ctx(), p.ID, p.Version)
	if err != nil {
		t.Fatal(err)
	}
	if d.Destroyed != before {
		t.Errorf("destroyed %d audit events, want %d", d.Destroyed, before)
	}
	var first int64
	if err := f.db.Get(&first, `SELECT min(id) FROM audit_events`); err != nil {
		t.Fatal(err)
	}
	if first != heldEvent {
		t.Errorf("the trail now starts at event %d, want the held provider's event %d", first, heldEvent)
	}
	verified, anchor, err := audit.VerifyFromAnchor(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	if !verified.OK() || anchor == nil || anchor.LastRemovedID != int64(lastBefore) || anchor.Removed != int64(before) {
		t.Errorf("verify from anchor: %+v, anchor %+v", verified, anchor)
	}
	if plain, err := audit.Verify(context.Background(), f.db); err != nil || plain.OK() {
		t.Errorf("plain Verify after expiry: %+v, %v; it cannot know the anchor, so it should report the first event", plain, err)
	}
	if n := f.count(`SELECT count(*) FROM audit_events WHERE action = 'retention.hold.placed'`); n != 1 {
		t.Errorf("the held provider's event is gone")
	}

	// Released, the next run takes everything before the cutoff but the newest event.
	if err := f.svc.ReleaseHold(f.ctx(), h.ID, "Claim withdrawn"); err != nil {
		t.Fatal(err)
	}
	f.sweep()
	p = f.openProposals()[retention.CategoryAuditEvents]
	if _, err := f.svc.Approve(f.ctx(), p.ID, p.Version); err != nil {
		t.Fatal(err)
	}
	// What remains: the newest event when the cut was made, then the destruction's own event.
	if n := f.count(`SELECT count(*) FROM audit_events`); n != 2 {
		t.Errorf("%d audit events remain, want 2", n)
	}
	record(2)
	if verified, _, err := audit.VerifyFromAnchor(context.Background(), f.db); err != nil || !verified.OK() || verified.Checked != 4 {
		t.Errorf("verify after a second expiry: %+v, %v", verified, err)
	}
	if n := f.count(`SELECT count(*) FROM audit_anchor`); n != 2 {
		t.Errorf("%d anchors, want 2", n)
	}
}

// TestRetentionAuditRowsCannotBeDeletedDirectly: the trigger still refuses a plain DELETE;
// audit_expire is the only way.
func TestRetentionAuditRowsCannotBeDeletedDirectly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if err := audit.Record(context.Background(), f.db, audit.Event{Action: "test.event"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`DELETE FROM audit_events`); err == nil {
		t.Fatal("a plain DELETE of audit events succeeded")
	}
	var n int
	if err := f.db.Get(&n, `SELECT audit_expire(now() + interval '1 day')`); err != nil || n != 0 {
		t.Errorf("expiring a trail of one event removed %d (%v); the newest event always stays", n, err)
	}
	if _, err := f.db.Exec(`DELETE FROM audit_events`); err == nil {
		t.Fatal("the append-only trigger was left off after audit_expire")
	}
}
