package retention_test

import (
	"context"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
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
	firstApproval, err := f.svc.Approve(f.ctx(), p.ID, p.Version)
	if err != nil || !firstApproval.Awaiting {
		t.Fatalf("first approval: %+v, %v; want it to wait for a second person", firstApproval, err)
	}
	if n := f.count(`SELECT count(*) FROM audit_events WHERE id < $1`, heldEvent); n < before {
		t.Fatalf("the first approval destroyed %d events", before-n)
	}
	d, err := f.svc.Approve(f.secondCtx(), p.ID, p.Version)
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
	if _, err := f.svc.Approve(f.secondCtx(), p.ID, p.Version); err != nil {
		t.Fatal(err)
	}
	// What remains: the newest event when the cut was made (the first approval's), then the
	// destruction's own event.
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

// TestAuditTrailCannotBeShortenedOrErasedByOnePerson: the audit trail's rule cannot go
// below 7 years (nor can a shorter one stored in the database take effect), and its
// destruction takes two different people; the same person approving twice destroys nothing.
func TestAuditTrailCannotBeShortenedOrErasedByOnePerson(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, months := range []int{1, 12, 83} {
		err := f.svc.UpdateRule(f.ctx(), retention.CategoryAuditEvents, months, "recorded", 0)
		if apperr.FieldsOf(err)["months"] == "" {
			t.Errorf("audit trail kept for %d months: %v, want refused", months, err)
		}
	}
	// A rule written straight into the database is raised to the floor.
	f.exec(`INSERT INTO retention_rules (category, months, trigger) VALUES ('audit_events', 1, 'recorded')`)
	if r, err := retention.RuleFor(f.ctx(), f.db, retention.CategoryAuditEvents); err != nil || r.Months != 84 {
		t.Errorf("rule in force %+v, %v; want 84 months", r, err)
	}
	for i := 0; i < 6; i++ {
		if err := audit.Record(f.ctx(), f.db, audit.Event{Action: "test.event", ObjectType: "thing", ObjectID: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	// A month on, with the rule "1 month": nothing is due.
	f.svc.Clock = func() time.Time { return f.now.AddDate(0, 2, 0) }
	if res := f.sweep(); res.Due[retention.CategoryAuditEvents] != 0 {
		t.Fatalf("%d audit events due after two months", res.Due[retention.CategoryAuditEvents])
	}
	// Seven years on: due, but one person approving twice destroys nothing.
	f.svc.Clock = func() time.Time { return f.now.AddDate(7, 1, 0) }
	f.sweep()
	p := f.openProposals()[retention.CategoryAuditEvents]
	total := f.count(`SELECT count(*) FROM audit_events`)
	if a, err := f.svc.Approve(f.ctx(), p.ID, p.Version); err != nil || !a.Awaiting {
		t.Fatalf("first approval: %+v, %v", a, err)
	}
	if _, err := f.svc.Approve(f.ctx(), p.ID, p.Version); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("the same person approving again: %v, want Forbidden", err)
	}
	if n := f.count(`SELECT count(*) FROM audit_events WHERE action = 'test.event'`); n != 6 {
		t.Errorf("%d of 6 events left after one person's approvals", n)
	}
	// Beneath the service, the database refuses the same person in both places.
	if _, err := f.db.Exec(`UPDATE retention_proposals SET approved_by = first_approved_by WHERE id = $1`, p.ID); !db.IsCode(err, db.CodeCheckViolation) {
		t.Errorf("database let one person approve twice: %v", err)
	}
	if a, err := f.svc.Approve(f.secondCtx(), p.ID, p.Version); err != nil || a.Awaiting || a.Destroyed == 0 {
		t.Errorf("second person's approval: %+v, %v", a, err)
	}
	if n := f.count(`SELECT count(*) FROM audit_events`); n >= total {
		t.Errorf("nothing destroyed after two approvals (%d events, %d before)", n, total)
	}
}
