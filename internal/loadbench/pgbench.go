package loadbench

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The database alone, for comparison: pgbench runs the SQL a page runs (pageScript,
// saveScript), at the same concurrency, so the report can say how much of the database's
// throughput the portal keeps once sessions, access checks, templates and HTTP are added.
// pgbench prepares each statement once per client (-M prepared), as the portal's
// connections do (internal/db/statement_cache.go): the comparison is with the database at
// its cheapest for those statements, not with planning each one afresh.

// Pgbench says how to run pgbench against the benchmark database.
type Pgbench struct {
	Path string
	// Env holds PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE.
	Env     []string
	Clients int
	Threads int
	Dir     string // where scripts and transaction logs are written
}

// Run runs the scripts (picked at random, with equal weights, for each transaction) for
// warmup and then for window, and returns the second run's rate, failures and the latency of
// every transaction, from pgbench's transaction log.
func (p Pgbench) Run(ctx context.Context, name string, scripts []string, warmup, window time.Duration) (Result, error) {
	dir, err := os.MkdirTemp(p.Dir, "pgbench-"+name+"-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(dir)
	var args []string
	for i, s := range scripts {
		file := filepath.Join(dir, fmt.Sprintf("script%d.sql", i))
		if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
			return Result{}, err
		}
		args = append(args, "-f", file)
	}
	base := []string{"-n", "-M", "prepared", "-c", strconv.Itoa(p.Clients), "-j", strconv.Itoa(p.Threads)}
	if secs := seconds(warmup); secs > 0 {
		if _, err := p.exec(ctx, dir, append(append(base, "-T", strconv.Itoa(secs)), args...)); err != nil {
			return Result{}, err
		}
	}
	out, err := p.exec(ctx, dir, append(append(base, "-T", strconv.Itoa(seconds(window)), "-l", "--log-prefix", filepath.Join(dir, "log")), args...))
	if err != nil {
		return Result{}, err
	}
	res, err := ParsePgbenchOutput(out)
	if err != nil {
		return Result{}, err
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "log*"))
	for _, f := range logs {
		lat, failed, err := readPgbenchLog(f)
		if err != nil {
			return Result{}, err
		}
		res.Latencies = append(res.Latencies, lat...)
		res.Errors = max(res.Errors, failed)
	}
	res.sortLatencies()
	return res, nil
}

func seconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

func (p Pgbench) exec(ctx context.Context, dir string, args []string) (string, error) {
	cmd := exec.CommandContext(ctx, p.Path, args...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), p.Env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("pgbench %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

var (
	tpsLine       = regexp.MustCompile(`(?m)^tps = ([0-9.]+) \(without initial connection time\)`)
	processedLine = regexp.MustCompile(`(?m)^number of transactions actually processed: (\d+)`)
	failedLine    = regexp.MustCompile(`(?m)^number of failed transactions: (\d+)`)
)

// ParsePgbenchOutput reads the rate and counts from pgbench's summary. The window is set so
// that Throughput gives pgbench's own tps (which leaves out connecting).
func ParsePgbenchOutput(out string) (Result, error) {
	tps := tpsLine.FindStringSubmatch(out)
	processed := processedLine.FindStringSubmatch(out)
	if tps == nil || processed == nil {
		return Result{}, fmt.Errorf("pgbench printed no rate:\n%s", out)
	}
	rate, _ := strconv.ParseFloat(tps[1], 64)
	n, _ := strconv.Atoi(processed[1])
	res := Result{OK: n}
	if rate > 0 {
		res.Window = time.Duration(float64(n) / rate * float64(time.Second))
	}
	if f := failedLine.FindStringSubmatch(out); f != nil {
		res.Errors, _ = strconv.Atoi(f[1])
	}
	return res, nil
}

// readPgbenchLog reads a transaction log: one line per transaction, "client_id
// transaction_no time script_no time_epoch time_us", time being the latency in microseconds
// (or "failed" for a transaction that failed).
func readPgbenchLog(path string) ([]time.Duration, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var out []time.Duration
	failed := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 {
			continue
		}
		us, err := strconv.ParseInt(fields[2], 10, 64)
		if err != nil {
			failed++
			continue
		}
		out = append(out, time.Duration(us)*time.Microsecond)
	}
	return out, failed, sc.Err()
}
