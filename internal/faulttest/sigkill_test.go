package faulttest

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/provider"
	"github.com/lib/pq"
)

// submission is everything a submission writes, counted for one organisation.
type submission struct {
	Status  string
	Version int
	History int // provider_status_history rows
	Audit   int // provider.status.* audit events
	Mail    int // provider_decision mails in the outbox
}

func (w *world) submission(t testing.TB, orgID string) submission {
	t.Helper()
	var s submission
	if err := w.DB.QueryRow(`SELECT status, version FROM organisations WHERE id = $1`, orgID).Scan(&s.Status, &s.Version); err != nil {
		t.Fatal(err)
	}
	s.History = w.count(t, `SELECT count(*) FROM provider_status_history WHERE organisation_id = $1`, orgID)
	s.Audit = w.count(t, `SELECT count(*) FROM audit_events WHERE object_type = 'organisation' AND object_id = $1 AND action LIKE 'provider.status.%'`, orgID)
	to, err := provider.Recipients(context.Background(), w.DB, orgID)
	if err != nil {
		t.Fatal(err)
	}
	s.Mail = w.count(t, `SELECT count(*) FROM outbox WHERE kind = 'provider_decision' AND to_address = ANY ($1)`, pq.Array(to))
	return s
}

// submitted is what one successful submission adds to before: the status moves, the
// version goes up by one, one history row and one audit event, and one mail to each of the
// organisation's addresses (its user and the key contact).
func submitted(before submission) submission {
	return submission{Status: "submitted", Version: before.Version + 1, History: before.History + 1, Audit: before.Audit + 1, Mail: before.Mail + 2}
}

// TestKilledMidSubmissionLeavesNothingAndARestartedPortalSubmitsAll kills the portal with
// SIGKILL while a submission's transaction has made its first writes and waits for its
// last one (the mail to the outbox): the database must hold none of it. A fresh portal on
// the same database then serves the same session, and the same submission commits all of it.
func TestKilledMidSubmissionLeavesNothingAndARestartedPortalSubmitsAll(t *testing.T) {
	w := newWorld(t)
	p := w.newProvider(t, "Fault Line Fostering", "manager@faultline.example.org")
	w.completeRecord(t, p)
	a := startPortal(t, "portal A", w.settings)
	c := newClient(t, a.URL)
	w.signIn(t, c, p.Email, p.Password)
	form := c.mustGet(t, "/provider/check", http.StatusOK).form(t, "/provider/submit")
	before := w.submission(t, p.OrgID)
	if before.Status != "draft" || before.History != 0 || before.Audit != 0 || before.Mail != 0 {
		t.Fatalf("before submitting: %+v, want a draft with no history, audit or mail", before)
	}

	// Hold a lock that lets the outbox be read but not written, so the submission's
	// transaction stops at its last statement, the mail.
	ctx := context.Background()
	locker, err := w.DB.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Rollback()
	var lockerPID int
	if err := locker.Get(&lockerPID, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	if _, err := locker.Exec(`LOCK TABLE outbox IN SHARE MODE`); err != nil {
		t.Fatal(err)
	}
	answered := make(chan error, 1)
	go func() {
		_, err := c.post("/provider/submit", form)
		answered <- err
	}()

	var stalled int // the portal's database session running the submission
	eventually(t, 30*time.Second, "the submission to wait for the outbox lock", func() (bool, error) {
		err := w.DB.Get(&stalled, `SELECT pid FROM pg_stat_activity
			WHERE $1 = ANY (pg_blocking_pids(pid)) AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO outbox%'`, lockerPID)
		return err == nil, err
	})
	// Its transaction has written the status change, the history and the audit event: it
	// holds the row-exclusive locks writing takes on those tables.
	var written []string
	if err := w.DB.Select(&written, `SELECT relation::regclass::text FROM pg_locks
		WHERE pid = $1 AND locktype = 'relation' AND mode = 'RowExclusiveLock' AND granted`, stalled); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"organisations", "provider_status_history", "audit_events"} {
		if !slices.Contains(written, table) {
			t.Fatalf("the stalled submission has not written %s yet (it holds write locks on %v): the lock stopped it too early", table, written)
		}
	}

	a.kill(t)
	if err := <-answered; err == nil {
		t.Fatal("the submission was answered although the portal was killed before it finished")
	}
	if err := locker.Rollback(); err != nil {
		t.Fatal(err)
	}
	// PostgreSQL ends the orphaned session, rolling its transaction back, once it finds the
	// client gone.
	eventually(t, 30*time.Second, "the killed portal's database session to end", func() (bool, error) {
		return w.count(t, `SELECT count(*) FROM pg_stat_activity WHERE pid = $1`, stalled) == 0, nil
	})
	if got := w.submission(t, p.OrgID); got != before {
		t.Fatalf("after the kill the database holds part of the submission: %+v, want it unchanged: %+v", got, before)
	}

	// A fresh portal on the same database: the session survives, and the submission
	// commits whole.
	b := startPortal(t, "portal B", w.settings)
	c = c.at(b.URL)
	form = c.mustGet(t, "/provider/check", http.StatusOK).form(t, "/provider/submit")
	if res := c.mustPost(t, "/provider/submit", form, http.StatusSeeOther); res.Location != "/provider/submitted" {
		t.Fatalf("submit redirected to %q, want /provider/submitted", res.Location)
	}
	if got, want := w.submission(t, p.OrgID), submitted(before); got != want {
		t.Fatalf("after a completed submission the database holds %+v, want %+v", got, want)
	}
	c.mustGet(t, "/provider/submitted", http.StatusOK)
}
