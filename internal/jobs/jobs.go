// Package jobs runs the portal's periodic work (sending mail, clearing expired sessions,
// the daily reminders and retention sweep). Every instance runs the scheduler; a job runs on
// one instance at a time, and no more often than its interval, because it is claimed under
// a PostgreSQL advisory lock against the job_runs table.
package jobs

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
)

// Job is a named piece of periodic work.
type Job struct {
	Name     string
	Interval time.Duration
	Run      func(ctx context.Context) error
}

// Scheduler checks its jobs on every tick and runs those that are due.
type Scheduler struct {
	DB   *sqlx.DB
	Log  *slog.Logger
	Jobs []Job
	Tick time.Duration
}

// Start runs until ctx is cancelled.
func (s *Scheduler) Start(ctx context.Context) {
	tick := s.Tick
	if tick == 0 {
		tick = 15 * time.Second
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		for _, j := range s.Jobs {
			if ctx.Err() != nil {
				return
			}
			if _, err := RunIfDue(ctx, s.DB, j); err != nil {
				s.Log.Error("job failed", "job", j.Name, "error", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("job:" + name))
	return int64(h.Sum64())
}

// RunIfDue runs j if no other instance is running it and its interval has passed since it
// last started. It reports whether it ran.
func RunIfDue(ctx context.Context, d *sqlx.DB, j Job) (ran bool, err error) {
	conn, err := d.Connx(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var locked bool
	if err := conn.GetContext(ctx, &locked, `SELECT pg_try_advisory_lock($1)`, lockKey(j.Name)); err != nil {
		return false, fmt.Errorf("lock job %s: %w", j.Name, err)
	}
	if !locked {
		return false, nil
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockKey(j.Name))

	res, err := conn.ExecContext(ctx, `
		INSERT INTO job_runs (name, last_started_at, runs) VALUES ($1, now(), 1)
		ON CONFLICT (name) DO UPDATE SET last_started_at = now(), runs = job_runs.runs + 1
		WHERE job_runs.last_started_at <= now() - $2 * interval '1 second'`, j.Name, j.Interval.Seconds())
	if err != nil {
		return false, fmt.Errorf("claim job %s: %w", j.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	runErr := j.Run(ctx)
	var msg any
	if runErr != nil {
		msg = runErr.Error()
	}
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), `UPDATE job_runs SET last_finished_at = now(), last_error = $2 WHERE name = $1`, j.Name, msg); err != nil {
		return true, fmt.Errorf("record job %s: %w", j.Name, err)
	}
	return true, runErr
}
