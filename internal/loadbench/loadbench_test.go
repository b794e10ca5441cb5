package loadbench

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/auth"
)

func durations(ms ...int) []time.Duration {
	out := make([]time.Duration, len(ms))
	for i, m := range ms {
		out[i] = time.Duration(m) * time.Millisecond
	}
	return out
}

func TestPercentile(t *testing.T) {
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	cases := []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"none", nil, 50, 0},
		{"one", durations(7), 99, 7 * time.Millisecond},
		{"median of an odd count", durations(5, 1, 3), 50, 3 * time.Millisecond},
		{"median of an even count is the lower middle", durations(4, 1, 3, 2), 50, 2 * time.Millisecond},
		{"p99 of 1..100", durations(hundred...), 99, 99 * time.Millisecond},
		{"p50 of 1..100", durations(hundred...), 50, 50 * time.Millisecond},
		{"p100 is the largest", durations(3, 9, 1), 100, 9 * time.Millisecond},
		{"p99 of ten is the largest", durations(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tc.in...)
			if got := Percentile(tc.in, tc.p); got != tc.want {
				t.Errorf("Percentile(%v, %v) = %v, want %v", tc.in, tc.p, got, tc.want)
			}
			for i := range in {
				if in[i] != tc.in[i] {
					t.Fatal("Percentile reordered its input")
				}
			}
		})
	}
}

func TestThroughput(t *testing.T) {
	cases := []struct {
		r    Result
		want float64
	}{
		{Result{OK: 500, Window: 10 * time.Second}, 50},
		{Result{OK: 500, Errors: 20, Window: 10 * time.Second}, 50},
		{Result{OK: 5}, 0},
	}
	for _, tc := range cases {
		if got := tc.r.Throughput(); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.r, got, tc.want)
		}
	}
}

func TestLoadCountsSuccessesAndFailuresAfterTheWarmup(t *testing.T) {
	var calls atomic.Int64
	boom := errors.New("boom")
	res := Load(context.Background(), 4, 30*time.Millisecond, 60*time.Millisecond, 10*time.Second, func(ctx context.Context, w int) error {
		n := calls.Add(1)
		time.Sleep(time.Millisecond)
		if n%3 == 0 {
			return boom
		}
		return nil
	})
	if res.OK == 0 || res.Errors == 0 {
		t.Fatalf("OK %d, errors %d: want both", res.OK, res.Errors)
	}
	if int64(res.OK+res.Errors) >= calls.Load() {
		t.Errorf("%d counted of %d calls: the warm-up's should not be", res.OK+res.Errors, calls.Load())
	}
	if len(res.Latencies) != res.OK || res.FirstError != "boom" {
		t.Errorf("latencies %d for %d successes, first error %q", len(res.Latencies), res.OK, res.FirstError)
	}
}

func TestTally(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	op := func(began, ended float64, failed bool) done {
		d := done{began: at(began), ended: at(ended)}
		if failed {
			d.err = errors.New("failed")
		}
		return d
	}
	measureFrom, stopAt, hardStop := at(2), at(12), at(62)
	cases := []struct {
		name       string
		ops        []done
		minOK      int
		ok, errs   int
		window     time.Duration
		p50        time.Duration
		firstError string
	}{
		{"enough end in the window: those after it are left out",
			[]done{op(1, 3, false), op(3, 5, false), op(5, 6, true), op(11, 13, false)}, 2, 2, 1, 10 * time.Second, 2 * time.Second, "failed"},
		{"too few: the window stretches to the second success",
			[]done{op(0, 11, false), op(1, 20, false), op(2, 30, false)}, 2, 2, 0, 18 * time.Second, 11 * time.Second, ""},
		{"too few even stretched: up to the last success",
			[]done{op(0, 25, false), op(0, 40, true)}, 4, 1, 0, 23 * time.Second, 25 * time.Second, ""},
		{"none: the whole stretched window, nothing counted but the errors",
			[]done{op(0, 50, true)}, 1, 0, 1, 60 * time.Second, 0, "failed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := tally(tc.ops, tc.minOK, measureFrom, stopAt, hardStop)
			if res.OK != tc.ok || res.Errors != tc.errs || res.Window != tc.window || res.P50() != tc.p50 || res.FirstError != tc.firstError {
				t.Errorf("OK %d errors %d window %v p50 %v first error %q; want %d %d %v %v %q",
					res.OK, res.Errors, res.Window, res.P50(), res.FirstError, tc.ok, tc.errs, tc.window, tc.p50, tc.firstError)
			}
		})
	}
}

const pgbenchOutput = `pgbench (15.18 (Debian 15.18-0+deb12u1))
transaction type: multiple scripts
scaling factor: 1
query mode: extended
number of clients: 32
number of threads: 2
maximum number of tries: 1
duration: 10 s
number of transactions actually processed: 29173
number of failed transactions: 3 (0.010%)
latency average = 10.960 ms
initial connection time = 45.021 ms
tps = 2919.816244 (without initial connection time)
`

func TestParsePgbenchOutput(t *testing.T) {
	res, err := ParsePgbenchOutput(pgbenchOutput)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK != 29173 || res.Errors != 3 {
		t.Errorf("processed %d, failed %d", res.OK, res.Errors)
	}
	if got := res.Throughput(); got < 2919.8 || got > 2919.9 {
		t.Errorf("throughput %.3f, want pgbench's tps 2919.816", got)
	}
	if _, err := ParsePgbenchOutput("pgbench: error: connection to server failed"); err == nil {
		t.Error("output without a rate accepted")
	}
}

func TestReadPgbenchLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.1")
	log := "0 0 1520 0 1700000000 100\n1 0 980 0 1700000000 200\n0 1 failed 0 1700000001 5\n1 1 2210 0 1700000001 900\n"
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	lat, failed, err := readPgbenchLog(path)
	if err != nil {
		t.Fatal(err)
	}
	want := durations(0, 0, 0)
	want[0], want[1], want[2] = 1520*time.Microsecond, 980*time.Microsecond, 2210*time.Microsecond
	if failed != 1 || len(lat) != 3 || lat[0] != want[0] || lat[1] != want[1] || lat[2] != want[2] {
		t.Errorf("latencies %v, failed %d", lat, failed)
	}
}

func TestPageParsing(t *testing.T) {
	page := `<form><input type="hidden" name="_csrf" value="a&#43;b"></form>
		<a class="govuk-pagination__link" href="/providers?after=eyJzIjoibmFtZSJ9.AbC&amp;status=approved" rel="next">Next</a>
		<div class="govuk-error-summary"><ul class="govuk-list govuk-error-summary__list"><li><a href="#code">Enter the   code</a></li></ul></div>`
	if tok, err := CSRF(page); err != nil || tok != "a+b" {
		t.Errorf("CSRF %q, %v", tok, err)
	}
	if got := NextPage(page); got != "/providers?after=eyJzIjoibmFtZSJ9.AbC&status=approved" {
		t.Errorf("next %q", got)
	}
	if got := NextPage("<p>last page</p>"); got != "" {
		t.Errorf("next on the last page %q", got)
	}
	if got := errorSummary(page); got != "Enter the code" {
		t.Errorf("error summary %q", got)
	}
	if _, err := CSRF("<p>no form</p>"); err == nil {
		t.Error("a token found on a page without one")
	}
}

func TestParseStatus(t *testing.T) {
	status := "Name:\tportal\nVmPeak:\t 1300000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\nThreads:\t9\n"
	rss, peak, err := parseStatus(strings.NewReader(status))
	if err != nil || rss != 40<<20 || peak != 50<<20 {
		t.Errorf("rss %d, peak %d, %v", rss, peak, err)
	}
	if _, _, err := parseStatus(strings.NewReader("Name:\tportal\n")); err == nil {
		t.Error("a status without memory read")
	}
}

func TestAccountCodesNeverReuseAStep(t *testing.T) {
	secret, _, err := auth.NewTOTPSecret("test", "a@example.gov.uk")
	if err != nil {
		t.Fatal(err)
	}
	a := &Account{TOTPSecret: secret}
	now := time.Unix(1_800_000_010, 0) // 10 s into a step
	var steps []int64
	for {
		code, ok := a.nextCode(now)
		if !ok {
			break
		}
		step, valid := auth.ValidateTOTP(secret, code, now)
		if !valid {
			t.Fatalf("code %s is not accepted at the time it was made for", code)
		}
		steps = append(steps, step)
	}
	cur := auth.TOTPStep(now)
	if len(steps) != 3 || steps[0] != cur-1 || steps[1] != cur || steps[2] != cur+1 {
		t.Errorf("steps %v, want the three around %d, in order", steps, cur)
	}
	if _, ok := a.nextCode(now.Add(15 * time.Second)); ok {
		t.Error("a code was given with no step free")
	}
	late := &Account{TOTPSecret: secret}
	end := time.Unix(1_800_000_029, 0) // a second before the step ends
	code, ok := late.nextCode(end)
	if !ok {
		t.Fatal("no code near the end of a step")
	}
	if step, valid := auth.ValidateTOTP(secret, code, end.Add(2*time.Second)); !valid || step != auth.TOTPStep(end) {
		t.Errorf("near the end of a step the code's step %d (valid %v) would not survive the next step", step, valid)
	}
}

func TestMarkdownReport(t *testing.T) {
	fast := Result{OK: 1000, Window: 10 * time.Second, Latencies: durations(5, 6, 7, 8, 90)}
	slow := Result{OK: 500, Errors: 2, FirstError: "GET /dashboard: status 500", Window: 20 * time.Second, Latencies: durations(40, 50, 60, 70, 300)}
	pg := Result{OK: 3000, Window: 10 * time.Second, Latencies: durations(2, 3, 4)}
	r := &Report{Environment: "2 CPU cores", Clients: 32, Warmup: 2 * time.Second, Window: 10 * time.Second, Small: 1000, Large: 100000,
		Seeds: []SeedRun{{From: 0, To: 1000, Took: 3 * time.Second}},
		Rows: []Row{
			{Scenario: "Directory, approved, page 29", Providers: 1000, Portal: fast, Pgbench: &pg, Connections: 12, Statements: 9, DBTime: 2500 * time.Microsecond,
				Slowest: &Statement{SQL: "SELECT count(*) FROM organisations", Took: 2 * time.Millisecond, Plan: "Aggregate (actual rows=1)"},
				Top:     []Statement{{SQL: "SELECT count(*)\n\tFROM organisations", Took: 2 * time.Millisecond}}},
			{Scenario: "Directory, approved, page 50", Providers: 100000, Portal: slow, Pgbench: &pg},
			{Scenario: "Officer dashboard", Providers: 100000, Portal: fast, Note: "a note"},
			{Scenario: "Provider saves a section", Providers: 100000, Portal: fast, Pgbench: &pg,
				Transaction: []Statement{{SQL: "BEGIN READ WRITE", Took: 20 * time.Microsecond}, {SQL: "INSERT INTO audit_events\n\t(action) VALUES ('x') RETURNING id, hash", Took: 400 * time.Microsecond}}},
		},
		Exports: []ExportRun{{Providers: 10000, Suppliers: 7000, Peak: 40 << 20}, {Providers: 100000, Suppliers: 70000, Peak: 44 << 20}},
	}
	var buf bytes.Buffer
	r.Markdown(&buf)
	out := buf.String()
	for _, want := range []string{
		"| Directory, approved, page 29 | 1,000 | 100.0 | 7.0 ms | 90 ms | 0 | 9 (2.5 ms) | 12 | 300 | 3.0 ms | 4.0 ms | 0.33 |",
		"| Directory, approved, page 50 | 100,000 | 25.0 (over 20s) | 60 ms | 300 ms | 2 | 0 (0.0 ms) | 0 | 300 | 3.0 ms | 4.0 ms | 0.08 |",
		"| Officer dashboard [1] | 100,000 | 100.0 | 7.0 ms | 90 ms | 0 | 0 (0.0 ms) | 0 | – | – | – | – |",
		"[1] a note.",
		"### Provider saves a section at 100,000 providers: its transaction\n\n- 0.0 ms: `BEGIN READ WRITE`\n- 0.4 ms: `INSERT INTO audit_events (action) VALUES ('x') RETURNING id, hash`\n",
		"### Directory, approved, page 29 at 1,000 providers: 2.5 ms in the database",
		"- 2.0 ms: `SELECT count(*) FROM organisations`",
		"The slowest, 2.0 ms:\n\n```sql\nSELECT count(*) FROM organisations\n```\n\n```text\nAggregate (actual rows=1)\n```",
		"First error of Directory, approved, page 50 at 100,000: GET /dashboard: status 500",
		"| Directory, approved, page 50: p50 at 100,000 within 1.5× p50 at 1,000 | 60 ms vs 7.0 ms (8.57×) | **miss** |",
		"| Officer dashboard at 100,000: p99 under 250 ms with 32 clients | p99 90 ms | pass |",
		"| Officer dashboard at 100,000: at least 200 a second with 32 clients | 100.0 a second | **miss** |",
		"| Directory, approved, page 50 at 100,000: p99 under 100 ms with 32 clients | p99 300 ms | **miss** |",
		"| Payment export memory flat from 7,000 to 70,000 suppliers (peak within 1.25×) | peak 44.0 MiB vs 40.0 MiB (1.10×) | pass |",
		"at least 50% of pgbench's throughput of the page's statements | 33% (100 vs 300 a second) | **miss** |",
		"| Directory, approved, page 50 at 100,000: at least 50% of pgbench's throughput of the page's statements | 8% (25 vs 300 a second) | **miss** |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestParseStatementLog(t *testing.T) {
	log := "2026-11-22 10:31:16.100 UTC [1] LOG:  duration: 0.100 ms  parse <unnamed>: SELECT name FROM users\n" +
		"\tWHERE id = $1 AND email = $2\n" +
		"2026-11-22 10:31:16.101 UTC [1] LOG:  duration: 0.200 ms  bind <unnamed>: SELECT name FROM users\n" +
		"\tWHERE id = $1 AND email = $2\n" +
		"2026-11-22 10:31:16.101 UTC [1] DETAIL:  parameters: $1 = '6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a01', $2 = 'o''brien@example.org'\n" +
		"2026-11-22 10:31:16.103 UTC [1] LOG:  duration: 0.700 ms  execute <unnamed>: SELECT name FROM users\n" +
		"\tWHERE id = $1 AND email = $2\n" +
		"2026-11-22 10:31:16.103 UTC [1] DETAIL:  parameters: $1 = '6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a01', $2 = 'o''brien@example.org'\n" +
		"2026-11-22 10:31:16.104 UTC [2] LOG:  duration: 12.000 ms  statement: SELECT count(*) FROM organisations\n" +
		"2026-11-22 10:31:16.105 UTC [3] LOG:  duration: 0.050 ms  statement: ALTER SYSTEM RESET log_min_duration_statement\n" +
		"2026-11-22 10:31:16.106 UTC [3] LOG:  received SIGHUP, reloading configuration files\n"
	stmts := parseStatementLog(strings.NewReader(log))
	if len(stmts) != 2 {
		t.Fatalf("%d statements: %+v", len(stmts), stmts)
	}
	want := "SELECT name FROM users\nWHERE id = '6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a01' AND email = 'o''brien@example.org'"
	if stmts[0].SQL != want || stmts[0].Took != time.Millisecond {
		t.Errorf("first statement %q in %v, want %q in 1ms", stmts[0].SQL, stmts[0].Took, want)
	}
	if total := totalTime(stmts); total != 13*time.Millisecond {
		t.Errorf("total %v, want 13ms", total)
	}
	if slow, ok := slowest(stmts); !ok || slow.SQL != "SELECT count(*) FROM organisations" {
		t.Errorf("slowest %+v", slow)
	}
}

func TestReadOnly(t *testing.T) {
	cases := map[string]bool{
		"SELECT 1": true, "  with x AS (SELECT 1) SELECT * FROM x": true, "SELECT o.updated_at FROM organisations o": true,
		"UPDATE sessions SET last_seen_at = now()": false, "SELECT id FROM organisations FOR UPDATE": false,
		"WITH d AS (DELETE FROM x RETURNING id) SELECT * FROM d": false, "INSERT INTO audit_events DEFAULT VALUES": false,
	}
	for sql, want := range cases {
		if got := readOnly(sql); got != want {
			t.Errorf("readOnly(%q) = %v", sql, got)
		}
	}
}
