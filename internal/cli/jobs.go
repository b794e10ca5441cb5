package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/council/provider-portal/internal/jobs"
)

// jobsCmd is "portal jobs run-due": one pass of the scheduler that `portal serve` runs,
// then exit. Each periodic job runs if it is due and no instance is running it, under the
// same advisory lock and job_runs claim as the server's scheduler, so it is safe beside
// running servers, from cron, or (as the fault tests do) from several processes at once.
// It prints one line per job and fails if any job that ran failed.
func jobsCmd(ctx context.Context, args []string, env Env) error {
	if len(args) != 1 || args[0] != "run-due" {
		return usagef("say run-due")
	}
	s, ctx, err := operatorServices(ctx, env)
	if err != nil {
		return err
	}
	defer s.DB.Close()
	var failed []error
	for _, j := range s.scheduler().Jobs {
		ran, err := jobs.RunIfDue(ctx, s.DB, j)
		switch {
		case err != nil:
			fmt.Fprintf(env.Stdout, "%s: failed: %v\n", j.Name, err)
			failed = append(failed, fmt.Errorf("%s: %w", j.Name, err))
		case ran:
			fmt.Fprintf(env.Stdout, "%s: ran\n", j.Name)
		default:
			fmt.Fprintf(env.Stdout, "%s: not due, or running elsewhere\n", j.Name)
		}
	}
	return errors.Join(failed...)
}
