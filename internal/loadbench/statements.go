package loadbench

import (
	"bufio"
	"cmp"
	"context"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Statement is one SQL statement as PostgreSQL logged it: the text with its parameters
// written in, and its time in the server (parse, bind and execute).
type Statement struct {
	SQL  string
	Took time.Duration
	// PID is the server process that ran it, which tells one connection's transaction from
	// statements other connections ran meanwhile.
	PID string
	// Plan is EXPLAIN (ANALYZE, BUFFERS) of it, for the slowest statement of a slow page.
	Plan string
}

// statementsOf does op once with PostgreSQL logging every statement and its duration, and
// returns the statements the portal ran for it: the report then says what a page asks of
// the database, beside what pgbench runs of it.
func (b *bench) statementsOf(ctx context.Context, op Op) ([]Statement, error) {
	if _, err := b.d.ExecContext(ctx, `ALTER SYSTEM SET log_min_duration_statement = 0`); err != nil {
		return nil, err
	}
	stmts, err := b.logged(ctx, op)
	_, rerr := b.d.ExecContext(context.WithoutCancel(ctx), `ALTER SYSTEM RESET log_min_duration_statement`)
	if rerr == nil {
		_, rerr = b.d.ExecContext(context.WithoutCancel(ctx), `SELECT pg_reload_conf()`)
	}
	if err == nil {
		err = rerr
	}
	return stmts, err
}

// logged does op once while every statement is logged and reads the log it wrote.
func (b *bench) logged(ctx context.Context, op Op) ([]Statement, error) {
	if _, err := b.d.ExecContext(ctx, `SELECT pg_reload_conf()`); err != nil {
		return nil, err
	}
	time.Sleep(300 * time.Millisecond) // backends take the new setting when they next go idle
	f, err := os.Open(b.pgLog)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Seek(0, io.SeekEnd); err != nil {
		return nil, err
	}
	if err := op(ctx, 0); err != nil {
		return nil, err
	}
	time.Sleep(300 * time.Millisecond) // the log is written as each statement ends
	return parseStatementLog(f), nil
}

// explain runs EXPLAIN (ANALYZE, BUFFERS) of a read-only statement.
func (b *bench) explain(ctx context.Context, sql string) (string, error) {
	var lines []string
	if err := b.d.SelectContext(ctx, &lines, `EXPLAIN (ANALYZE, BUFFERS) `+sql); err != nil {
		return "", err
	}
	return strings.Join(lines, "\n"), nil
}

// readOnly reports whether a statement only reads, so EXPLAIN ANALYZE may run it again.
func readOnly(sql string) bool {
	s := strings.ToUpper(strings.TrimSpace(sql))
	return (strings.HasPrefix(s, "SELECT") || strings.HasPrefix(s, "WITH")) && !strings.Contains(s, "FOR UPDATE") &&
		!strings.Contains(s, "UPDATE ") && !strings.Contains(s, "INSERT ") && !strings.Contains(s, "DELETE ")
}

var (
	logStart   = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.0-9]* \S+ \[(\d+)\] (\w+):  (.*)`)
	logTiming  = regexp.MustCompile(`(?s)^duration: ([0-9.]+) ms  (parse|bind|execute|statement)[^:]*: (.*)`)
	logParams  = regexp.MustCompile(`(?s)^parameters: (.*)`)
	paramValue = regexp.MustCompile(`\$(\d+) = ('(?:[^']|'')*'|NULL)`)
	paramRef   = regexp.MustCompile(`\$(\d+)`)
)

// parseStatementLog reads PostgreSQL's log of statements: for a statement sent with
// parameters, "duration: 0.1 ms  parse <unnamed>: SQL", then bind, then execute, followed by
// "DETAIL:  parameters: $1 = '…'"; for one without, "duration: 0.1 ms  statement: SQL". A
// message's SQL may run over several lines. The benchmark's own settings changes are left
// out. The statements are returned in the order they ended.
func parseStatementLog(r io.Reader) []Statement {
	type message struct{ pid, level, text string }
	var msgs []message
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := logStart.FindStringSubmatch(line); m != nil {
			msgs = append(msgs, message{m[1], m[2], m[3]})
		} else if n := len(msgs); n > 0 {
			msgs[n-1].text += "\n" + strings.TrimPrefix(line, "\t")
		}
	}
	var out []Statement
	pending := map[string]time.Duration{} // parse and bind time of each backend's statement under way
	last := map[string]int{}              // each backend's last executed statement, for its parameters
	for _, m := range msgs {
		if m.level == "DETAIL" {
			if p := logParams.FindStringSubmatch(m.text); p != nil {
				if i, ok := last[m.pid]; ok {
					out[i].SQL = withParams(out[i].SQL, p[1])
				}
			}
			continue
		}
		t := logTiming.FindStringSubmatch(m.text)
		if t == nil || strings.Contains(t[3], "log_min_duration_statement") || strings.Contains(t[3], "pg_reload_conf") {
			delete(last, m.pid)
			continue
		}
		ms, _ := strconv.ParseFloat(t[1], 64)
		took := time.Duration(ms * float64(time.Millisecond))
		switch t[2] {
		case "parse", "bind":
			pending[m.pid] += took
			delete(last, m.pid)
		default:
			out = append(out, Statement{SQL: strings.TrimSpace(t[3]), Took: took + pending[m.pid], PID: m.pid})
			delete(pending, m.pid)
			last[m.pid] = len(out) - 1
		}
	}
	return out
}

// withParams writes the logged parameter values into the statement's placeholders.
func withParams(sql, params string) string {
	values := map[string]string{}
	for _, p := range paramValue.FindAllStringSubmatch(params, -1) {
		values[p[1]] = p[2]
	}
	return paramRef.ReplaceAllStringFunc(sql, func(ref string) string {
		if v, ok := values[ref[1:]]; ok {
			return v
		}
		return ref
	})
}

// totalTime is the statements' time in the server.
func totalTime(stmts []Statement) time.Duration {
	var t time.Duration
	for _, s := range stmts {
		t += s.Took
	}
	return t
}

// slowest returns the slowest statement that only reads, or false.
func slowest(stmts []Statement) (Statement, bool) {
	var reads []Statement
	for _, s := range stmts {
		if readOnly(s.SQL) {
			reads = append(reads, s)
		}
	}
	if len(reads) == 0 {
		return Statement{}, false
	}
	return slices.MaxFunc(reads, func(a, b Statement) int { return cmp.Compare(a.Took, b.Took) }), true
}
