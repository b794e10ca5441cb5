package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/jobs"
	"github.com/council/provider-portal/internal/retention"
)

// retentionSweepJob is the daily sweep: it lists what the retention schedule says is due for
// destruction into proposals for the data protection officer. It destroys nothing itself.
func retentionSweepJob(r *retention.Service) jobs.Job {
	return jobs.Job{Name: "retention-sweep", Interval: 24 * time.Hour, Run: func(ctx context.Context) error {
		_, err := r.Sweep(audit.WithActor(ctx, audit.System))
		return err
	}}
}

// retentionCmd runs the sweep now ("portal retention sweep") and prints what is due in each
// category, for an operator who wants to see the effect of a rule before the daily run.
func retentionCmd(ctx context.Context, args []string, env Env) error {
	if len(args) != 1 || args[0] != "sweep" {
		return usagef("say sweep")
	}
	s, ctx, err := operatorServices(ctx, env)
	if err != nil {
		return err
	}
	defer s.DB.Close()
	res, err := s.Retention.Sweep(ctx)
	if err != nil {
		return err
	}
	for _, c := range retention.ScheduledCategories() {
		fmt.Fprintf(env.Stdout, "%-28s %d due\n", c.Name, res.Due[c.Key])
	}
	fmt.Fprintln(env.Stdout, "Nothing was destroyed: the data protection officer approves each proposal in the portal.")
	return nil
}
