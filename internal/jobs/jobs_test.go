package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/jobs"
	"github.com/jmoiron/sqlx"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type jobRun struct {
	Runs      int64      `db:"runs"`
	Started   time.Time  `db:"last_started_at"`
	Finished  *time.Time `db:"last_finished_at"`
	LastError *string    `db:"last_error"`
}

func jobRow(t *testing.T, d *sqlx.DB, name string) jobRun {
	t.Helper()
	var r jobRun
	if err := d.Get(&r, `SELECT runs, last_started_at, last_finished_at, last_error FROM job_runs WHERE name = $1`, name); err != nil {
		t.Fatalf("job_runs row for %s: %v", name, err)
	}
	return r
}

// makeDue moves the job's last start back beyond any interval, as if time had passed.
func makeDue(t *testing.T, d *sqlx.DB, name string) {
	t.Helper()
	if _, err := d.Exec(`UPDATE job_runs SET last_started_at = now() - interval '1 day' WHERE name = $1`, name); err != nil {
		t.Fatal(err)
	}
}

// openPools gives n separate pools on one test database, like n portal instances.
func openPools(t *testing.T, n int) []*sqlx.DB {
	t.Helper()
	url := dbtest.URL(t)
	pools := make([]*sqlx.DB, n)
	for i := range pools {
		d, err := db.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		pools[i] = d
	}
	return pools
}

func TestRunIfDueRunsOncePerInterval(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	var runs atomic.Int64
	job := jobs.Job{Name: "hourly", Interval: time.Hour, Run: func(context.Context) error {
		runs.Add(1)
		return nil
	}}

	steps := []struct {
		name     string
		before   func()
		wantRan  bool
		wantRuns int64
	}{
		{"first call runs it", func() {}, true, 1},
		{"again at once: not due", func() {}, false, 1},
		{"and again: still not due", func() {}, false, 1},
		{"after the interval has passed", func() { makeDue(t, d, job.Name) }, true, 2},
		{"straight after that run", func() {}, false, 2},
	}
	for _, s := range steps {
		s.before()
		ran, err := jobs.RunIfDue(ctx, d, job)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if ran != s.wantRan || runs.Load() != s.wantRuns {
			t.Fatalf("%s: ran=%v with %d runs, want ran=%v with %d", s.name, ran, runs.Load(), s.wantRan, s.wantRuns)
		}
	}
	r := jobRow(t, d, job.Name)
	if r.Runs != 2 || r.Finished == nil || r.LastError != nil {
		t.Errorf("job_runs = %+v, want 2 runs, finished, no error", r)
	}
}

func TestJobsAreTrackedSeparately(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	counts := map[string]int{}
	job := func(name string) jobs.Job {
		return jobs.Job{Name: name, Interval: time.Hour, Run: func(context.Context) error { counts[name]++; return nil }}
	}
	for _, name := range []string{"a", "b", "a", "b", "c"} {
		if _, err := jobs.RunIfDue(ctx, d, job(name)); err != nil {
			t.Fatal(err)
		}
	}
	if counts["a"] != 1 || counts["b"] != 1 || counts["c"] != 1 {
		t.Errorf("runs = %v, want each job once", counts)
	}
}

func TestConcurrentCallersRunTheJobOnce(t *testing.T) {
	t.Parallel()
	const instances = 6
	pools := openPools(t, instances)
	var runs atomic.Int64
	job := jobs.Job{Name: "daily-reminders", Interval: 24 * time.Hour, Run: func(context.Context) error {
		runs.Add(1)
		return nil
	}}

	start := make(chan struct{})
	var wg sync.WaitGroup
	var ranCount atomic.Int64
	errs := make(chan error, instances)
	for _, d := range pools {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ran, err := jobs.RunIfDue(context.Background(), d, job)
			if err != nil {
				errs <- err
			}
			if ran {
				ranCount.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if runs.Load() != 1 || ranCount.Load() != 1 {
		t.Errorf("job ran %d times (%d callers said they ran it), want exactly once", runs.Load(), ranCount.Load())
	}
	if r := jobRow(t, pools[0], job.Name); r.Runs != 1 {
		t.Errorf("job_runs.runs = %d, want 1", r.Runs)
	}
}

// With no interval the job is always due, so only the advisory lock keeps a second
// instance from running it while the first still is.
func TestRunningJobIsNotStartedByAnotherInstance(t *testing.T) {
	t.Parallel()
	pools := openPools(t, 2)
	started := make(chan struct{})
	release := make(chan struct{})
	var runs atomic.Int64
	blocking := jobs.Job{Name: "sweep", Run: func(context.Context) error {
		if runs.Add(1) == 1 {
			close(started)
			<-release
		}
		return nil
	}}

	type result struct {
		ran bool
		err error
	}
	first := make(chan result, 1)
	go func() {
		ran, err := jobs.RunIfDue(context.Background(), pools[0], blocking)
		first <- result{ran, err}
	}()
	<-started

	ran, err := jobs.RunIfDue(context.Background(), pools[1], blocking)
	if err != nil || ran {
		t.Errorf("second instance while the job runs: ran=%v err=%v, want not run", ran, err)
	}
	if runs.Load() != 1 {
		t.Errorf("job started %d times while running, want 1", runs.Load())
	}
	close(release)
	if r := <-first; r.err != nil || !r.ran {
		t.Fatalf("first instance: ran=%v err=%v, want ran", r.ran, r.err)
	}

	// The lock was released with the run, so the other instance may run it now.
	ran, err = jobs.RunIfDue(context.Background(), pools[1], blocking)
	if err != nil || !ran || runs.Load() != 2 {
		t.Errorf("after the first run ended: ran=%v err=%v runs=%d, want a second run", ran, err, runs.Load())
	}
}

func TestFailingJobRecordsItsError(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	errSMTP := errors.New("smtp server unreachable")
	fail := true
	job := jobs.Job{Name: "send-mail", Interval: time.Minute, Run: func(context.Context) error {
		if fail {
			return errSMTP
		}
		return nil
	}}

	ran, err := jobs.RunIfDue(ctx, d, job)
	if !ran || !errors.Is(err, errSMTP) {
		t.Fatalf("RunIfDue = %v, %v; want ran with the job's error", ran, err)
	}
	r := jobRow(t, d, job.Name)
	if r.LastError == nil || *r.LastError != errSMTP.Error() || r.Finished == nil {
		t.Fatalf("job_runs after failure = %+v, want last_error %q and a finish time", r, errSMTP)
	}

	// A failed run still counts: it is not retried before its interval.
	if ran, err := jobs.RunIfDue(ctx, d, job); ran || err != nil {
		t.Errorf("straight after a failure: ran=%v err=%v, want not due", ran, err)
	}

	fail = false
	makeDue(t, d, job.Name)
	if ran, err := jobs.RunIfDue(ctx, d, job); !ran || err != nil {
		t.Fatalf("after recovery: ran=%v err=%v", ran, err)
	}
	if r := jobRow(t, d, job.Name); r.LastError != nil || r.Runs != 2 {
		t.Errorf("job_runs after a successful run = %+v, want the error cleared and 2 runs", r)
	}
}

func TestSchedulersOnTwoInstancesRunAJobOnce(t *testing.T) {
	t.Parallel()
	pools := openPools(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var runs atomic.Int64
	// Cancelling from inside the job stops both schedulers after this first pass.
	once := jobs.Job{Name: "retention-sweep", Interval: 24 * time.Hour, Run: func(context.Context) error {
		runs.Add(1)
		cancel()
		return nil
	}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	var wg sync.WaitGroup
	for _, d := range pools {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &jobs.Scheduler{DB: d, Log: log, Jobs: []jobs.Job{once}, Tick: time.Millisecond}
			s.Start(ctx)
		}()
	}
	wg.Wait()
	if runs.Load() != 1 {
		t.Errorf("job ran %d times across two schedulers, want 1", runs.Load())
	}
	if r := jobRow(t, pools[0], once.Name); r.Runs != 1 {
		t.Errorf("job_runs.runs = %d, want 1", r.Runs)
	}
}

func TestSchedulerKeepsGoingAfterAFailure(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var order []string
	s := &jobs.Scheduler{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Tick: time.Millisecond, Jobs: []jobs.Job{
		{Name: "broken", Interval: time.Hour, Run: func(context.Context) error {
			order = append(order, "broken")
			return errors.New("broken")
		}},
		{Name: "healthy", Interval: time.Hour, Run: func(context.Context) error {
			order = append(order, "healthy")
			cancel()
			return nil
		}},
	}}
	s.Start(ctx)
	if len(order) != 2 || order[0] != "broken" || order[1] != "healthy" {
		t.Errorf("jobs run = %v, want broken then healthy", order)
	}
}
