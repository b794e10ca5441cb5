package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/cli/wire"
	"github.com/council/provider-portal/internal/config"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/jobs"
	"github.com/council/provider-portal/internal/notify"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/vault"
	"github.com/council/provider-portal/internal/web"
)

// services are the wired services (wire.Services) with the commands' own behaviour: serving,
// the periodic jobs.
type services struct{ *wire.Services }

// build opens the database named by the configuration and wires the services over it.
func build(ctx context.Context, cfg *config.Config, log *slog.Logger) (*services, error) {
	v, err := vault.ParseKeys(cfg.DataKey)
	if err != nil {
		return nil, fmt.Errorf("PORTAL_DATA_KEY: %w", err)
	}
	table, err := provider.LoadModulusTable(cfg.ModulusDir)
	if err != nil {
		return nil, err
	}
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	return &services{wire.New(cfg, d, v, table, log, time.Now)}, nil
}

// run serves the web app, the metrics listener and the periodic jobs until ctx ends, then
// shuts down gracefully: in-flight requests finish, new ones are refused.
func (s *services) run(ctx context.Context, ready func()) error {
	metrics := web.NewMetrics(s.DB.DB)
	app, err := s.App(metrics)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", s.Config.Port))
	if err != nil {
		return fmt.Errorf("listen on port %d: %w (is another portal running? set PORT to use another port)", s.Config.Port, err)
	}
	jobCtx, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	go s.scheduler().Start(jobCtx)

	var metricsSrv *http.Server
	if s.Config.MetricsAddr != "" {
		metricsSrv = &http.Server{Addr: s.Config.MetricsAddr, Handler: metricsMux(metrics.Handler(), s.Config.Profiling),
			ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := metricsSrv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.Log.Warn("metrics listener stopped", "addr", s.Config.MetricsAddr, "error", err)
			}
		}()
	}
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	s.Log.Info("serving", "port", s.Config.Port, "base_url", s.Config.BaseURL.String(), "env", s.Config.Env)
	if ready != nil {
		ready()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Log.Info("shutting down: finishing requests in flight")
	stopJobs()
	if metricsSrv != nil {
		_ = metricsSrv.Close()
	}
	if err := app.ShutdownWithTimeout(30 * time.Second); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// metricsMux is the metrics listener's handler: the Prometheus metrics, and Go's profiles
// only when PORTAL_PROFILING asks for them, since a profile shows the program's internals.
func metricsMux(metrics http.Handler, profiling bool) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/metrics", metrics)
	if profiling {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	}
	return mux
}

func (s *services) scheduler() *jobs.Scheduler {
	mailer := &notify.Mailer{DB: s.DB, SMTP: s.Config.SMTPURL, From: s.Config.MailFrom, Log: s.Log}
	return &jobs.Scheduler{DB: s.DB, Log: s.Log, Jobs: []jobs.Job{
		{Name: "send-mail", Interval: 10 * time.Second, Run: func(ctx context.Context) error {
			_, err := mailer.SendPending(ctx, 100)
			return err
		}},
		{Name: "expire-sessions", Interval: time.Hour, Run: func(ctx context.Context) error {
			_, err := auth.DeleteExpiredSessions(ctx, s.DB, s.Auth.Timeouts)
			return err
		}},
		// Forms kept after a timeout live an hour (auth.UnsentFormLifetime); gone within minutes after.
		{Name: "expire-unsent-forms", Interval: 5 * time.Minute, Run: func(ctx context.Context) error {
			_, err := auth.DeleteExpiredUnsentForms(ctx, s.DB, time.Now())
			return err
		}},
		{Name: "expire-bank-detail-changes", Interval: 15 * time.Minute, Run: func(ctx context.Context) error {
			_, err := s.Finance.ExpireOverdue(audit.WithActor(ctx, audit.System))
			return err
		}},
		// Gives bank details written before account matching began their keyed hash.
		{Name: "bank-account-matches", Interval: 10 * time.Minute, Run: func(ctx context.Context) error {
			_, err := s.Finance.FillAccountMatches(ctx, 500)
			return err
		}},
		{Name: "open-bank-detail-verifications", Interval: 10 * time.Minute, Run: func(ctx context.Context) error {
			_, err := s.Finance.OpenInitialRequests(audit.WithActor(ctx, audit.System))
			return err
		}},
		// Emails staff about new work: at once for those who chose it, and each weekday
		// morning for those taking the digest (internal/workqueue).
		{Name: "work-email", Interval: 5 * time.Minute, Run: func(ctx context.Context) error {
			_, err := s.Work.Notify(ctx)
			return err
		}},
		// Deletes certificates uploaded with a refused save and never used (kept a day for the
		// provider to come back to the page).
		{Name: "tidy-pending-uploads", Interval: time.Hour, Run: func(ctx context.Context) error {
			_, err := s.Providers.TidyPendingUploads(audit.WithActor(ctx, audit.System), s.Documents, s.Clock(), 500)
			return err
		}},
		// Folds the directory's counts (kept by a trigger as providers change) into one row each.
		{Name: "compact-directory-counts", Interval: 5 * time.Minute, Run: func(ctx context.Context) error {
			_, err := provider.CompactDirectoryCounts(ctx, s.DB)
			return err
		}},
		retentionSweepJob(s.Retention),
		s.auditCheckpointJob(),
		// Rates every provider's compliance for the directory, then sends the insurance, DBS and
		// contract-end reminders; each reminder goes once (reminders_sent), however often it runs.
		{Name: "quality-daily", Interval: 24 * time.Hour, Run: func(ctx context.Context) error {
			return s.Quality.Daily(audit.WithActor(ctx, audit.System))
		}},
	}}
}

// operatorServices is what an operator's command (users, import, jobs) starts from: the
// configuration a server would use, the services built from it, and a context in which audit
// events name the operating-system user who ran the command. The caller closes s.DB.
func operatorServices(ctx context.Context, env Env) (*services, context.Context, error) {
	cfg, err := config.Load(env.Getenv, true)
	if err != nil {
		return nil, ctx, err
	}
	s, err := build(ctx, cfg, newLogger(env.Stderr, cfg.LogLevel))
	if err != nil {
		return nil, ctx, err
	}
	return s, audit.WithActor(ctx, audit.Actor{Email: "portal-cli:" + osUser(env), Roles: []string{"operator"}}), nil
}

// auditCheckpointJob seals the head of the audit trail daily and puts the line outside the
// database: in the log, and in an email to the data protection officer. Kept there, it shows
// events later deleted from the end of the trail (`portal audit verify --checkpoint`).
func (s *services) auditCheckpointJob() jobs.Job {
	return jobs.Job{Name: "audit-checkpoint", Interval: 24 * time.Hour, Run: func(ctx context.Context) error {
		if s.Config.AuditKey == nil {
			return nil // a development database without a key: nothing to seal with
		}
		c, err := audit.MakeCheckpoint(ctx, s.DB)
		if apperr.Is(err, apperr.NotFound) {
			return nil // nothing recorded yet
		}
		if err != nil {
			return err
		}
		s.Log.Info("audit checkpoint", "checkpoint", c.String())
		return notify.Enqueue(ctx, s.DB, notify.Message{To: s.Config.Council.DPOEmail, Kind: "audit_checkpoint",
			Subject: "Provider Portal audit trail checkpoint",
			Body: "This is today's checkpoint of the Provider Portal audit trail. Keep this email: it lets you check, later,\n" +
				"that no audit events were removed or changed since today.\n\n" + c.String() + "\n\n" +
				"To check the trail against it, run:\n\n  portal audit verify --checkpoint '" + c.String() + "'\n"})
	}}
}
