// Package web is the portal's web interface: the fiber app, its routes with their access
// rules, middleware, and one handler file per page or action. It is the only package (with
// api) that knows HTTP; handlers decode input, call a capability package and render.
package web

import (
	"log/slog"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/config"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/membership"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/regulator"
	"github.com/council/provider-portal/internal/retention"
	"github.com/council/provider-portal/internal/workqueue"
	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"
	"github.com/valyala/fasthttp"
)

// Server holds what the handlers need.
type Server struct {
	cfg         *config.Config
	db          *sqlx.DB
	auth        *auth.Service
	memberships *membership.Service
	providers   *provider.Service
	finance     *finance.Service
	contracts   *contract.Service
	quality     *quality.Service
	retention   *retention.Service
	importer    *importer.Service
	importJobs  *importer.Jobs
	work        *workqueue.Service
	regulator   *regulator.Service
	// workCounts keeps each person's count of waiting work for a few seconds, for the nav.
	workCounts *workqueue.Counter
	// dashboard keeps the dashboard's figures for a minute (dashboard_figures.go).
	dashboardCache *dashboardCache
	documents      document.Store
	clock          func() time.Time
	log            *slog.Logger
	metrics        *Metrics
	// apiLimits rate-limits the JSON API per token (api_ratelimit.go).
	apiLimits *rateLimiter
	// openDataLimits rate-limits the open data per client address (open_data_ocds.go).
	openDataLimits *rateLimiter
	// refusals counts requests refused by access rules, to audit repeated ones.
	refusals *refusalWatch
}

// Deps are the server's collaborators, wired once by internal/cli/wire (wire.New), which the
// test harness calls too. Handlers use these services; they never build their own.
type Deps struct {
	Config     *config.Config
	DB         *sqlx.DB
	Auth       *auth.Service
	Members    *membership.Service
	Providers  *provider.Service
	Finance    *finance.Service
	Contracts  *contract.Service
	Quality    *quality.Service
	Retention  *retention.Service
	Importer   *importer.Service
	ImportJobs *importer.Jobs
	Work       *workqueue.Service
	Regulator  *regulator.Service
	Documents  document.Store
	// Clock is the services' clock, for the few things the web layer dates itself.
	Clock   func() time.Time
	Log     *slog.Logger
	Metrics *Metrics
}

// New builds the fiber app with every route. Templates are parsed here, once, so a broken
// template stops the start rather than a request.
func New(d Deps) (*fiber.App, error) {
	s := &Server{cfg: d.Config, db: d.DB, auth: d.Auth, memberships: d.Members, providers: d.Providers, finance: d.Finance, contracts: d.Contracts,
		quality: d.Quality, retention: d.Retention, importer: d.Importer, importJobs: d.ImportJobs, work: d.Work, regulator: d.Regulator, documents: d.Documents, clock: d.Clock, log: d.Log, metrics: d.Metrics,
		apiLimits: newRateLimiter(apiRatePerSecond, apiRateBurst, nil), openDataLimits: newRateLimiter(apiRatePerSecond, apiRateBurst, nil)}
	if s.clock == nil {
		s.clock = time.Now
	}
	s.refusals = newRefusalWatch(s.clock)
	s.workCounts = &workqueue.Counter{TTL: 30 * time.Second, Now: s.clock}
	s.dashboardCache = &dashboardCache{maxAge: s.cfg.DashboardRefresh}
	if s.metrics == nil {
		s.metrics = NewMetrics(nil)
	}
	pages, err := loadViews()
	if err != nil {
		return nil, err
	}
	app := fiber.New(fiber.Config{
		AppName:               "Provider Portal",
		Views:                 pages,
		ViewsLayout:           "layouts/base",
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		BodyLimit:             12 << 20, // a 10 MB certificate plus the form around it
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		ProxyHeader:           proxyHeader(d.Config.TrustProxy),
		ReadBufferSize:        16 << 10,
	})
	s.mount(app)
	warmRenderer(app)
	return app, nil
}

// warmRenderer renders once before any request: fiber fills its list of mounted apps on
// the first render, without a lock, so two first renders at once race (the race detector
// caught it under parallel browser tests). The render's own result does not matter.
func warmRenderer(app *fiber.App) {
	c := app.AcquireCtx(&fasthttp.RequestCtx{})
	defer app.ReleaseCtx(c)
	_ = c.Render("pages/cookies", nil)
}

func proxyHeader(trust bool) string {
	if trust {
		return fiber.HeaderXForwardedFor
	}
	return ""
}
