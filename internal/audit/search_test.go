package audit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/jmoiron/sqlx"
)

// viewerTrail records a small trail of known events, then n routine ones, and returns the
// ids of the known ones by name.
func viewerTrail(t *testing.T, d *sqlx.DB, n int) map[string]int64 {
	t.Helper()
	alice := audit.Actor{UserID: "11111111-1111-4111-8111-111111111111", Email: "alice@council.example", Roles: []string{"officer"}}
	bob := audit.Actor{UserID: "22222222-2222-4222-8222-222222222222", Email: "Bob@Council.example", Roles: []string{"finance"}}
	events := []struct {
		name  string
		actor audit.Actor
		e     audit.Event
	}{
		{"dbs", alice, audit.Event{Action: "provider.dbs.viewed", ObjectType: "organisation", ObjectID: "org-1"}},
		{"bank", bob, audit.Event{Action: "finance.bank_details.revealed", ObjectType: "payment_details", ObjectID: "pd-1"}},
		{"signin", alice, audit.Event{Action: "user.signin", ObjectType: "user", ObjectID: alice.UserID}},
		{"failed", audit.Actor{Email: "mallory@example.com"}, audit.Event{Action: "user.signin.failed"}},
		{"formula", bob, audit.Event{Action: "provider.section.saved", ObjectType: "organisation", ObjectID: "=HYPERLINK(\"http://x\")"}},
	}
	ids := map[string]int64{}
	for _, ev := range events {
		if err := audit.RecordAs(context.Background(), d, ev.actor, ev.e); err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := d.Get(&id, `SELECT max(id) FROM audit_events`); err != nil {
			t.Fatal(err)
		}
		ids[ev.name] = id
	}
	for i := range n {
		if err := audit.Record(context.Background(), d, audit.Event{Action: "test.event", ObjectType: "thing", Summary: map[string]any{"n": i}}); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func entryIDs(es []audit.Entry) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func TestAuditViewerSearchFilters(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ids := viewerTrail(t, d, 3)
	today := time.Now().In(mustLondon(t))
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		filter audit.Filter
		want   []string // known events expected, newest first; routine ones counted apart
		others int
	}{
		{"by user, any case", audit.Filter{Email: "ALICE@council.example"}, []string{"signin", "dbs"}, 0},
		{"by user with a mixed-case address", audit.Filter{Email: "bob@council.example"}, []string{"formula", "bank"}, 0},
		{"by object", audit.Filter{ObjectType: "organisation", ObjectID: "org-1"}, []string{"dbs"}, 0},
		{"by object type", audit.Filter{ObjectType: "organisation"}, []string{"formula", "dbs"}, 0},
		{"by action prefix", audit.Filter{ActionPrefix: "user.signin"}, []string{"failed", "signin"}, 0},
		{"a prefix is not a pattern", audit.Filter{ActionPrefix: "user_signin"}, nil, 0},
		{"sensitive views", audit.Filter{Sensitive: true}, []string{"bank", "dbs"}, 0},
		{"sensitive views of one user", audit.Filter{Sensitive: true, Email: "alice@council.example"}, []string{"dbs"}, 0},
		{"today", audit.Filter{From: day, To: day}, []string{"formula", "failed", "signin", "bank", "dbs"}, 3},
		{"from tomorrow", audit.Filter{From: day.AddDate(0, 0, 1)}, nil, 0},
		{"until yesterday", audit.Filter{To: day.AddDate(0, 0, -1)}, nil, 0},
	}
	for _, tt := range tests {
		res, err := audit.Search(context.Background(), d, tt.filter, audit.Cursor{}, 50)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var want []int64
		for _, n := range tt.want {
			want = append(want, ids[n])
		}
		var known []int64
		others := 0
		for _, e := range res.Entries {
			if e.Action == "test.event" {
				others++
			} else {
				known = append(known, e.ID)
			}
		}
		if !slices.Equal(known, want) || others != tt.others {
			t.Errorf("%s: events %v and %d routine, want %v and %d", tt.name, known, others, want, tt.others)
		}
		for _, e := range res.Entries {
			if e.IsSensitive() != (e.ID == ids["dbs"] || e.ID == ids["bank"]) {
				t.Errorf("%s: event %d (%s) sensitive = %v", tt.name, e.ID, e.Action, e.IsSensitive())
			}
		}
	}
}

func TestAuditViewerKeysetPages(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	viewerTrail(t, d, 60)
	f := audit.Filter{ActionPrefix: "test."}
	var all []int64
	if err := d.Select(&all, `SELECT id FROM audit_events WHERE action = 'test.event' ORDER BY id DESC`); err != nil {
		t.Fatal(err)
	}
	page := func(c audit.Cursor) audit.Results {
		t.Helper()
		res, err := audit.Search(context.Background(), d, f, c, 25)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	p1 := page(audit.Cursor{})
	p2 := page(audit.Cursor{Before: p1.Older})
	p3 := page(audit.Cursor{Before: p2.Older})
	if !slices.Equal(entryIDs(p1.Entries), all[:25]) || !slices.Equal(entryIDs(p2.Entries), all[25:50]) || !slices.Equal(entryIDs(p3.Entries), all[50:]) {
		t.Fatalf("pages %v / %v / %v, want the 60 events newest first", entryIDs(p1.Entries), entryIDs(p2.Entries), entryIDs(p3.Entries))
	}
	if p1.Newer != 0 || p1.Older == 0 || p2.Newer == 0 || p2.Older == 0 || p3.Newer == 0 || p3.Older != 0 {
		t.Errorf("cursors: first %+v, middle %+v, last %+v", p1, p2, p3)
	}
	back := page(audit.Cursor{After: p3.Newer})
	if !slices.Equal(entryIDs(back.Entries), entryIDs(p2.Entries)) {
		t.Errorf("going back from the last page gave %v, want %v", entryIDs(back.Entries), entryIDs(p2.Entries))
	}
}

func TestAuditViewerFilterValidation(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		filter audit.Filter
		field  string
	}{
		{"object id without a type", audit.Filter{ObjectID: "x"}, "object_type"},
		{"action with capitals", audit.Filter{ActionPrefix: "User.signin"}, "action"},
		{"action with SQL", audit.Filter{ActionPrefix: "x' OR 1=1"}, "action"},
		{"end before start", audit.Filter{From: day, To: day.AddDate(0, 0, -1)}, "to"},
		{"long email", audit.Filter{Email: strings.Repeat("a", 255)}, "email"},
	}
	for _, tt := range tests {
		if errs := tt.filter.Validate(); errs[tt.field] == "" {
			t.Errorf("%s: %v, want a message for %s", tt.name, errs, tt.field)
		}
	}
	if errs := (audit.Filter{Email: "a@b.example", ActionPrefix: "provider.dbs", From: day, To: day}).Validate(); len(errs) != 0 {
		t.Errorf("a good filter: %v", errs)
	}
}

func TestAuditViewerCSV(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ids := viewerTrail(t, d, 2)
	var buf bytes.Buffer
	n, err := audit.WriteCSV(context.Background(), d, audit.Filter{Email: "bob@council.example"}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || len(records) != 3 || records[0][0] != "Event" || records[0][4] != "Action" {
		t.Fatalf("CSV of %d rows: %v", n, records)
	}
	if records[1][0] != itoa(ids["formula"]) || records[2][4] != "finance.bank_details.revealed" {
		t.Errorf("rows %v", records[1:])
	}
	if got := records[1][6]; !strings.HasPrefix(got, "'=") {
		t.Errorf("object id cell %q is not neutralised against formula injection", got)
	}
}

// TestAuditViewerVerifyFromAnchor: after the oldest events expire the chain verifies from the
// anchor; an altered row after that is still found.
func TestAuditViewerVerifyFromAnchor(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	trail := record(t, d, 6)
	if res, anchor, err := audit.VerifyFromAnchor(context.Background(), d); err != nil || !res.OK() || anchor != nil || res.Checked != 6 {
		t.Fatalf("before any expiry: %+v, %+v, %v", res, anchor, err)
	}
	var removed int
	var cutoff time.Time
	if err := d.Get(&cutoff, `SELECT at FROM audit_events WHERE id = $1`, trail[3].ID); err != nil {
		t.Fatal(err)
	}
	if err := d.Get(&removed, `SELECT audit_expire($1)`, cutoff); err != nil || removed != 3 {
		t.Fatalf("audit_expire removed %d, %v; want the 3 events before the 4th", removed, err)
	}
	res, anchor, err := audit.VerifyFromAnchor(context.Background(), d)
	if err != nil || !res.OK() || res.Checked != 3 || anchor == nil || anchor.LastRemovedID != trail[2].ID {
		t.Fatalf("after expiry: %+v, %+v, %v", res, anchor, err)
	}
	tamper(t, d, `UPDATE audit_events SET summary = '{"n": 99}' WHERE id = $1`, trail[4].ID)
	res, _, err = audit.VerifyFromAnchor(context.Background(), d)
	if err != nil || res.OK() || res.BrokenAt != trail[4].ID || !strings.Contains(res.Reason, "altered") {
		t.Errorf("after tampering: %+v, %v; want broken at %d", res, err, trail[4].ID)
	}
	// Removing the first remaining event by hand breaks the link to the anchor.
	d2 := dbtest.New(t)
	trail2 := record(t, d2, 4)
	if err := d2.Get(&removed, `SELECT audit_expire($1)`, time.Now().Add(time.Hour)); err != nil || removed != 3 {
		t.Fatalf("expire all but the newest: %d, %v", removed, err)
	}
	record(t, d2, 2)
	tamper(t, d2, `DELETE FROM audit_events WHERE id = $1`, trail2[3].ID)
	if res, _, err := audit.VerifyFromAnchor(context.Background(), d2); err != nil || res.OK() || !strings.Contains(res.Reason, "anchor") {
		t.Errorf("first event after the anchor removed: %+v, %v", res, err)
	}
}

func mustLondon(t *testing.T) *time.Location {
	t.Helper()
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
