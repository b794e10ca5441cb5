package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/privacy"
)

// The test binary's TestMain (cli_test.go) stops the private PostgreSQL server afterwards.

// runPortal runs the portal command in-process with the given environment and standard input.
func runPortal(t *testing.T, vars map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return vars[k] }})
	return code, out.String(), errOut.String()
}

// TestNoticesPublish publishes versions from a file and from standard input, and refuses
// bad command lines without touching the database.
func TestNoticesPublish(t *testing.T) {
	t.Parallel()
	url := dbtest.URL(t)
	d, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	vars := map[string]string{"DATABASE_URL": url}
	dir := t.TempDir()
	bodyFile := filepath.Join(dir, "notice.md")
	if err := os.WriteFile(bodyFile, []byte("## What we collect\n\nYour name, from {council_name}.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.md")
	if err := os.WriteFile(empty, []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}

	refused := []struct {
		name  string
		vars  map[string]string
		stdin string
		args  []string
	}{
		{"no subcommand", vars, "", []string{"notices"}},
		{"unknown subcommand", vars, "", []string{"notices", "withdraw"}},
		{"no title", vars, "", []string{"notices", "publish", "--effective", "2026-01-01", "--file", bodyFile}},
		{"no date", vars, "", []string{"notices", "publish", "--title", "T", "--file", bodyFile}},
		{"not a date", vars, "", []string{"notices", "publish", "--title", "T", "--effective", "1 April 2026", "--file", bodyFile}},
		{"impossible date", vars, "", []string{"notices", "publish", "--title", "T", "--effective", "2026-02-30", "--file", bodyFile}},
		{"no file", vars, "", []string{"notices", "publish", "--title", "T", "--effective", "2026-01-01"}},
		{"missing file", vars, "", []string{"notices", "publish", "--title", "T", "--effective", "2026-01-01", "--file", filepath.Join(dir, "none.md")}},
		{"empty body", vars, "", []string{"notices", "publish", "--title", "T", "--effective", "2026-01-01", "--file", empty}},
		{"not UTF-8", vars, "\xff\xfe notice", []string{"notices", "publish", "--title", "T", "--effective", "2026-01-01", "--file", "-"}},
		{"no database", map[string]string{}, "", []string{"notices", "publish", "--title", "T", "--effective", "2026-01-01", "--file", bodyFile}},
	}
	for _, tt := range refused {
		code, _, stderr := runPortal(t, tt.vars, tt.stdin, tt.args...)
		if code != 2 || stderr == "" {
			t.Errorf("%s: exit %d, stderr %q; want 2 with a message", tt.name, code, stderr)
		}
	}
	var versions int
	if err := d.Get(&versions, `SELECT count(*) FROM privacy_notices`); err != nil || versions != 1 {
		t.Fatalf("%d notices after refused commands (%v), want the shipped one only", versions, err)
	}

	code, stdout, stderr := runPortal(t, vars, "", "notices", "publish", "--title", "Privacy notice for care providers",
		"--effective", "2026-01-02", "--file", bodyFile, "--by", "Dana Price, Data Protection Officer")
	if code != 0 || !strings.Contains(stdout, "version 2") {
		t.Fatalf("publish from a file: exit %d\n%s%s", code, stdout, stderr)
	}
	n, err := privacy.Current(context.Background(), d, privacy.AudienceProvider)
	if err != nil {
		t.Fatal(err)
	}
	if n.Version != 2 || n.Title != "Privacy notice for care providers" || n.EffectiveFrom.Format("2006-01-02") != "2026-01-02" ||
		!strings.HasPrefix(n.BodyMarkdown, "## What we collect") || n.PublishedByName != "Dana Price, Data Protection Officer" {
		t.Errorf("current notice after publishing: %+v", n)
	}
	var actor string
	if err := d.Get(&actor, `SELECT actor_email FROM audit_events WHERE action = 'privacy_notice.published' AND object_id = $1`, n.ID); err != nil {
		t.Fatalf("publication not audited: %v", err)
	}
	if !strings.HasPrefix(actor, "portal-cli:") {
		t.Errorf("published by %q, want the operator", actor)
	}

	code, stdout, stderr = runPortal(t, vars, "## Changes\n\nWe now keep less.\n", "notices", "publish", "--title", "Privacy notice (revised)",
		"--effective", "2026-01-03", "--file", "-")
	if code != 0 || !strings.Contains(stdout, "version 3") {
		t.Fatalf("publish from standard input: exit %d\n%s%s", code, stdout, stderr)
	}
	if n, err = privacy.Current(context.Background(), d, privacy.AudienceProvider); err != nil || n.Version != 3 || n.BodyMarkdown != "## Changes\n\nWe now keep less.\n" || !strings.HasPrefix(n.PublishedByName, "portal-cli:") {
		t.Errorf("current notice after publishing from standard input: %+v, %v", n, err)
	}
}

// TestUsageNamesNotices keeps the command in the help text.
func TestUsageNamesNotices(t *testing.T) {
	code, stdout, _ := runPortal(t, nil, "", "help")
	if code != 0 || !strings.Contains(stdout, "portal notices publish --title T --effective YYYY-MM-DD --file BODY.md") {
		t.Errorf("help: exit %d\n%s", code, stdout)
	}
}
