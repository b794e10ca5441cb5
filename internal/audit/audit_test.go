package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

// TestMain seals every event the tests record, as the portal does, so the seals are
// checked throughout.
func TestMain(m *testing.M) {
	audit.UseKey(testKey)
	dbtest.Main(m)
}

// testKey is PORTAL_AUDIT_KEY for these tests.
var testKey = []byte("audit package test key, 32 bytes")

// codeInsufficientPrivilege is what the append-only triggers raise.
const codeInsufficientPrivilege = "42501"

type row struct {
	ID         int64   `db:"id"`
	ActorID    *string `db:"actor_id"`
	ActorEmail string  `db:"actor_email"`
	ActorRole  string  `db:"actor_role"`
	Action     string  `db:"action"`
	ObjectType string  `db:"object_type"`
	ObjectID   string  `db:"object_id"`
	IP         string  `db:"ip"`
	RequestID  string  `db:"request_id"`
	Summary    string  `db:"summary"`
	PrevHash   []byte  `db:"prev_hash"`
	Hash       []byte  `db:"hash"`
}

func rows(t *testing.T, d *sqlx.DB) []row {
	t.Helper()
	var out []row
	if err := d.Select(&out, `SELECT id, actor_id, actor_email, actor_role, action, object_type, object_id,
		ip, request_id, summary::text AS summary, prev_hash, hash FROM audit_events ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	return out
}

// record appends n events as the system and returns the rows of the whole trail.
func record(t *testing.T, d *sqlx.DB, n int) []row {
	t.Helper()
	for i := range n {
		err := audit.Record(context.Background(), d, audit.Event{
			Action: "test.event", ObjectType: "thing", ObjectID: string(rune('a' + i)),
			Summary: map[string]any{"n": i},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return rows(t, d)
}

func verify(t *testing.T, d *sqlx.DB) audit.VerifyResult {
	t.Helper()
	res, err := audit.Verify(context.Background(), d)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return res
}

// tamper runs stmt with the append-only trigger off, as only the table owner could.
func tamper(t *testing.T, d *sqlx.DB, stmt string, args ...any) {
	t.Helper()
	err := db.Transact(context.Background(), d, func(tx *sqlx.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`, nil},
			{stmt, args},
			{`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`, nil},
		} {
			if _, err := tx.Exec(q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("tamper: %v", err)
	}
}

func TestEventsFormAChain(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	got := record(t, d, 4)
	if len(got) != 4 {
		t.Fatalf("%d events, want 4", len(got))
	}
	if got[0].PrevHash != nil {
		t.Errorf("first event's prev_hash = %x, want NULL", got[0].PrevHash)
	}
	seen := map[string]bool{}
	for i, r := range got {
		if len(r.Hash) != 32 {
			t.Errorf("event %d: hash is %d bytes, want 32 (SHA-256)", r.ID, len(r.Hash))
		}
		if seen[string(r.Hash)] {
			t.Errorf("event %d: hash repeats an earlier one", r.ID)
		}
		seen[string(r.Hash)] = true
		if i > 0 && !bytes.Equal(r.PrevHash, got[i-1].Hash) {
			t.Errorf("event %d: prev_hash %x, want the previous event's hash %x", r.ID, r.PrevHash, got[i-1].Hash)
		}
	}
	res := verify(t, d)
	if !res.OK() || res.Checked != 4 || res.BrokenAt != 0 {
		t.Errorf("Verify on an intact chain = %+v, want OK with 4 checked", res)
	}
}

func TestVerifyEmptyTrail(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	if res := verify(t, d); !res.OK() || res.Checked != 0 {
		t.Errorf("Verify on an empty trail = %+v, want OK with 0 checked", res)
	}
}

func TestConcurrentWritersKeepTheChain(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	const writers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := db.Transact(context.Background(), d, func(tx *sqlx.Tx) error {
					return audit.Record(context.Background(), tx, audit.Event{Action: "test.concurrent", Summary: map[string]any{"w": w, "i": i}})
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if res := verify(t, d); !res.OK() || res.Checked != writers*each {
		t.Errorf("Verify after concurrent writers = %+v, want OK with %d checked", res, writers*each)
	}
}

func TestChangesAreRefused(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	before := record(t, d, 3)
	tests := []struct{ name, stmt string }{
		{"update", `UPDATE audit_events SET summary = '{"n": 99}' WHERE id = (SELECT min(id) FROM audit_events)`},
		{"update every row", `UPDATE audit_events SET actor_email = 'someone-else'`},
		{"delete", `DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)`},
		{"truncate", `TRUNCATE audit_events`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := d.Exec(tc.stmt)
			if !db.IsCode(err, codeInsufficientPrivilege) {
				t.Fatalf("%s: error %v, want SQLSTATE %s from the append-only trigger", tc.name, err, codeInsufficientPrivilege)
			}
			if !strings.Contains(err.Error(), "append-only") {
				t.Errorf("error %q does not say the table is append-only", err)
			}
		})
	}
	after := rows(t, d)
	if len(after) != len(before) {
		t.Fatalf("%d events after refused changes, want %d", len(after), len(before))
	}
	for i := range after {
		if after[i].Summary != before[i].Summary || after[i].ActorEmail != before[i].ActorEmail {
			t.Errorf("event %d changed: %+v, was %+v", after[i].ID, after[i], before[i])
		}
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// stmt is run with the trigger off; it gets the ids of the five events.
		stmt   string
		target func(ids []int64) int64 // the row whose id stmt is given
		want   func(ids []int64) int64 // where Verify must report the break
		reason string
	}{
		{
			name:   "altered summary",
			stmt:   `UPDATE audit_events SET summary = '{"n": 1000}' WHERE id = $1`,
			target: func(ids []int64) int64 { return ids[2] },
			want:   func(ids []int64) int64 { return ids[2] },
			reason: "altered",
		},
		{
			name:   "altered actor",
			stmt:   `UPDATE audit_events SET actor_email = 'someone-else@example.gov.uk' WHERE id = $1`,
			target: func(ids []int64) int64 { return ids[4] },
			want:   func(ids []int64) int64 { return ids[4] },
			reason: "altered",
		},
		{
			name:   "middle event deleted",
			stmt:   `DELETE FROM audit_events WHERE id = $1`,
			target: func(ids []int64) int64 { return ids[2] },
			want:   func(ids []int64) int64 { return ids[3] },
			reason: "removed",
		},
		{
			name:   "first event deleted",
			stmt:   `DELETE FROM audit_events WHERE id = $1`,
			target: func(ids []int64) int64 { return ids[0] },
			want:   func(ids []int64) int64 { return ids[1] },
			reason: "no longer there",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			var ids []int64
			for _, r := range record(t, d, 5) {
				ids = append(ids, r.ID)
			}
			if res := verify(t, d); !res.OK() {
				t.Fatalf("chain broken before tampering: %+v", res)
			}
			tamper(t, d, tc.stmt, tc.target(ids))
			res := verify(t, d)
			if res.OK() || res.BrokenAt != tc.want(ids) {
				t.Fatalf("Verify = %+v, want broken at event %d", res, tc.want(ids))
			}
			if !strings.Contains(res.Reason, tc.reason) {
				t.Errorf("reason %q does not mention %q", res.Reason, tc.reason)
			}
		})
	}
}

func TestVerifyFindsARecomputedHashAtTheNextLink(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	var ids []int64
	for _, r := range record(t, d, 4) {
		ids = append(ids, r.ID)
	}
	// Alter a row and recompute its hash from its new content: the row's hash then checks
	// out, but not its seal; and without seals (a trail sealed with no key) the break shows
	// at the next event, whose prev_hash is the old hash.
	tamper(t, d, `UPDATE audit_events SET summary = '{"n": 7}' WHERE id = $1`, ids[1])
	tamper(t, d, `UPDATE audit_events e SET hash = digest(coalesce(e.prev_hash, ''::bytea) || audit_payload(e), 'sha256') WHERE id = $1`, ids[1])
	res := verify(t, d)
	if res.BrokenAt != ids[1] || !strings.Contains(res.Reason, "seal") {
		t.Fatalf("Verify = %+v, want a broken seal at event %d", res, ids[1])
	}
	tamper(t, d, `UPDATE audit_events SET mac = NULL`)
	res = verify(t, d)
	if res.BrokenAt != ids[2] || !strings.Contains(res.Reason, "link") {
		t.Fatalf("unsealed: Verify = %+v, want a broken link at event %d", res, ids[2])
	}
}

func TestActorIsRecorded(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	userID := uuid.NewString()
	actor := audit.Actor{
		UserID: userID, Email: "officer@example.gov.uk", Roles: []string{"officer", "finance"},
		IP: "192.0.2.7", RequestID: "req-123",
	}
	ctx := audit.WithActor(context.Background(), actor)
	if err := audit.Record(ctx, d, audit.Event{Action: "provider.section.update", ObjectType: "provider", ObjectID: "p-1",
		Summary: map[string]any{"section": "contacts"}}); err != nil {
		t.Fatal(err)
	}
	if err := audit.Record(context.Background(), d, audit.Event{Action: "job.run"}); err != nil {
		t.Fatal(err)
	}
	if err := audit.RecordAs(ctx, d, audit.Actor{Email: "stranger@example.com", IP: "198.51.100.1"}, audit.Event{Action: "user.signin.failed"}); err != nil {
		t.Fatal(err)
	}
	got := rows(t, d)
	if len(got) != 3 {
		t.Fatalf("%d events, want 3", len(got))
	}

	withActor := got[0]
	if withActor.ActorID == nil || *withActor.ActorID != userID {
		t.Errorf("actor_id = %v, want %s", withActor.ActorID, userID)
	}
	want := row{ActorEmail: "officer@example.gov.uk", ActorRole: "officer,finance", Action: "provider.section.update",
		ObjectType: "provider", ObjectID: "p-1", IP: "192.0.2.7", RequestID: "req-123"}
	if withActor.ActorEmail != want.ActorEmail || withActor.ActorRole != want.ActorRole || withActor.Action != want.Action ||
		withActor.ObjectType != want.ObjectType || withActor.ObjectID != want.ObjectID || withActor.IP != want.IP || withActor.RequestID != want.RequestID {
		t.Errorf("event with actor = %+v, want %+v", withActor, want)
	}
	var summary map[string]any
	if err := json.Unmarshal([]byte(withActor.Summary), &summary); err != nil || summary["section"] != "contacts" {
		t.Errorf("summary = %s (%v), want section contacts", withActor.Summary, err)
	}

	system := got[1]
	if system.ActorID != nil || system.ActorEmail != "system" || system.ActorRole != "system" || system.Summary != "{}" {
		t.Errorf("event without actor = %+v, want the system actor and an empty summary", system)
	}

	explicit := got[2]
	if explicit.ActorID != nil || explicit.ActorEmail != "stranger@example.com" || explicit.IP != "198.51.100.1" {
		t.Errorf("RecordAs event = %+v, want the explicit actor", explicit)
	}
}

func TestActorFromDefaultsToSystem(t *testing.T) {
	t.Parallel()
	if a := audit.ActorFrom(context.Background()); a.Email != audit.System.Email || a.UserID != "" {
		t.Errorf("ActorFrom(empty context) = %+v, want System", a)
	}
	a := audit.Actor{UserID: "u", Email: "e"}
	if got := audit.ActorFrom(audit.WithActor(context.Background(), a)); got.UserID != "u" || got.Email != "e" {
		t.Errorf("ActorFrom(WithActor(a)) = %+v, want %+v", got, a)
	}
}

func TestRecordInARolledBackTransactionLeavesNothing(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	errStop := errors.New("stop")
	err := db.Transact(context.Background(), d, func(tx *sqlx.Tx) error {
		if err := audit.Record(context.Background(), tx, audit.Event{Action: "test.rolled_back"}); err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Transact = %v, want %v", err, errStop)
	}
	if got := rows(t, d); len(got) != 0 {
		t.Errorf("%d events after rollback, want 0", len(got))
	}
	// The next event starts the chain, not a link to the rolled-back one.
	if got := record(t, d, 1); got[0].PrevHash != nil {
		t.Errorf("first committed event links to %x, want NULL", got[0].PrevHash)
	}
}

func TestRecordRefusesAnUnencodableSummary(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	err := audit.Record(context.Background(), d, audit.Event{Action: "test.bad", Summary: map[string]any{"f": func() {}}})
	if err == nil || !strings.Contains(err.Error(), "test.bad") {
		t.Fatalf("Record = %v, want an encoding error naming the action", err)
	}
	if got := rows(t, d); len(got) != 0 {
		t.Errorf("%d events written, want 0", len(got))
	}
}
