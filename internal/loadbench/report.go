package loadbench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Row is one scenario measured at one size of register.
type Row struct {
	Scenario  string
	Providers int
	Portal    Result
	// Pgbench is the same SQL on the database alone; nil when there is no comparison.
	Pgbench *Result
	Note    string
	// Connections is how many database connections the portal opened while the scenario
	// ran (warm-up included): a pool that keeps its connections opens none.
	Connections int
	// Statements is how many SQL statements one operation ran, and DBTime their time in
	// the server, from PostgreSQL's log of one operation on its own.
	Statements int
	DBTime     time.Duration
	// Slowest is that operation's slowest statement, with its plan, when the page was slow
	// in the database; Top are its five slowest statements, slowest first, for every page.
	Slowest *Statement
	Top     []Statement
	// CPU is the processor time one request took in the portal, the database and the load
	// generator, and Profile where the portal's share went, from its CPU profile over the
	// measured window; nil when the window was stretched.
	CPU     *CPUSplit
	Profile []Share
	// Transaction is a write's transaction as the portal ran it (what pgbench replays),
	// each statement with its time in the server.
	Transaction []Statement
}

// Ratio is the portal's throughput as a fraction of pgbench's, or 0 with no comparison.
func (r Row) Ratio() float64 {
	if r.Pgbench == nil || r.Pgbench.Throughput() == 0 {
		return 0
	}
	return r.Portal.Throughput() / r.Pgbench.Throughput()
}

// ExportRun is one supplier payment export through the portal's export endpoint.
type ExportRun struct {
	Providers int
	Suppliers int
	Bytes     int64
	Took      time.Duration
	// RSSBefore is the portal's resident memory as the export started; Peak its highest
	// resident memory while the export ran.
	RSSBefore, Peak int64
}

// SeedRun is one `portal seed` run that grew the register.
type SeedRun struct {
	From, To int
	Took     time.Duration
}

// Report is everything the benchmark measured.
type Report struct {
	Environment    string
	Clients        int
	Warmup, Window time.Duration
	Small, Large   int
	Seeds          []SeedRun
	Rows           []Row
	Exports        []ExportRun
	Notes          []string
}

// Target is one of the speed targets, with what was measured and whether it was met.
type Target struct {
	What, Measured string
	Met            bool
}

// The targets (issue 17). They are the benchmark's, never a test's: a miss is reported, not
// failed.
const (
	targetRatio   = 0.5
	targetGrowth  = 1.5
	targetMemFlat = 1.25
)

// pageTarget is what a page must reach at the large size with the benchmark's clients: a
// rate and a p99, and, for the directory, a p50 that grows little from the small size.
// Sign-in (argon2id by design) and the write scenario (serialised by the audit chain) have
// no latency target; they stay in the table.
type pageTarget struct {
	scenario string // the scenario's name, or its start ("Directory")
	rate     float64
	p99      time.Duration
	growth   bool
}

var pageTargets = []pageTarget{
	{scenario: "Directory", rate: 500, p99: 100 * time.Millisecond, growth: true},
	{scenario: "Provider page", rate: 300, p99: 150 * time.Millisecond},
	{scenario: "Officer dashboard", rate: 200, p99: 250 * time.Millisecond},
}

// targetOf returns the page target a scenario is held to, if any.
func targetOf(scenario string) (pageTarget, bool) {
	for _, t := range pageTargets {
		if strings.HasPrefix(scenario, t.scenario) {
			return t, true
		}
	}
	return pageTarget{}, false
}

// Targets checks each target against the rows and exports measured.
func (r *Report) Targets() []Target {
	var out []Target
	for _, row := range r.Rows {
		if _, ok := targetOf(row.Scenario); ok && row.Pgbench != nil {
			out = append(out, Target{
				What:     fmt.Sprintf("%s at %s: at least %.0f%% of pgbench's throughput of the page's statements", row.Scenario, count(row.Providers), targetRatio*100),
				Measured: fmt.Sprintf("%.0f%% (%.0f vs %.0f a second)", row.Ratio()*100, row.Portal.Throughput(), row.Pgbench.Throughput()),
				Met:      row.Ratio() >= targetRatio})
		}
	}
	for _, row := range r.Rows {
		t, ok := targetOf(row.Scenario)
		if !ok || row.Providers != r.Large {
			continue
		}
		out = append(out, Target{
			What:     fmt.Sprintf("%s at %s: at least %.0f a second with %d clients", row.Scenario, count(row.Providers), t.rate, r.Clients),
			Measured: fmt.Sprintf("%.1f a second", row.Portal.Throughput()),
			Met:      row.Portal.Throughput() >= t.rate && row.Portal.Errors == 0})
		out = append(out, Target{
			What:     fmt.Sprintf("%s at %s: p99 under %s with %d clients", row.Scenario, count(row.Providers), ms(t.p99), r.Clients),
			Measured: "p99 " + latency(row.Portal, 99),
			Met:      row.Portal.P99() < t.p99 && row.Portal.OK > 0})
	}
	for _, big := range r.Rows {
		if t, ok := targetOf(big.Scenario); !ok || !t.growth || big.Providers != r.Large {
			continue
		}
		for _, small := range r.Rows {
			if small.Providers == r.Small && sameScenario(small.Scenario, big.Scenario) {
				growth := 0.0
				if small.Portal.P50() > 0 {
					growth = float64(big.Portal.P50()) / float64(small.Portal.P50())
				}
				out = append(out, Target{
					What:     fmt.Sprintf("%s: p50 at %s within %.1f× p50 at %s", big.Scenario, count(r.Large), targetGrowth, count(r.Small)),
					Measured: fmt.Sprintf("%s vs %s (%.2f×)", latency(big.Portal, 50), latency(small.Portal, 50), growth),
					Met:      growth > 0 && growth <= targetGrowth})
			}
		}
	}
	if n := len(r.Exports); n >= 2 {
		first, last := r.Exports[0], r.Exports[n-1]
		out = append(out, Target{
			What: fmt.Sprintf("Payment export memory flat from %s to %s suppliers (peak within %.2f×)", count(first.Suppliers), count(last.Suppliers), targetMemFlat),
			Measured: fmt.Sprintf("peak %s vs %s (%.2f×)", mib(last.Peak), mib(first.Peak),
				float64(last.Peak)/float64(max(first.Peak, 1))),
			Met: float64(last.Peak) <= targetMemFlat*float64(first.Peak)})
	}
	return out
}

// sameScenario matches a scenario across sizes: the deep page's number may differ (a small
// register has fewer pages).
func sameScenario(a, b string) bool {
	cut := func(s string) string {
		if i := strings.Index(s, ", page "); i >= 0 {
			return s[:i]
		}
		return s
	}
	return cut(a) == cut(b)
}

// Markdown writes the report: the table of scenarios, the exports, the targets.
func (r *Report) Markdown(w io.Writer) {
	fmt.Fprintf(w, "## Load benchmark\n\n%s. %d concurrent clients, closed loop, %s measured after %s of warm-up; pgbench at the same concurrency, each statement prepared once per client as the portal's connections do (-M prepared -c %d -j 2).\n\n",
		r.Environment, r.Clients, r.Window, r.Warmup, r.Clients)
	fmt.Fprintln(w, "A page slower than that is measured for longer, until one request per client has finished (the rate says over how long).")
	for _, s := range r.Seeds {
		fmt.Fprintf(w, "- Seeded %s → %s providers in %s, then the directory's counts folded, vacuumed and analysed (as the portal's job and autovacuum would have by then).\n", count(s.From), count(s.To), s.Took.Round(100*time.Millisecond))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Scenario | Providers | Requests/s | p50 | p99 | Errors | SQL per request (server time) | DB connections opened | pgbench req/s | pgbench p50 | pgbench p99 | Portal/pgbench |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	var notes []string
	for _, row := range r.Rows {
		pg := "| – | – | – | –"
		if row.Pgbench != nil {
			pg = fmt.Sprintf("| %.0f | %s | %s | %.2f", row.Pgbench.Throughput(), ms(row.Pgbench.P50()), ms(row.Pgbench.P99()), row.Ratio())
		}
		name := row.Scenario
		if row.Note != "" {
			if i := indexOf(notes, row.Note); i >= 0 {
				name += fmt.Sprintf(" [%d]", i+1)
			} else {
				notes = append(notes, row.Note)
				name += fmt.Sprintf(" [%d]", len(notes))
			}
		}
		rate := fmt.Sprintf("%.1f", row.Portal.Throughput())
		if row.Portal.Window > r.Window {
			rate += fmt.Sprintf(" (over %s)", row.Portal.Window.Round(time.Second))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d | %d (%s) | %d %s |\n", name, count(row.Providers), rate,
			latency(row.Portal, 50), latency(row.Portal, 99), row.Portal.Errors, row.Statements, ms(row.DBTime), row.Connections, pg)
	}
	fmt.Fprintln(w)
	for i, n := range notes {
		fmt.Fprintf(w, "[%d] %s.\n", i+1, n)
	}
	for _, row := range r.Rows {
		if row.Portal.FirstError != "" {
			fmt.Fprintf(w, "\nFirst error of %s at %s: %s\n", row.Scenario, count(row.Providers), row.Portal.FirstError)
		}
	}
	if len(r.Exports) > 0 {
		fmt.Fprintln(w, "\n| Payment export (CSV) | Suppliers | Time | Size | Portal RSS before | Peak RSS during |")
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: |")
		for _, e := range r.Exports {
			fmt.Fprintf(w, "| at %s providers | %s | %s | %s | %s | %s |\n", count(e.Providers), count(e.Suppliers),
				e.Took.Round(10*time.Millisecond), mib(e.Bytes), mib(e.RSSBefore), mib(e.Peak))
		}
	}
	if r.Small > 0 && r.Large > 0 {
		fmt.Fprintf(w, "\np50 at %s providers against %s:", count(r.Large), count(r.Small))
		for _, big := range r.Rows {
			for _, small := range r.Rows {
				if big.Providers == r.Large && small.Providers == r.Small && sameScenario(big.Scenario, small.Scenario) && small.Portal.P50() > 0 {
					fmt.Fprintf(w, " %s %s vs %s (%.2f×);", strings.ToLower(big.Scenario[:1])+big.Scenario[1:], latency(big.Portal, 50),
						latency(small.Portal, 50), float64(big.Portal.P50())/float64(small.Portal.P50()))
				}
			}
		}
		fmt.Fprintln(w)
	}
	r.cpuMarkdown(w)
	r.statementsMarkdown(w)
	for _, row := range r.Rows {
		if row.Slowest == nil {
			continue
		}
		fmt.Fprintf(w, "\n### %s at %s providers: %s in the database\n\nIts slowest statements:\n\n", row.Scenario, count(row.Providers), ms(row.DBTime))
		for _, st := range row.Top {
			fmt.Fprintf(w, "- %s: `%s`\n", ms(st.Took), oneLine(st.SQL, 160))
		}
		fmt.Fprintf(w, "\nThe slowest, %s:\n\n```sql\n%s\n```\n\n```text\n%s\n```\n", ms(row.Slowest.Took), row.Slowest.SQL, row.Slowest.Plan)
	}
	for _, row := range r.Rows {
		if len(row.Transaction) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n### %s at %s providers: its transaction\n\n", row.Scenario, count(row.Providers))
		for _, st := range row.Transaction {
			fmt.Fprintf(w, "- %s: `%s`\n", ms(st.Took), oneLine(st.SQL, 160))
		}
	}
	fmt.Fprintln(w, "\n### Targets\n\n| Target | Measured | |\n| --- | --- | --- |")
	for _, t := range r.Targets() {
		mark := "pass"
		if !t.Met {
			mark = "**miss**"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", t.What, t.Measured, mark)
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range r.Notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
	}
}

// cpuMarkdown writes where each request's processor time went: the portal, the database and
// the load generator share the machine's cores, so the sum bounds the rate, and the
// portal's profile says what in it to make cheaper.
func (r *Report) cpuMarkdown(w io.Writer) {
	header := false
	for _, row := range r.Rows {
		if row.CPU == nil {
			continue
		}
		if !header {
			fmt.Fprint(w, "\n### Processor time per request\n\nRead from /proc over each measured window (the portal, every PostgreSQL process, "+
				"this load generator), with the portal's CPU profile (PORTAL_PROFILING) split by what each sample was doing. "+
				"The three share the cores, so the rate is at most the cores' time a second over the total.\n\n")
			fmt.Fprintln(w, "| Scenario | Providers | Portal | Database | Load generator | Total | The portal's time went to |")
			fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | --- |")
			header = true
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", row.Scenario, count(row.Providers), ms(row.CPU.Portal), ms(row.CPU.Database),
			ms(row.CPU.Generator), ms(row.CPU.Total()), sharesLine(row.Profile))
	}
}

// statementsMarkdown notes each page's slowest statements at the large size, as PostgreSQL
// logged them for one request, so a page's SQL can be read beside its rate.
func (r *Report) statementsMarkdown(w io.Writer) {
	header := false
	for _, row := range r.Rows {
		if row.Providers != r.Large || len(row.Top) == 0 || row.Slowest != nil {
			continue // a slow page has its own section, with the plan
		}
		if !header {
			fmt.Fprintf(w, "\n### Statements at %s providers\n\nEach page's slowest statements in one request, with their time in the server.\n", count(r.Large))
			header = true
		}
		fmt.Fprintf(w, "\n%s (%d statements, %s):\n\n", row.Scenario, row.Statements, ms(row.DBTime))
		for _, st := range row.Top {
			fmt.Fprintf(w, "- %s: `%s`\n", ms(st.Took), oneLine(st.SQL, 160))
		}
	}
}

// oneLine folds a statement's white space and cuts it to n characters.
func oneLine(sql string, n int) string {
	s := strings.Join(strings.Fields(sql), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// latency writes a percentile of a result's latencies, or "none" when nothing completed.
func latency(r Result, p float64) string {
	if len(r.Latencies) == 0 {
		return "none"
	}
	return ms(Percentile(r.Latencies, p))
}

// ms writes a latency in milliseconds, with a decimal below 10 ms.
func ms(d time.Duration) string {
	m := float64(d) / float64(time.Millisecond)
	if m < 10 {
		return fmt.Sprintf("%.1f ms", m)
	}
	return fmt.Sprintf("%.0f ms", m)
}

// mib writes bytes in mebibytes.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// count writes n with thousands separators.
func count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
