package loadbench

import (
	"strings"
	"testing"
)

// A page's script is every statement the page ran, in order, safe for pgbench, without the
// scheduler's polls; a page that audits cannot be replayed without its seal.
func TestPageScript(t *testing.T) {
	got, err := pageScript([]Statement{
		{SQL: "SELECT token_hash FROM sessions WHERE token_hash = '\\x01'"},
		{SQL: "SELECT pg_try_advisory_lock(42)"},
		{SQL: ""},
		{SQL: `SELECT count(*) FROM provider_sections WHERE data @> '{"completed":true}'`},
		{SQL: "UPDATE job_runs SET last_finished_at = now() WHERE name = 'send-mail'"},
		{SQL: "SELECT pg_advisory_unlock(42)"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "SELECT token_hash FROM sessions WHERE token_hash = '\\x01';\n" +
		`SELECT count(*) FROM provider_sections WHERE data @> E'{"completed"\x3atrue}';` + "\n"
	if len(got) != 1 || got[0] != want {
		t.Errorf("script %q, want %q", got, want)
	}
	if _, err := pageScript([]Statement{{SQL: "INSERT INTO audit_events (action) VALUES ('x') RETURNING id, hash"}}); err == nil ||
		!strings.Contains(err.Error(), "audit") {
		t.Errorf("an audited page gave %v", err)
	}
	if _, err := pageScript([]Statement{{SQL: "SELECT pg_try_advisory_lock(1)"}}); err == nil {
		t.Error("a page of scheduler polls alone gave a script")
	}
}
