// Package wire builds the portal's services once, from the configuration, for every way
// the portal runs: the server, the operator commands (internal/cli) and the test harness
// (internal/webtest). It is apart from cli so the harness can use the same wiring without
// depending on the commands (which load demonstration data that is itself tested through
// the harness).
package wire

import (
	"context"
	"log/slog"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/config"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/membership"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/regulator"
	"github.com/council/provider-portal/internal/retention"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
	"github.com/council/provider-portal/internal/web"
	"github.com/council/provider-portal/internal/workqueue"
	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"
)

// Services are the portal's capability services, built once from the configuration and
// handed to the web app, the periodic jobs and the operator commands, so every path runs the
// same rules on the same clock. The test harness (internal/webtest) builds the portal through
// New too, rather than a copy of it.
type Services struct {
	Config *config.Config
	DB     *sqlx.DB
	Vault  *vault.Vault
	Log    *slog.Logger
	// Clock is the one clock every service reads "now" and "today" from.
	Clock     func() time.Time
	Modulus   *ukid.ModulusTable
	Documents document.Store
	Auth      *auth.Service
	Providers *provider.Service
	Finance   *finance.Service
	Contracts *contract.Service
	Quality   *quality.Service
	Members   *membership.Service
	Retention *retention.Service
	Importer  *importer.Service
	// ImportJobs keeps the background import jobs the web app starts.
	ImportJobs *importer.Jobs
	// Work emails staff about new work and keeps their choice of how often.
	Work *workqueue.Service
	// Regulator checks and applies Ofsted's and the CQC's published files.
	Regulator *regulator.Service
}

// New builds every service over an open database, once.
func New(cfg *config.Config, d *sqlx.DB, v *vault.Vault, modulus *ukid.ModulusTable, log *slog.Logger, clock func() time.Time) *Services {
	audit.UseKey(cfg.AuditKey)
	docs := document.PostgresStore{}
	providers := &provider.Service{DB: d, Vault: v, Checks: provider.ChecksAt(modulus, clock), BaseURL: cfg.BaseURL}
	authn := &auth.Service{DB: d, Vault: v, Throttle: auth.DefaultThrottle, BaseURL: cfg.BaseURL, Now: clock,
		Timeouts: auth.SessionTimeouts{Idle: cfg.SessionIdle, Absolute: cfg.SessionAbsolute}, ProviderAppRequired: cfg.ProviderAppRequired,
		Issuer: "Provider Portal (" + cfg.Council.Name + ")"}
	fin := &finance.Service{DB: d, Vault: v, Providers: providers, Modulus: modulus, Documents: docs,
		BaseURL: cfg.BaseURL, CouncilPhone: cfg.Council.Phone, Now: clock, MatchKey: finance.MatchKeyFrom(cfg.AuditKey),
		ContractActivity: contract.OrganisationsActiveSince, NFIDisclosed: RecordNFIDisclosure}
	qa := &quality.Service{DB: d, Documents: docs, BaseURL: cfg.BaseURL, Now: clock}
	// Decisions that change what the compliance rules read re-rate the provider in their own
	// transaction, so the directory, dashboard and provider page never disagree.
	providers.ApprovedChanged = qa.RefreshRating
	contracts := &contract.Service{DB: d, Documents: docs, BaseURL: cfg.BaseURL, Now: clock, AcceptedChanged: qa.RefreshRating,
		Assessments: contract.ConfirmedAssessments{},
		Publishing: contract.Publishing{OCIDPrefix: cfg.OCDS.OCIDPrefix, BuyerIdentifier: cfg.OCDS.BuyerIdentifier,
			License: cfg.OCDS.License, PublicationPolicy: cfg.OCDS.PublicationPolicy}}
	return &Services{Config: cfg, DB: d, Vault: v, Log: log, Clock: clock, Modulus: modulus, Documents: docs,
		Providers: providers,
		Auth:      authn,
		Members:   &membership.Service{DB: d, Auth: authn, BaseURL: cfg.BaseURL},
		Finance:   fin,
		Contracts: contracts,
		Quality:   qa,
		Retention: &retention.Service{DB: d, Clock: clock},
		Importer: &importer.Service{DB: d, Vault: v, Checks: providers.Checks, BaseURL: cfg.BaseURL, Now: clock,
			Providers: providers, Finance: fin},
		ImportJobs: &importer.Jobs{DB: d, Vault: v},
		Work:       &workqueue.Service{DB: d, BaseURL: cfg.BaseURL, Now: clock, Settle: 2 * time.Minute, DigestHour: 7},
		Regulator:  &regulator.Service{DB: d, Refresh: quality.RefreshProvider, BaseURL: cfg.BaseURL, Now: clock},
	}
}

// App is the web app over these services.
func (s *Services) App(metrics *web.Metrics) (*fiber.App, error) {
	return web.New(web.Deps{Config: s.Config, DB: s.DB, Log: s.Log, Metrics: metrics, Clock: s.Clock, Documents: s.Documents,
		Auth: s.Auth, Members: s.Members, Providers: s.Providers, Finance: s.Finance, Contracts: s.Contracts, Quality: s.Quality,
		Retention: s.Retention, Importer: s.Importer, ImportJobs: s.ImportJobs, Work: s.Work, Regulator: s.Regulator})
}

// RecordNFIDisclosure logs a complete NFI export in privacy's disclosure log, in finance's
// transaction that audits it: finance and privacy sit side by side and may not import each
// other, so the wiring joins them.
func RecordNFIDisclosure(ctx context.Context, tx *sqlx.Tx, f finance.NFIFile) error {
	return privacy.RecordNFIDisclosure(ctx, tx, privacy.NFIDisclosure{On: f.On, Rows: f.Rows, Filename: f.Filename})
}
