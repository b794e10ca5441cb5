package faulttest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// withSession returns a new client for base holding only the cookies c has for from, as
// if a load balancer sent the browser's next request to another instance.
func withSession(t *testing.T, c *client, from, base string) *client {
	t.Helper()
	fromURL, _ := url.Parse(from)
	cookies := c.hc.Jar.Cookies(fromURL)
	if len(cookies) == 0 {
		t.Fatalf("no cookies for %s", from)
	}
	n := newClient(t, base)
	baseURL, _ := url.Parse(base)
	n.hc.Jar.SetCookies(baseURL, cookies)
	return n
}

// jobRun is a job's row in job_runs.
type jobRun struct {
	Runs     int
	Finished bool
	Error    *string
}

func (w *world) jobRun(t *testing.T, name string) jobRun {
	t.Helper()
	var r jobRun
	err := w.DB.QueryRow(`SELECT runs, last_finished_at >= last_started_at, last_error FROM job_runs WHERE name = $1`, name).
		Scan(&r.Runs, &r.Finished, &r.Error)
	if err != nil {
		t.Fatalf("job_runs %s: %v", name, err)
	}
	return r
}

const dailyJob = "quality-daily"

// TestTwoInstancesOnOneDatabase runs two portals on one database, as behind a load
// balancer: a session made on one works on the other (and ends on both), and the daily
// job runs once per day however many instances try.
func TestTwoInstancesOnOneDatabase(t *testing.T) {
	w := newWorld(t)
	u := w.newProvider(t, "Two Instance Care Ltd", "shared@instances.example.org")
	a := startPortal(t, "portal A", w.settings)
	b := startPortal(t, "portal B", w.settings)

	t.Run("a session made on one instance works on the other", func(t *testing.T) {
		ca := newClient(t, a.URL)
		w.signIn(t, ca, u.Email, u.Password)
		cb := withSession(t, ca, a.URL, b.URL)
		for _, c := range []*client{ca, cb} {
			p := c.mustGet(t, "/provider", http.StatusOK)
			if got := p.Doc.Find(".app-account__user").Text(); !strings.Contains(got, "Two Instance Care Ltd") {
				t.Errorf("%s/provider: account line %q, want the user's organisation", c.base, strings.TrimSpace(got))
			}
		}
		// A form loaded from A is accepted by B: the CSRF token lives with the session.
		cb.mustPost(t, contactsPath, contactsForm(t, ca, "Saved Through B"), http.StatusSeeOther)
		if name, _, _ := w.contactsSaved(t, u.OrgID); name != "Saved Through B" {
			t.Errorf("stored key contact %q, want the one saved through B", name)
		}
		// Signing out on B ends the session everywhere.
		stale := withSession(t, ca, a.URL, a.URL)
		cb.mustPost(t, "/sign-out", cb.mustGet(t, "/provider", http.StatusOK).form(t, "/sign-out"), http.StatusSeeOther)
		if p := stale.mustGet(t, "/provider", http.StatusSeeOther); !strings.HasPrefix(p.Location, "/sign-in") {
			t.Errorf("A after signing out on B: redirected to %q, want the sign-in page", p.Location)
		}
	})

	t.Run("the daily job runs once", func(t *testing.T) {
		// Both schedulers run every due job as they start; one of them ran the daily job.
		eventually(t, time.Minute, "the daily job's first run to finish", func() (bool, error) {
			return w.count(t, `SELECT count(*) FROM job_runs WHERE name = $1 AND last_finished_at IS NOT NULL`, dailyJob) == 1, nil
		})
		if r := w.jobRun(t, dailyJob); r.Runs != 1 || r.Error != nil {
			t.Fatalf("after both instances started: %+v, want one run without error", r)
		}

		// A day later the job is due again. Hold its row while making it due, so whoever
		// claims it first (holding the job's advisory lock) waits; meanwhile two more
		// processes run the scheduler's pass (`portal jobs run-due`) beside A and B.
		tx, err := w.DB.BeginTxx(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec(`UPDATE job_runs SET last_started_at = last_started_at - interval '25 hours' WHERE name = $1`, dailyJob); err != nil {
			t.Fatal(err)
		}
		runners := []*portal{runPortal(t, "run-due 1", w.settings, "jobs", "run-due"), runPortal(t, "run-due 2", w.settings, "jobs", "run-due")}
		claims := func() int {
			return w.count(t, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
				AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO job_runs%'`)
		}
		// At most one contender can be waiting to claim it: the other run-due process
		// found the job locked and went on, and finishes.
		eventually(t, time.Minute, "one claim to wait and a run-due process to finish", func() (bool, error) {
			n := claims()
			if n > 1 {
				t.Fatalf("%d processes are claiming the daily job at once, want 1", n)
			}
			return n == 1 && (runners[0].exited() || runners[1].exited()), nil
		})
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		ran := 0
		for _, r := range runners {
			if code := r.wait(t, time.Minute); code != 0 {
				t.Fatalf("%s exited %d:\n%s", r.name, code, r.out.Tail(20))
			}
			ran += strings.Count(r.out.String(), dailyJob+": ran")
		}
		eventually(t, time.Minute, "the second day's run to finish", func() (bool, error) {
			r := w.jobRun(t, dailyJob)
			return r.Runs == 2 && r.Finished, nil
		})
		if r := w.jobRun(t, dailyJob); r.Runs != 2 || r.Error != nil || ran > 1 {
			t.Fatalf("after the second day: %+v, run-due processes that ran it: %d; want exactly one more run, without error", r, ran)
		}

		// Run again the same day: not due, so nothing runs.
		again := runPortal(t, "run-due 3", w.settings, "jobs", "run-due")
		if code := again.wait(t, time.Minute); code != 0 {
			t.Fatalf("run-due 3 exited %d:\n%s", code, again.out.Tail(20))
		}
		if out := again.out.String(); !strings.Contains(out, dailyJob+": not due") {
			t.Errorf("run-due on the same day said:\n%s\nwant the daily job not due", out)
		}
		if r := w.jobRun(t, dailyJob); r.Runs != 2 {
			t.Errorf("after a second pass on the same day: %+v, want still 2 runs", r)
		}
	})
}
