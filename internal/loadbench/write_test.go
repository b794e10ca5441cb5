package loadbench

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/webtest"
)

// TestWriteScenario makes the write scenario's provider users and organisations, signs them
// in and saves through the portal's real form (each writer's first save, then one more);
// then pgbench runs, for a second, a save script made by saveScript from a save's statements
// as PostgreSQL logs them (the test's database's log is not to hand, so savedTransaction
// writes them out): each client must save its own organisation's section, and the audit
// trail pgbench added to must still verify, seals included.
func TestWriteScenario(t *testing.T) {
	s := webtest.Start(t)
	ctx := context.Background()
	writers, err := createWriters(ctx, s.DB, s.Vault, "bench.writer", 2)
	if err != nil {
		t.Fatal(err)
	}
	if writers[0].OrgID == writers[1].OrgID {
		t.Fatal("two writers share an organisation")
	}
	accounts := []*Account{writers[0].Account, writers[1].Account}
	sessions, err := signInAll(ctx, s.URL, NewTransport(2), accounts)
	if err != nil {
		t.Fatal(err)
	}
	save, err := sectionSave(ctx, sessions, writers, webtest.TestAuditKey) // each writer's first save
	if err != nil {
		t.Fatal(err)
	}
	if err := save.Op(ctx, 1); err != nil {
		t.Fatalf("a save failed: %v", err)
	}
	type saved struct {
		Version int    `db:"version"`
		Role    string `db:"role"`
		Events  int    `db:"events"`
	}
	var got saved
	if err := s.DB.GetContext(ctx, &got, `SELECT ps.version, ps.data->>'key_contact_role' AS role,
		(SELECT count(*) FROM audit_events WHERE action = 'provider.section.saved' AND object_id = $3) AS events
		FROM provider_sections ps WHERE ps.organisation_id = $1 AND ps.section = $2`, writers[1].OrgID, string(writeSection), writers[1].OrgID); err != nil {
		t.Fatal(err)
	}
	if got.Events != 2 || got.Role != "Registered Manager, save 3" {
		t.Errorf("after two saves: %+v; want two audit events and the last save's role", got)
	}

	pgbench, err := exec.LookPath("pgbench")
	if err != nil {
		found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench") // Debian's, when only the server is installed
		if len(found) == 0 {
			t.Skip("no pgbench to run the save script with")
		}
		pgbench = found[len(found)-1]
	}
	script, err := saveScript(savedTransaction(writers[0].OrgID), []string{writers[0].OrgID, writers[1].OrgID}, webtest.TestAuditKey)
	if err != nil {
		t.Fatal(err)
	}
	versions := func() map[string]int {
		out := map[string]int{}
		for _, w := range writers {
			var n int
			if err := s.DB.GetContext(ctx, &n, `SELECT version FROM provider_sections WHERE organisation_id = $1 AND section = $2`, w.OrgID, string(writeSection)); err != nil {
				t.Fatal(err)
			}
			out[w.OrgID] = n
		}
		return out
	}
	before := versions()
	res, err := Pgbench{Path: pgbench, Env: testPgEnv(t, s.DB), Clients: 2, Threads: 1, Dir: t.TempDir()}.Run(ctx, "save", []string{script}, 0, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK == 0 || res.Errors != 0 {
		t.Fatalf("pgbench: %d transactions, %d failed", res.OK, res.Errors)
	}
	after := versions()
	for _, w := range writers {
		if after[w.OrgID] <= before[w.OrgID] {
			t.Errorf("pgbench never saved %s's section (version %d → %d): each client should save its own", w.Email, before[w.OrgID], after[w.OrgID])
		}
	}
	v, err := audit.Verify(ctx, s.DB)
	if err != nil {
		t.Fatal(err)
	}
	if !v.OK() || !v.SealsChecked {
		t.Errorf("the audit trail after pgbench's saves: %+v", v)
	}
}

// savedTransaction is a save of org's contacts as PostgreSQL logs it (the portal's own SQL,
// values written in), for TestWriteScenario; another connection's statement is logged in
// the middle of it, as the portal's background jobs may.
func savedTransaction(org string) []Statement {
	const pid, other = "101", "202"
	return []Statement{
		{PID: pid, SQL: "SELECT user_id FROM sessions WHERE token_hash = 'x'"},
		{PID: pid, SQL: "BEGIN READ WRITE"}, // as lib/pq begins database/sql's transactions
		{PID: pid, SQL: "SELECT id, name, status, version FROM organisations WHERE id = '" + org + "' FOR UPDATE"},
		{PID: other, SQL: "SELECT 1 FROM job_runs WHERE name = 'send-mail'"},
		{PID: pid, SQL: `UPDATE provider_sections SET data = '{"key_contact_name":"A","key_contact_role":"B","contacts":null}', completed = false,
			version = version + 1, updated_at = now() WHERE organisation_id = '` + org + `' AND section = 'contacts'`},
		{PID: pid, SQL: `INSERT INTO audit_events (actor_id, actor_email, actor_role, action, object_type, object_id, ip, request_id, summary)
		VALUES (NULL, 'writer@example.gov.uk', 'provider', 'provider.section.saved', 'organisation', '` + org + `', '127.0.0.1', 'req:1',
		'{"changes":{"key_contact_role":{"from":"A","to":"B"}},"held_for_review":false,"section":"contacts","at":"09:30"}') RETURNING id, hash`},
		{PID: pid, SQL: `UPDATE audit_events e SET mac = s.mac FROM unnest('{7}'::bigint[], '{"\\x00"}'::bytea[]) AS s(id, mac) WHERE e.id = s.id AND e.mac IS NULL`},
		{PID: pid, SQL: "COMMIT"},
	}
}

// testPgEnv is how pgbench reaches the test's database.
func testPgEnv(t *testing.T, d interface {
	GetContext(context.Context, any, string, ...any) error
}) []string {
	t.Helper()
	base := os.Getenv(dbtest.EnvURL)
	if base == "" {
		base = dbtest.Cluster(t).URL("postgres")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	if err := d.GetContext(context.Background(), &name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	password, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	return []string{"PGHOST=" + u.Hostname(), "PGPORT=" + port, "PGUSER=" + u.User.Username(), "PGPASSWORD=" + password,
		"PGDATABASE=" + name, "PGSSLMODE=disable"}
}

func TestSaveScript(t *testing.T) {
	orgs := []string{"6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a01", "0e0c2b1a-5d4f-4c3b-8a29-1f0e9d8c7b60", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"}
	script, err := saveScript(savedTransaction(orgs[0]), orgs, []byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\\if :client_id % 3 = 0\nBEGIN READ WRITE;\n", "\\elif :client_id % 3 = 2\nBEGIN READ WRITE;\n", "COMMIT;\n\\endif\n",
		"WHERE id = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d' FOR UPDATE;",
		`E'{"changes"\x3a{"key_contact_role"\x3a{"from"\x3a"A","to"\x3a"B"}},"held_for_review"\x3afalse,"section"\x3a"contacts","at"\x3a"09\x3a30"}') RETURNING id, hash \gset`,
		"ARRAY[:id::bigint]", "'\\x" + fmt.Sprintf("%x", "0123456789abcdef0123456789abcdef") + "'::bytea, 'sha256')",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("script lacks %q:\n%s", want, script)
		}
	}
	for _, unwanted := range []string{"job_runs", "sessions", "'{7}'", `= '{"key_contact_name":`} {
		if strings.Contains(script, unwanted) {
			t.Errorf("script holds %q:\n%s", unwanted, script)
		}
	}
	if n := strings.Count(script, "BEGIN READ WRITE;\n"); n != 3 {
		t.Errorf("%d transactions in the script, want one per organisation", n)
	}
	if _, err := saveScript(savedTransaction(orgs[0])[:3], orgs, []byte("k")); err == nil {
		t.Error("a script made from statements with no audit event")
	}
	if _, err := saveScript(savedTransaction(orgs[0])[:7], orgs, []byte("k")); err == nil {
		t.Error("a script made from a transaction with no COMMIT")
	}
}

func TestPgbenchSafe(t *testing.T) {
	cases := []struct {
		in, want string
		wantErr  bool
	}{
		{"SELECT 1", "SELECT 1", false},
		{"SELECT '2026-01-01'::date", "SELECT '2026-01-01'::date", false},
		{`SELECT '{"a":1}'::jsonb, 'it''s'`, `SELECT E'{"a"\x3a1}'::jsonb, 'it''s'`, false},
		{`SELECT 'C:\dir:x it''s'`, `SELECT E'C\x3a\\dir\x3ax it''s'`, false},
		{"SELECT (array_agg(name))[1:3]", "SELECT (array_agg(name))[1: 3]", false},
		{"SELECT 'open", "", true},
		{`SELECT E'a:b'`, "", true},
	}
	for _, tc := range cases {
		got, err := pgbenchSafe(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("pgbenchSafe(%q) = %q, %v; want %q (error %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
