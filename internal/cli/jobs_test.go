package cli_test

import (
	"strings"
	"testing"
)

func TestJobsRunDueRunsEachJobOncePerInterval(t *testing.T) {
	t.Parallel()
	env, d := portalEnv(t)
	tests := []struct {
		name     string
		wantLine string // for the daily job
		wantRuns int
	}{
		{"first pass runs the daily job", "quality-daily: ran", 1},
		{"second pass finds the daily job not due", "quality-daily: not due, or running elsewhere", 1},
	}
	for _, tc := range tests {
		res := run(t, env, nil, "jobs", "run-due")
		if res.code != 0 {
			t.Fatalf("%s: exit %d\nstdout %s\nstderr %s", tc.name, res.code, res.stdout, res.stderr)
		}
		if !strings.Contains(res.stdout, tc.wantLine+"\n") {
			t.Errorf("%s: printed\n%s\nwant the line %q", tc.name, res.stdout, tc.wantLine)
		}
		var runs int
		if err := d.Get(&runs, `SELECT runs FROM job_runs WHERE name = 'quality-daily'`); err != nil {
			t.Fatal(err)
		}
		if runs != tc.wantRuns {
			t.Errorf("%s: job_runs says %d runs, want %d", tc.name, runs, tc.wantRuns)
		}
	}
}

func TestJobsNeedsRunDue(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"jobs"}, {"jobs", "run"}, {"jobs", "run-due", "extra"}} {
		if res := run(t, map[string]string{}, nil, args...); res.code != 2 || !strings.Contains(res.stderr, "run-due") {
			t.Errorf("portal %s: exit %d, stderr %q; want exit 2 naming run-due", strings.Join(args, " "), res.code, res.stderr)
		}
	}
}
