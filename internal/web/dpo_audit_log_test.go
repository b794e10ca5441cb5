package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/jmoiron/sqlx"
)

func eventActions(doc *goquery.Document) []string {
	var out []string
	doc.Find("[data-events] tbody tr").Each(func(_ int, tr *goquery.Selection) { out = append(out, tr.AttrOr("data-action", "")) })
	return out
}

// TestAuditViewerShowsSensitiveViewsSearchesAndExports: an officer's view of a provider's
// DBS records appears among the sensitive views; searches narrow by user, object, action and
// date; pages go by event id; the export holds what the search shows.
func TestAuditViewerShowsSensitiveViewsSearchesAndExports(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	dpo := s.CreateUser(t, "dana@council.example", []auth.Role{auth.RoleDPO}, "")
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	oc, _ := sessionAs(t, s, officer.ID, auth.StageFull)
	if resp, _ := oc.Get(t, "/review/providers/"+org); resp.StatusCode != http.StatusOK {
		t.Fatalf("officer's review page: status %d", resp.StatusCode)
	}
	c, _ := sessionAs(t, s, dpo.ID, auth.StageFull)

	resp, doc := c.Get(t, "/dpo/audit-log")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("audit log: status %d", resp.StatusCode)
	}
	_, doc = c.Get(t, doc.Find("[data-sensitive-link]").AttrOr("href", ""))
	rows := doc.Find("[data-events] tbody tr")
	if rows.Length() != 1 || rows.AttrOr("data-action", "") != "provider.dbs.viewed" || !strings.Contains(rows.Text(), "olive@council.example") ||
		!strings.Contains(rows.Text(), org) || !strings.Contains(rows.Text(), "Sensitive") {
		t.Fatalf("sensitive views: %q", rows.Text())
	}
	searches := []struct {
		query string
		want  string // an action every row must have, or "" for none
		rows  int
	}{
		{"?email=OLIVE%40council.example&action=provider.dbs", "provider.dbs.viewed", 1},
		{"?object_type=organisation&object_id=" + org + "&action=provider.", "provider.dbs.viewed", 1},
		{"?email=nobody%40council.example", "", 0},
		{"?from-day=1&from-month=1&from-year=2001&to-day=31&to-month=12&to-year=2001", "", 0},
	}
	for _, sr := range searches {
		resp, doc := c.Get(t, "/dpo/audit-log"+sr.query)
		got := eventActions(doc)
		if resp.StatusCode != http.StatusOK || len(got) != sr.rows {
			t.Errorf("%s: status %d, actions %v, want %d rows", sr.query, resp.StatusCode, got, sr.rows)
		}
		for _, a := range got {
			if a != sr.want {
				t.Errorf("%s: row with %s", sr.query, a)
			}
		}
	}
	for _, q := range []string{"?action=DROP+TABLE", "?object_id=x", "?from-day=31&from-month=2&from-year=2026"} {
		if resp, doc := c.Get(t, "/dpo/audit-log"+q); resp.StatusCode != http.StatusUnprocessableEntity || len(summaryLinks(doc)) == 0 {
			t.Errorf("%s: status %d, summary %v", q, resp.StatusCode, summaryLinks(doc))
		}
	}

	// 120 events: pages of 50 going back by id, and forward again.
	for i := range 120 {
		auditViewerEvent(t, s, "test.page", strconv.Itoa(i))
	}
	_, p1 := c.Get(t, "/dpo/audit-log?action=test.page")
	older := p1.Find(`a[rel="next"]`).AttrOr("href", "")
	_, p2 := c.Get(t, older)
	_, p3 := c.Get(t, p2.Find(`a[rel="next"]`).AttrOr("href", ""))
	n1, n2, n3 := len(eventActions(p1)), len(eventActions(p2)), len(eventActions(p3))
	if n1 != 50 || n2 != 50 || n3 != 20 || p1.Find(`a[rel="prev"]`).Length() != 0 || p3.Find(`a[rel="next"]`).Length() != 0 {
		t.Errorf("pages of %d, %d, %d", n1, n2, n3)
	}
	_, back := c.Get(t, p3.Find(`a[rel="prev"]`).AttrOr("href", ""))
	if back.Find("[data-events] tbody tr").First().AttrOr("data-event", "") != p2.Find("[data-events] tbody tr").First().AttrOr("data-event", "") {
		t.Error("going back from the last page does not give the middle page")
	}
	if !strings.Contains(older, "action=test.page") {
		t.Errorf("the older link %q loses the search", older)
	}

	exportURL := p1.Find("[data-export]").AttrOr("href", "")
	r, err := c.Client.Get(c.Base + exportURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil || r.StatusCode != http.StatusOK || len(records) != 121 || records[1][4] != "test.page" {
		t.Fatalf("export: status %d, %d records, %v", r.StatusCode, len(records), err)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'audit.export.completed' AND (summary->>'rows')::int = 120
		AND summary->'filters'->>'action' = 'test.page' AND actor_id = $1`, dpo.ID); n != 1 {
		t.Errorf("%d completed audit exports recorded, want 1", n)
	}
}

// auditViewerEvent appends a routine event as the system.
func auditViewerEvent(t *testing.T, s *webtest.Server, action, id string) {
	t.Helper()
	if err := audit.Record(context.Background(), s.DB, audit.Event{Action: action, ObjectType: "thing", ObjectID: id}); err != nil {
		t.Fatal(err)
	}
}

// TestAuditViewerVerifyReportsTampering: the "Verify the chain" button finds the chain intact,
// then, after one row is changed behind the trigger's back (as only the table's owner could),
// reports the event where it breaks.
func TestAuditViewerVerifyReportsTampering(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	dpo := s.CreateUser(t, "dana@council.example", []auth.Role{auth.RoleDPO}, "")
	c, csrf := sessionAs(t, s, dpo.ID, auth.StageFull)
	for i := range 5 {
		auditViewerEvent(t, s, "test.event", strconv.Itoa(i))
	}
	_, doc := c.Get(t, "/dpo/audit-log")
	if doc.Find(`form[action="/dpo/audit-log/verify"] button`).Length() != 1 {
		t.Fatal("no Verify the chain button")
	}
	resp, doc := c.Post(t, "/dpo/audit-log/verify", form(csrf))
	if resp.StatusCode != http.StatusOK || doc.Find(`[data-verify="intact"]`).Length() != 1 {
		t.Fatalf("intact chain: status %d, %q", resp.StatusCode, doc.Find("main").Text())
	}
	var target int64
	if err := s.DB.Get(&target, `SELECT id FROM audit_events WHERE action = 'test.event' AND object_id = '2'`); err != nil {
		t.Fatal(err)
	}
	err := db.Transact(context.Background(), s.DB, func(tx *sqlx.Tx) error {
		for _, q := range []string{
			`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`,
			`UPDATE audit_events SET actor_email = 'someone.else@example.com' WHERE id = ` + strconv.FormatInt(target, 10),
			`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`,
		} {
			if _, err := tx.Exec(q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, doc = c.Post(t, "/dpo/audit-log/verify", form(csrf))
	broken := doc.Find(`[data-verify="broken"]`)
	if resp.StatusCode != http.StatusOK || broken.Length() != 1 || !strings.Contains(broken.Text(), "broken at event "+strconv.FormatInt(target, 10)) ||
		!strings.Contains(broken.Find("[data-reason]").Text(), "altered") {
		t.Errorf("tampered chain: status %d, %q", resp.StatusCode, doc.Find("main").Text())
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'audit.verified' AND summary->>'intact' = 'false'
		AND (summary->>'broken_at')::bigint = $1`, target); n != 1 {
		t.Errorf("%d failed verifications audited, want 1", n)
	}
}

// TestAuditViewerSaysActionsInWordsAndExplainsNumbering: each event's action is in words
// with its code beneath for searching; a code with no words still shows; the page explains
// why event numbers have gaps (a rolled-back change leaves one here) and links to verifying
// the chain, which proves the trail whole.
func TestAuditViewerSaysActionsInWordsAndExplainsNumbering(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	dpo := s.CreateUser(t, "dana@council.example", []auth.Role{auth.RoleDPO}, "")
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	oc, _ := sessionAs(t, s, officer.ID, auth.StageFull)
	oc.Get(t, "/review/providers/"+org)
	// A change that fails after its event was written takes a number and gives it back to
	// no one: the next event's number skips it.
	ctx := context.Background()
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := audit.Record(ctx, tx, audit.Event{Action: "provider.section.saved", ObjectType: "organisation", ObjectID: org}); err != nil {
			return err
		}
		return context.Canceled
	})
	if err != context.Canceled {
		t.Fatalf("the rolled-back change: %v", err)
	}
	oc.Get(t, "/review/providers/"+org)

	c, _ := sessionAs(t, s, dpo.ID, auth.StageFull)
	_, doc := c.Get(t, "/dpo/audit-log?action=provider.dbs")
	rows := doc.Find("[data-events] tbody tr")
	if rows.Length() != 2 {
		t.Fatalf("%d DBS views listed, want 2", rows.Length())
	}
	newer, _ := strconv.Atoi(rows.Eq(0).AttrOr("data-event", ""))
	older, _ := strconv.Atoi(rows.Eq(1).AttrOr("data-event", ""))
	if newer-older < 2 {
		t.Errorf("events %d and %d: the rolled-back event left no gap, so this test shows nothing", older, newer)
	}
	rows.Each(func(_ int, tr *goquery.Selection) {
		words := strings.TrimSpace(tr.Find("[data-action-words]").Text())
		code := strings.TrimSpace(tr.Find("[data-action-code]").Text())
		if want, _ := audit.ActionWords("provider.dbs.viewed"); words != want || code != "provider.dbs.viewed" {
			t.Errorf("the action shows as %q with code %q", words, code)
		}
	})
	details := doc.Find("details[data-numbering]")
	if details.Length() != 1 || !strings.Contains(details.Text(), "hash chain") || !strings.Contains(details.Text(), "undone") {
		t.Errorf("the page does not explain the numbering: %q", details.Text())
	}
	if href := details.Find("a[data-verify-link]").AttrOr("href", ""); href != "#verify" || doc.Find(`form#verify[action="/dpo/audit-log/verify"]`).Length() != 1 {
		t.Errorf("the explanation links to %q, not to verifying the chain", href)
	}

	// A code with no words (from an older version) is shown as it is.
	if err := audit.Record(ctx, s.DB, audit.Event{Action: "legacy.thing.done", ObjectType: "organisation", ObjectID: org}); err != nil {
		t.Fatal(err)
	}
	_, doc = c.Get(t, "/dpo/audit-log?action=legacy")
	row := doc.Find("[data-events] tbody tr")
	if row.Length() != 1 || strings.TrimSpace(row.Find("[data-action-code]").Text()) != "legacy.thing.done" ||
		!strings.Contains(row.Find("[data-action-words]").Text(), "Not described") {
		t.Errorf("an undescribed action: %q", row.Text())
	}
}
