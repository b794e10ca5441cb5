// Package loadbench is `make bench`'s load benchmark: it starts a private PostgreSQL, seeds
// it with `portal seed`, runs the portal binary as in production, and measures with a
// closed-loop load generator on loopback the pages officers use most (the directory's first
// and a deep page, a provider's page, the dashboard), signing in and, after those, providers
// saving a section of their record; for each page and the save it runs the statements one
// request ran, as PostgreSQL logged them, through pgbench at the same concurrency, to show
// what the portal adds to its queries. It then grows the register to 100,000 providers and
// measures again, and times the supplier payment export with the portal's peak memory. It
// prints a Markdown table with the targets (issue 17) marked met or missed: a miss is
// reported, never a failure; only a failure of the harness itself is.
package loadbench

import (
	"cmp"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/devdb"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
)

// Options say what to measure and for how long.
type Options struct {
	Clients        int
	Warmup, Window time.Duration
	// MaxWindow is how far the window may stretch for a page slower than it.
	MaxWindow time.Duration
	// Small and Large are the register sizes the scenarios run at; Mid is where the first
	// export runs, for the memory comparison with the export at Large.
	Small, Mid, Large int
	// ContractsPer is how many providers there are per contract.
	ContractsPer int
	// DeepPage is the directory page the deep-page scenario reads (or the last, if fewer).
	DeepPage       int
	SigninAccounts int
	Pgbench        string
	// Portal is a portal binary to use; empty builds one.
	Portal string
	Seed   int64
	// Log receives progress; the report is written to Out.
	Log, Out io.Writer
}

// DefaultOptions are the full benchmark's: about fifteen minutes on two cores.
func DefaultOptions() Options {
	return Options{Clients: 32, Warmup: 2 * time.Second, Window: 10 * time.Second, MaxWindow: 60 * time.Second, Small: 1000, Mid: 10000, Large: 100000,
		ContractsPer: 5, DeepPage: 50, SigninAccounts: 800, Pgbench: "/usr/bin/pgbench", Seed: 20260101}
}

// QuickOptions are a small run, for trying the harness: a minute or two.
func QuickOptions() Options {
	o := DefaultOptions()
	o.Warmup, o.Window, o.MaxWindow, o.Small, o.Mid, o.Large, o.DeepPage, o.SigninAccounts = time.Second, 3*time.Second, 15*time.Second, 300, 1000, 3000, 10, 200
	return o
}

// Main parses the flags and runs the benchmark, returning the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "a small, short run (300 → 3,000 providers, 3 s a scenario)")
	o := DefaultOptions()
	fs.IntVar(&o.Clients, "clients", o.Clients, "concurrent clients (and pgbench -c)")
	fs.DurationVar(&o.Warmup, "warmup", o.Warmup, "warm-up before each measurement")
	fs.DurationVar(&o.Window, "duration", o.Window, "how long each scenario is measured")
	fs.DurationVar(&o.MaxWindow, "max-duration", o.MaxWindow, "how far the measurement may stretch for a page slower than --duration")
	fs.IntVar(&o.Small, "small", o.Small, "providers at the first size")
	fs.IntVar(&o.Mid, "mid", o.Mid, "providers at the first export (0: none)")
	fs.IntVar(&o.Large, "large", o.Large, "providers at the second size")
	fs.IntVar(&o.DeepPage, "deep-page", o.DeepPage, "the directory page the deep-page scenario reads")
	fs.IntVar(&o.SigninAccounts, "signin-accounts", o.SigninAccounts, "staff accounts the sign-in scenario takes turns with")
	fs.StringVar(&o.Pgbench, "pgbench", o.Pgbench, "the pgbench program")
	fs.StringVar(&o.Portal, "portal", "", "a portal binary to run (default: build one)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *quick {
		q := QuickOptions()
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		keep := func(name string, v *int, qv int) {
			if !set[name] {
				*v = qv
			}
		}
		keep("small", &o.Small, q.Small)
		keep("mid", &o.Mid, q.Mid)
		keep("large", &o.Large, q.Large)
		keep("deep-page", &o.DeepPage, q.DeepPage)
		keep("signin-accounts", &o.SigninAccounts, q.SigninAccounts)
		if !set["warmup"] {
			o.Warmup = q.Warmup
		}
		if !set["duration"] {
			o.Window = q.Window
		}
		if !set["max-duration"] {
			o.MaxWindow = q.MaxWindow
		}
	}
	if o.Clients < 1 || o.Small < 1 || o.Large < o.Small || (o.Mid != 0 && (o.Mid < o.Small || o.Mid > o.Large)) || o.Window <= 0 {
		fmt.Fprintln(stderr, "loadbench: need clients >= 1, 1 <= small <= mid <= large and a positive duration")
		return 2
	}
	o.Log, o.Out = stderr, stdout
	ctx, stop := signalContext()
	defer stop()
	rep, err := Run(ctx, o)
	if rep != nil {
		rep.Markdown(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "loadbench: %v\n", err)
		return 1
	}
	return 0
}

// bench is one run's state.
type bench struct {
	o         Options
	dir       string
	portalBin string
	dataKey   string
	auditKey  string
	dbURL     string
	pgEnv     []string
	pgLog     string
	pgData    string
	d         *sqlx.DB
	v         *vault.Vault
	providers int
	report    *Report
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.o.Log, "loadbench: "+format+"\n", args...)
}

// Run runs the whole benchmark and returns its report; the report is returned, as far as it
// got, with any error.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if _, err := exec.LookPath(o.Pgbench); err != nil {
		return nil, fmt.Errorf("pgbench: %w", err)
	}
	b := &bench{o: o, report: &Report{Clients: o.Clients, Warmup: o.Warmup, Window: o.Window, Small: o.Small, Large: o.Large}}
	dir, err := devdb.MkdirTemp("loadbench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	b.dir = dir
	b.logf("starting PostgreSQL in %s", dir)
	cluster, err := devdb.Start(ctx, devdb.Options{Dir: filepath.Join(dir, "pg"), Database: "portal", Ephemeral: true})
	if err != nil {
		return nil, err
	}
	defer cluster.Stop(context.WithoutCancel(ctx))
	b.dbURL, b.pgLog, b.pgData = cluster.URL("portal"), cluster.LogPath(), cluster.Dir()
	b.pgEnv = pgEnv(cluster)
	if b.d, err = db.Open(ctx, b.dbURL); err != nil {
		return nil, err
	}
	defer b.d.Close()
	if err := db.MigrateUp(ctx, b.d.DB, nil); err != nil {
		return nil, err
	}
	var pgVersion string
	_ = b.d.GetContext(ctx, &pgVersion, `SHOW server_version`)
	b.report.Environment = fmt.Sprintf("%d CPU cores, %s, PostgreSQL %s", runtime.NumCPU(), runtime.Version(), pgVersion)

	b.dataKey = "bench:" + vault.GenerateKey()
	b.auditKey = vault.GenerateKey()
	if b.v, err = vault.ParseKeys(b.dataKey); err != nil {
		return nil, err
	}
	if b.portalBin = o.Portal; b.portalBin == "" {
		b.logf("building the portal")
		if b.portalBin, err = buildPortal(ctx, dir); err != nil {
			return nil, err
		}
	}
	if err := b.grow(ctx, o.Small); err != nil {
		return b.report, err
	}
	b.logf("creating %d officers, %d sign-in accounts and a finance officer", o.Clients, o.SigninAccounts)
	officers, err := createAccounts(ctx, b.d, b.v, auth.RoleOfficer, "bench.officer", o.Clients)
	if err != nil {
		return b.report, err
	}
	signins, err := createAccounts(ctx, b.d, b.v, auth.RoleOfficer, "bench.signin", o.SigninAccounts)
	if err != nil {
		return b.report, err
	}
	finance, err := createAccounts(ctx, b.d, b.v, auth.RoleFinance, "bench.finance", 1)
	if err != nil {
		return b.report, err
	}
	b.logf("creating %d provider users, each with an organisation in draft, for the write scenario", o.Clients)
	writers, err := createWriters(ctx, b.d, b.v, "bench.writer", o.Clients)
	if err != nil {
		return b.report, err
	}
	if err := b.quietJobs(ctx); err != nil {
		return b.report, err
	}
	srv, err := startPortal(ctx, b.portalBin, b.serveEnv())
	if err != nil {
		return b.report, err
	}
	defer func() { srv.Stop() }()
	b.logf("portal serving at %s (pid %d)", srv.URL, srv.PID())
	transport := NewTransport(o.Clients)
	defer transport.CloseIdleConnections()
	// Each export runs on a freshly started portal, so its peak memory is the export's and
	// not what the sign-in scenario's argon2id hashing left in the heap.
	exportNow := func() error {
		srv.Stop()
		fresh, err := startPortal(ctx, b.portalBin, b.serveEnv())
		if err != nil {
			return err
		}
		srv = fresh
		return b.export(ctx, srv, transport, finance[0])
	}

	if err := b.measure(ctx, srv, officers, signins, writers); err != nil {
		return b.report, b.withLogs(err, srv)
	}
	if o.Mid > 0 && o.Mid < o.Large {
		if err := b.grow(ctx, o.Mid); err != nil {
			return b.report, err
		}
		if err := exportNow(); err != nil {
			return b.report, b.withLogs(err, srv)
		}
	}
	if o.Large > b.providers {
		if err := b.grow(ctx, o.Large); err != nil {
			return b.report, err
		}
		if err := b.measure(ctx, srv, officers, signins, writers); err != nil {
			return b.report, b.withLogs(err, srv)
		}
	}
	if err := exportNow(); err != nil {
		return b.report, b.withLogs(err, srv)
	}
	b.noteJobs(ctx)
	return b.report, nil
}

func (b *bench) withLogs(err error, srv *Server) error {
	return fmt.Errorf("%w\nthe portal's last output:\n%s", err, tail(srv.Logs(), 3000))
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// pgEnv is how pgbench connects: the cluster's address and superuser, from its URL.
func pgEnv(c *devdb.Cluster) []string {
	u := c.URL("portal")
	password := ""
	if at := strings.Index(u, "@"); at > 0 {
		if colon := strings.LastIndex(u[:at], ":"); colon > 0 {
			password = u[colon+1 : at]
		}
	}
	return []string{"PGHOST=127.0.0.1", fmt.Sprintf("PGPORT=%d", c.Port()), "PGUSER=" + devdb.Superuser, "PGPASSWORD=" + password,
		"PGDATABASE=portal", "PGSSLMODE=disable"}
}

// configEnv is the configuration every portal command gets.
func (b *bench) configEnv() []string {
	return []string{"DATABASE_URL=" + b.dbURL, "PORTAL_DATA_KEY=" + b.dataKey, "PORTAL_AUDIT_KEY=" + b.auditKey, "PORTAL_METRICS_ADDR=off", "LOG_LEVEL=warn",
		"PORTAL_OCDS_PREFIX=ocds-b3nch0", "PORTAL_OCDS_BUYER_ID=GB-LAE-BEN",
		"PORTAL_COUNCIL_NAME=Benchmark Council", "PORTAL_ICO_REGISTRATION=Z1234567", "PORTAL_DPO_EMAIL=dpo@benchmark-council.gov.uk"}
}

// serveEnv runs the portal as in production; only the log level is quieter (warnings), so
// the benchmark measures the pages rather than a log line per request.
func (b *bench) serveEnv() []string { return append(b.configEnv(), "PORTAL_ENV=production") }

// grow seeds the register up to n providers with `portal seed` (appending after the first
// run), one contract for every ContractsPer providers.
func (b *bench) grow(ctx context.Context, n int) error {
	add := n - b.providers
	if add <= 0 {
		return nil
	}
	b.logf("seeding %d providers (to %d)", add, n)
	args := []string{"seed", "--providers", fmt.Sprint(add), "--contracts", fmt.Sprint(add / max(b.o.ContractsPer, 1)),
		"--seed", fmt.Sprint(b.o.Seed)}
	if b.providers > 0 {
		args = append(args, "--append")
	}
	start := time.Now()
	out, err := portalCommand(ctx, b.portalBin, append(b.configEnv(), "PORTAL_ENV=development"), prefixed{b.o.Log, "loadbench: seed: "}, args...)
	if err != nil {
		return err
	}
	took := time.Since(start)
	b.logf("%s", strings.TrimSpace(out))
	// A register that grew to this size over years has had its directory counts folded by
	// the portal's job (every five minutes) and been vacuumed and analysed by autovacuum many
	// times. One seeded in minutes has not yet: it would be measured summing thousands of
	// count rows, with stale planner statistics and no visibility map, or with autovacuum
	// catching up during the measurement.
	vacuumed := time.Now()
	if _, err := provider.CompactDirectoryCounts(ctx, b.d); err != nil {
		return err
	}
	if _, err := b.d.ExecContext(ctx, `VACUUM (ANALYZE)`); err != nil {
		return fmt.Errorf("vacuum after seeding: %w", err)
	}
	b.logf("directory counts folded, vacuumed and analysed in %s", time.Since(vacuumed).Round(100*time.Millisecond))
	b.report.Seeds = append(b.report.Seeds, SeedRun{From: b.providers, To: n, Took: took})
	b.providers = n
	return nil
}

// prefixed writes each line with a prefix, so the seed's progress reads as the benchmark's.
type prefixed struct {
	w      io.Writer
	prefix string
}

func (p prefixed) Write(b []byte) (int, error) {
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if line != "" {
			fmt.Fprint(p.w, p.prefix+line)
		}
	}
	return len(b), nil
}

// quietJobs marks the portal's periodic jobs as just run, so none of the heavy ones (the
// daily compliance refresh that the seeding did anyway, the retention sweep) runs while
// pages are measured. Sending mail is left to run as in production.
func (b *bench) quietJobs(ctx context.Context) error {
	_, err := b.d.ExecContext(ctx, `INSERT INTO job_runs (name, last_started_at, last_finished_at, runs)
		SELECT n, now(), now(), 0 FROM unnest($1::text[]) AS n
		ON CONFLICT (name) DO UPDATE SET last_started_at = now(), last_finished_at = now()`,
		"{quality-daily,retention-sweep,expire-sessions,expire-bank-detail-changes,open-bank-detail-verifications}")
	return err
}

// noteJobs reports the periodic jobs that ran while the benchmark did, since they share
// the machine with what was measured.
func (b *bench) noteJobs(ctx context.Context) {
	var names []string
	_ = b.d.SelectContext(ctx, &names, `SELECT name || ' (' || runs || ' runs)' FROM job_runs WHERE runs > 0 ORDER BY name`)
	if len(names) > 0 {
		b.report.Notes = append(b.report.Notes, "Periodic jobs that ran in the portal during the benchmark: "+strings.Join(names, ", ")+".")
	}
}

// measure signs in the browsing and writing clients and runs every scenario at the current
// size: the reads first, then the write, so the saves (their audit events, the sections'
// new versions) are not in the data the reads measure at that size.
func (b *bench) measure(ctx context.Context, srv *Server, officers, signins []*Account, writers []*Writer) error {
	transport := NewTransport(b.o.Clients)
	defer transport.CloseIdleConnections()
	sessions, err := signInAll(ctx, srv.URL, transport, officers)
	if err != nil {
		return err
	}
	writerAccounts := make([]*Account, len(writers))
	writerOrgs := make([]string, len(writers))
	for i, w := range writers {
		writerAccounts[i], writerOrgs[i] = w.Account, w.OrgID
	}
	writing, err := signInAll(ctx, srv.URL, transport, writerAccounts)
	if err != nil {
		return err
	}
	first, err := directoryFirstPage(sessions)
	if err != nil {
		return err
	}
	deep, err := directoryDeepPage(ctx, sessions, b.o.DeepPage)
	if err != nil {
		return err
	}
	page, err := providerPage(ctx, b.d, sessions, writerOrgs)
	if err != nil {
		return err
	}
	scenarios := []Scenario{first, deep, page, dashboard(sessions), signIn(srv.URL, transport, signins)}
	if len(writers) > 0 {
		auditKey, err := base64.StdEncoding.DecodeString(b.auditKey)
		if err != nil {
			return err
		}
		save, err := sectionSave(ctx, writing, writers, auditKey)
		if err != nil {
			return err
		}
		scenarios = append(scenarios, save)
	}
	pg := Pgbench{Path: b.o.Pgbench, Env: b.pgEnv, Clients: b.o.Clients, Threads: 2, Dir: b.dir}
	for _, s := range scenarios {
		b.logf("%s at %d providers", s.Name, b.providers)
		row := Row{Scenario: s.Name, Providers: b.providers, Note: s.Note}
		// One request first, so the statements logged are a warm request's: the dashboard's
		// shared figures already worked out, the connection pool open.
		if err := s.Op(ctx, 0); err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		stmts, err := b.statementsOf(ctx, s.Op)
		if err != nil {
			return err
		}
		row.Statements, row.DBTime = len(stmts), totalTime(stmts)
		if s.PgbenchFrom != nil {
			if s.Pgbench, err = s.PgbenchFrom(stmts); err != nil {
				return fmt.Errorf("%s: pgbench script: %w", s.Name, err)
			}
			row.Transaction, _ = auditedTransaction(stmts)
		}
		row.Top = slices.SortedFunc(slices.Values(stmts), func(a, b Statement) int { return cmp.Compare(b.Took, a.Took) })
		row.Top = row.Top[:min(len(row.Top), 5)]
		if slow, ok := slowest(stmts); ok && row.DBTime >= slowPage {
			if slow.Plan, err = b.explain(ctx, slow.SQL); err != nil {
				slow.Plan = "EXPLAIN failed: " + err.Error()
			}
			row.Slowest = &slow
		}
		before, err := b.sessionsOpened(ctx)
		if err != nil {
			return err
		}
		watched := b.watch(ctx, srv)
		row.Portal = Load(ctx, b.o.Clients, b.o.Warmup, b.o.Window, b.o.MaxWindow, s.Op)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		w := <-watched
		if w.err != nil {
			b.logf("  no CPU profile: %v", w.err)
		} else if row.Portal.Window == b.o.Window {
			split := w.before.per(w.after, row.Portal.OK+row.Portal.Errors)
			row.CPU, row.Profile = &split, shares(w.profile)
		}
		after, err := b.sessionsOpened(ctx)
		if err != nil {
			return err
		}
		row.Connections = after - before
		if len(s.Pgbench) > 0 {
			res, err := pg.Run(ctx, "scenario", s.Pgbench, b.o.Warmup, b.o.Window)
			if err != nil {
				return err
			}
			row.Pgbench = &res
		}
		b.report.Rows = append(b.report.Rows, row)
		b.logf("  %.1f/s, p50 %s, p99 %s, %d errors", row.Portal.Throughput(), ms(row.Portal.P50()), ms(row.Portal.P99()), row.Portal.Errors)
	}
	return nil
}

// signInAll signs each account in on a client of its own.
func signInAll(ctx context.Context, base string, transport http.RoundTripper, accounts []*Account) ([]*Client, error) {
	sessions := make([]*Client, len(accounts))
	for i, a := range accounts {
		code, err := a.waitCode(ctx)
		if err != nil {
			return nil, err
		}
		sessions[i] = NewClient(base, transport)
		if err := sessions[i].SignIn(ctx, a, code); err != nil {
			return nil, fmt.Errorf("sign in %s: %w", a.Email, err)
		}
	}
	return sessions, nil
}

// slowPage is the database time of one page above which the report shows its slowest
// statement with its plan.
const slowPage = 50 * time.Millisecond

// sessionsOpened is how many connections the benchmark database has accepted so far.
func (b *bench) sessionsOpened(ctx context.Context) (int, error) {
	var n int
	err := b.d.GetContext(ctx, &n, `SELECT sessions FROM pg_stat_database WHERE datname = current_database()`)
	return n, err
}

// export runs the payment export at the current size and checks it paid every supplier.
func (b *bench) export(ctx context.Context, srv *Server, transport http.RoundTripper, fin *Account) error {
	b.logf("payment export at %d providers", b.providers)
	run, err := exportPayments(ctx, srv, transport, fin, b.providers)
	if err != nil {
		return err
	}
	var want int
	if err := b.d.GetContext(ctx, &want, `SELECT count(*) FROM payment_details pd JOIN organisations o ON o.id = pd.organisation_id
		WHERE pd.status = 'active' AND pd.effective_from <= current_date AND o.status = 'approved'`); err != nil {
		return err
	}
	if run.Suppliers != want {
		return fmt.Errorf("the export has %d suppliers; %d approved providers have payment details in force", run.Suppliers, want)
	}
	b.report.Exports = append(b.report.Exports, run)
	b.logf("  %d suppliers in %s, peak RSS %s", run.Suppliers, run.Took.Round(time.Millisecond), mib(run.Peak))
	return nil
}

// signalContext ends on Ctrl-C or SIGTERM, so an interrupted run still stops the portal and
// the database it started.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
