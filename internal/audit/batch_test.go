package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

// TestRecordBatchKeepsOrderActorAndChain appends a batch between single events: the batch's
// events are stored in the order given, for the actor in ctx, each linked to the one before,
// and the whole trail verifies.
func TestRecordBatchKeepsOrderActorAndChain(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	record(t, d, 2)
	userID := uuid.NewString()
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: userID, Email: "olive@example.gov.uk",
		Roles: []string{"officer", "finance"}, IP: "192.0.2.9", RequestID: "req-9"})
	var events []audit.Event
	for i := range 300 {
		events = append(events, audit.Event{Action: "test.batch", ObjectType: "thing", ObjectID: fmt.Sprintf("t%03d", i),
			Summary: map[string]any{"n": i}})
	}
	events[7].Summary = nil
	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error { return audit.RecordBatch(ctx, tx, events) })
	if err != nil {
		t.Fatal(err)
	}
	record(t, d, 1)

	got := rows(t, d)
	if len(got) != 303 {
		t.Fatalf("%d events, want 303", len(got))
	}
	for i, r := range got[2:302] {
		if r.ObjectID != fmt.Sprintf("t%03d", i) || r.Action != "test.batch" || r.ObjectType != "thing" {
			t.Fatalf("event %d is %+v, want t%03d: the batch's order was not kept", r.ID, r, i)
		}
		if r.ActorID == nil || *r.ActorID != userID || r.ActorEmail != "olive@example.gov.uk" || r.ActorRole != "officer,finance" ||
			r.IP != "192.0.2.9" || r.RequestID != "req-9" {
			t.Fatalf("event %d actor %+v", r.ID, r)
		}
		var s map[string]any
		if err := json.Unmarshal([]byte(r.Summary), &s); err != nil {
			t.Fatal(err)
		}
		if i == 7 {
			if r.Summary != "{}" {
				t.Errorf("a nil summary stored as %s, want {} as Record stores it", r.Summary)
			}
		} else if s["n"] != float64(i) {
			t.Errorf("event %d summary %s", r.ID, r.Summary)
		}
	}
	for i := 1; i < len(got); i++ {
		if !bytes.Equal(got[i].PrevHash, got[i-1].Hash) || got[i].ID <= got[i-1].ID {
			t.Fatalf("event %d does not link to event %d", got[i].ID, got[i-1].ID)
		}
	}
	if res := verify(t, d); !res.OK() || res.Checked != 303 {
		t.Errorf("Verify = %+v, want OK with 303 checked", res)
	}
}

// TestRecordBatchSystemActorAndEmpty: without an actor the events are the system's, as with
// Record, and an empty batch writes nothing.
func TestRecordBatchSystemActorAndEmpty(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	if err := audit.RecordBatch(context.Background(), d, nil); err != nil {
		t.Fatal(err)
	}
	if got := rows(t, d); len(got) != 0 {
		t.Fatalf("%d events from an empty batch", len(got))
	}
	if err := audit.RecordBatch(context.Background(), d, []audit.Event{{Action: "job.a"}, {Action: "job.b"}}); err != nil {
		t.Fatal(err)
	}
	got := rows(t, d)
	if len(got) != 2 || got[0].Action != "job.a" || got[1].Action != "job.b" || got[0].PrevHash != nil {
		t.Fatalf("events %+v", got)
	}
	for _, r := range got {
		if r.ActorID != nil || r.ActorEmail != "system" || r.ActorRole != "system" {
			t.Errorf("event %d actor %+v, want the system", r.ID, r)
		}
	}
	if res := verify(t, d); !res.OK() {
		t.Errorf("Verify = %+v", res)
	}
}

// TestRecordBatchAlongsideSingleWriters runs batches and single events at the same time:
// the trigger serialises them, so the chain still verifies.
func TestRecordBatchAlongsideSingleWriters(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for w := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			batch := make([]audit.Event, 50)
			for i := range batch {
				batch[i] = audit.Event{Action: "test.batch", Summary: map[string]any{"w": w, "i": i}}
			}
			errs <- db.Transact(context.Background(), d, func(tx *sqlx.Tx) error {
				return audit.RecordBatch(context.Background(), tx, batch)
			})
		}()
		go func() {
			defer wg.Done()
			errs <- audit.Record(context.Background(), d, audit.Event{Action: "test.single", Summary: map[string]any{"w": w}})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if res := verify(t, d); !res.OK() || res.Checked != 4*50+4 {
		t.Errorf("Verify = %+v, want OK with %d checked", res, 4*50+4)
	}
}

// TestRecordBatchRefusesAnUnencodableSummary writes none of a batch with a bad summary.
func TestRecordBatchRefusesAnUnencodableSummary(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	err := audit.RecordBatch(context.Background(), d, []audit.Event{{Action: "test.good"}, {Action: "test.bad", Summary: map[string]any{"f": func() {}}}})
	if err == nil || !strings.Contains(err.Error(), "test.bad") {
		t.Fatalf("RecordBatch = %v, want an encoding error naming the action", err)
	}
	if got := rows(t, d); len(got) != 0 {
		t.Errorf("%d events written, want 0", len(got))
	}
}
