package loadbench

import (
	"errors"
	"fmt"
	"strings"
)

// pageScript makes one pgbench script of a page's whole set of statements, as PostgreSQL
// logged them for one view with their values written in: the session and user lookups, the
// navigation's counts and the page's own queries, in order. pgbench running it at the same
// concurrency is what the database alone allows for that page, so the ratio says what the
// portal adds (rendering, sessions, CSRF, round trips). The scheduler's polls, logged
// meanwhile from its own connection, are left out. A page that records an audit event needs
// the seal the write scenario writes (saveScript), so it is refused here.
func pageScript(stmts []Statement) ([]string, error) {
	var b strings.Builder
	for _, st := range stmts {
		sql := strings.TrimSpace(st.SQL)
		if sql == "" || schedulerPoll(sql) {
			continue
		}
		if isAuditInsert(sql) {
			return nil, fmt.Errorf("the page records an audit event, which a page script cannot seal: %.80s", sql)
		}
		safe, err := pgbenchSafe(sql)
		if err != nil {
			return nil, err
		}
		b.WriteString(safe + ";\n")
	}
	if b.Len() == 0 {
		return nil, errors.New("the page ran no statements")
	}
	return []string{b.String()}, nil
}

// schedulerPoll reports whether a statement is the job scheduler's, which polls every job on
// every tick whatever the pages do (internal/jobs).
func schedulerPoll(sql string) bool {
	for _, p := range []string{"SELECT pg_try_advisory_lock(", "SELECT pg_advisory_unlock(", "INSERT INTO job_runs", "UPDATE job_runs"} {
		if strings.HasPrefix(sql, p) {
			return true
		}
	}
	return false
}
