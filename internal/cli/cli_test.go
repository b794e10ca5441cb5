package cli_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	portal "github.com/council/provider-portal"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/cli"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/vault"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/jmoiron/sqlx"
)

func TestMain(m *testing.M) {
	auth.UseArgon2Params(auth.TestArgon2Params)
	dbtest.Main(m)
}

// result is what one command run printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// run runs the portal command in-process with vars as its whole environment.
func run(t *testing.T, vars map[string]string, stdin io.Reader, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Main(args, cli.Env{
		Stdin: stdin, Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return vars[k] },
	})
	return result{code, out.String(), errOut.String()}
}

// portalEnv is a complete production configuration for a fresh test database.
func portalEnv(t *testing.T) (map[string]string, *sqlx.DB) {
	t.Helper()
	url := dbtest.URL(t)
	d, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return map[string]string{
		"DATABASE_URL":    url,
		"PORTAL_DATA_KEY": "test1:" + vault.GenerateKey(),
		// One audit key for every command these tests run: it is process-wide (audit.UseKey).
		"PORTAL_AUDIT_KEY": base64.StdEncoding.EncodeToString(webtest.TestAuditKey),
		"LOG_LEVEL":        "error",
		// Production requires the OCDS publishing settings and the council's identity.
		"PORTAL_OCDS_PREFIX": "ocds-c11c11", "PORTAL_OCDS_BUYER_ID": "GB-LAE-CLI",
		"PORTAL_COUNCIL_NAME": "Command Line Council", "PORTAL_ICO_REGISTRATION": "Z1234567", "PORTAL_DPO_EMAIL": "dpo@cli-council.gov.uk",
	}, d
}

func TestMigrateStatusListsAppliedMigrations(t *testing.T) {
	t.Parallel()
	env, _ := portalEnv(t)
	res := run(t, env, nil, "migrate", "status")
	if res.code != 0 {
		t.Fatalf("exit %d, stderr %s", res.code, res.stderr)
	}
	files, err := fs.Glob(portal.Migrations, "migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no embedded migrations (%v)", err)
	}
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	if len(lines) != len(files) {
		t.Errorf("status printed %d lines for %d migrations:\n%s", len(lines), len(files), res.stdout)
	}
	for _, f := range files {
		name := path.Base(f)
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\s+applied `).MatchString(res.stdout) {
			t.Errorf("%s is not listed as applied:\n%s", name, res.stdout)
		}
	}
}

func TestMigrateDownAndUp(t *testing.T) {
	t.Parallel()
	env, _ := portalEnv(t)
	if res := run(t, env, nil, "migrate", "down"); res.code != 0 || !strings.Contains(res.stdout, "rolled back") {
		t.Fatalf("migrate down: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	if res := run(t, env, nil, "migrate", "status"); !strings.Contains(res.stdout, "pending") {
		t.Fatalf("after migrate down nothing is pending:\n%s", res.stdout)
	}
	if res := run(t, env, nil, "migrate", "up"); res.code != 0 || strings.Count(res.stdout, "applied ") != 1 {
		t.Fatalf("migrate up: exit %d, stdout %q, stderr %q; want one migration applied", res.code, res.stdout, res.stderr)
	}
	if res := run(t, env, nil, "migrate", "status"); strings.Contains(res.stdout, "pending") {
		t.Fatalf("after migrate up something is pending:\n%s", res.stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	env, _ := portalEnv(t)
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantStderr string
	}{
		{"no command", env, nil, "Usage:"},
		{"unknown command", env, []string{"launch"}, `unknown command "launch"`},
		{"migrate without a direction", env, []string{"migrate"}, "say up, down or status"},
		{"migrate sideways", env, []string{"migrate", "sideways"}, `unknown migrate command "sideways"`},
		{"migrate without a database", map[string]string{}, []string{"migrate", "status"}, "DATABASE_URL is not set"},
		{"users without a subcommand", env, []string{"users"}, "say add or disable"},
		{"users rename", env, []string{"users", "rename"}, `unknown users command "rename"`},
		{"users add without a name", env, []string{"users", "add", "--email", "x@example.gov.uk", "--role", "officer"}, "--email, --name and at least one --role are required"},
		{"users add with an unknown flag", env, []string{"users", "add", "--colour", "blue"}, "flag provided but not defined"},
		{"users disable without an email", env, []string{"users", "disable"}, "--email is required"},
		{"users disable of nobody", env, []string{"users", "disable", "--email", "nobody@example.gov.uk"}, "No user has that email address"},
		{"audit without verify", env, []string{"audit"}, "say verify"},
		{"audit without a database", map[string]string{}, []string{"audit", "verify"}, "DATABASE_URL is not set"},
		{"totp without a secret", env, []string{"totp"}, "give the secret"},
		{"totp with a bad secret", env, []string{"totp", "not!base32"}, "not a valid TOTP secret"},
		{"invalid configuration", map[string]string{"PORTAL_ENV": "staging"}, []string{"migrate", "status"}, "PORTAL_ENV must be one of"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, tc.env, nil, tc.args...)
			if res.code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tc.wantStderr) {
				t.Errorf("stderr %q does not contain %q", res.stderr, tc.wantStderr)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"help", "-h", "--help"} {
		res := run(t, nil, nil, arg)
		if res.code != 0 || !strings.Contains(res.stdout, "portal users add") {
			t.Errorf("%s: exit %d, stdout %q; want the usage on stdout", arg, res.code, res.stdout)
		}
	}
}

func TestServeNeedsDatabaseAndKey(t *testing.T) {
	t.Parallel()
	res := run(t, map[string]string{}, nil, "serve")
	if res.code != 2 {
		t.Errorf("exit %d, want 2", res.code)
	}
	for _, name := range []string{"DATABASE_URL", "PORTAL_DATA_KEY"} {
		if !strings.Contains(res.stderr, name) {
			t.Errorf("stderr does not name %s:\n%s", name, res.stderr)
		}
	}
}

func TestServeRefusesPlainHTTPBaseURLInProduction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		baseURL string
		refused bool
	}{
		{"http://portal.example.gov.uk", true},
		{"http://localhost:8080", false},
		{"https://portal.example.gov.uk", false},
	}
	for _, tc := range tests {
		// Without DATABASE_URL serve always stops at the configuration check, which lists
		// every problem: BASE_URL is among them only when it is refused.
		res := run(t, map[string]string{"BASE_URL": tc.baseURL}, nil, "serve")
		if got := strings.Contains(res.stderr, "BASE_URL must use https"); got != tc.refused || res.code != 2 {
			t.Errorf("BASE_URL=%s: exit %d, refused=%v, want refused=%v\n%s", tc.baseURL, res.code, got, tc.refused, res.stderr)
		}
	}
}

type userRow struct {
	ID           string     `db:"id"`
	Name         string     `db:"name"`
	PasswordHash string     `db:"password_hash"`
	Roles        string     `db:"roles"`
	Confirmed    *time.Time `db:"email_confirmed_at"`
	Disabled     *time.Time `db:"disabled_at"`
}

func userByEmail(t *testing.T, d *sqlx.DB, email string) userRow {
	t.Helper()
	var u userRow
	if err := d.Get(&u, `SELECT id, name, password_hash, array_to_string(roles, ',') AS roles, email_confirmed_at, disabled_at
		FROM users WHERE email = $1`, email); err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u
}

func auditActions(t *testing.T, d *sqlx.DB, objectID string) []string {
	t.Helper()
	var actions []string
	if err := d.Select(&actions, `SELECT action FROM audit_events WHERE object_id = $1 ORDER BY id`, objectID); err != nil {
		t.Fatal(err)
	}
	return actions
}

func TestUsersAddWithPasswordOnStdin(t *testing.T) {
	t.Parallel()
	env, d := portalEnv(t)
	const password = "lantern-quarry-mosaic-91"
	res := run(t, env, strings.NewReader(password+"\n"),
		"users", "add", "--email", "Officer@Example.gov.uk", "--name", "Olive Officer", "--role", "officer", "--role", "finance")
	if res.code != 0 {
		t.Fatalf("exit %d, stderr %s", res.code, res.stderr)
	}
	if strings.Contains(res.stdout, "Password (shown once)") || strings.Contains(res.stdout, password) {
		t.Errorf("a password given on stdin was printed:\n%s", res.stdout)
	}
	if !strings.Contains(res.stdout, "authenticator app") {
		t.Errorf("stdout does not tell a staff user about TOTP set-up:\n%s", res.stdout)
	}

	u := userByEmail(t, d, "officer@example.gov.uk")
	if u.Name != "Olive Officer" || u.Roles != "officer,finance" || u.Confirmed == nil || u.Disabled != nil {
		t.Errorf("user = %+v, want Olive Officer, officer and finance, email confirmed, enabled", u)
	}
	if ok, err := auth.VerifyPassword(u.PasswordHash, password); err != nil || !ok {
		t.Errorf("the stored hash does not verify the password from stdin (%v)", err)
	}
	if !strings.Contains(res.stdout, u.ID) {
		t.Errorf("stdout does not give the new user's id %s:\n%s", u.ID, res.stdout)
	}

	var actor string
	if err := d.Get(&actor, `SELECT actor_email FROM audit_events WHERE action = 'user.create' AND object_id = $1`, u.ID); err != nil {
		t.Fatalf("no user.create audit event: %v", err)
	}
	if !strings.HasPrefix(actor, "portal-cli:") {
		t.Errorf("user.create recorded actor %q, want the command line operator", actor)
	}
}

func TestUsersAddGeneratesAPassword(t *testing.T) {
	t.Parallel()
	env, d := portalEnv(t)
	for _, tc := range []struct {
		name  string
		stdin io.Reader
	}{
		{"no stdin", nil},
		{"empty stdin", strings.NewReader("")},
		{"blank line on stdin", strings.NewReader("\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			email := strings.ReplaceAll(tc.name, " ", "-") + "@provider.example.com"
			res := run(t, env, tc.stdin, "users", "add", "--email", email, "--name", "Pat Provider", "--role", "provider")
			if res.code != 0 {
				t.Fatalf("exit %d, stderr %s", res.code, res.stderr)
			}
			if n := strings.Count(res.stdout, "Password (shown once)"); n != 1 {
				t.Fatalf("the generated password was announced %d times, want once:\n%s", n, res.stdout)
			}
			m := regexp.MustCompile(`Password \(shown once\): (\S+)\n`).FindStringSubmatch(res.stdout)
			if m == nil {
				t.Fatalf("no password in:\n%s", res.stdout)
			}
			u := userByEmail(t, d, email)
			if ok, err := auth.VerifyPassword(u.PasswordHash, m[1]); err != nil || !ok {
				t.Errorf("the printed password %q does not verify against the stored hash (%v)", m[1], err)
			}
			if strings.Contains(res.stdout, "authenticator app") {
				t.Errorf("a provider user was told to set up TOTP:\n%s", res.stdout)
			}
		})
	}
}

func TestUsersAddRefusals(t *testing.T) {
	t.Parallel()
	env, d := portalEnv(t)
	if res := run(t, env, strings.NewReader("lantern-quarry-mosaic-91\n"),
		"users", "add", "--email", "taken@example.gov.uk", "--name", "First", "--role", "officer"); res.code != 0 {
		t.Fatalf("setup: exit %d, stderr %s", res.code, res.stderr)
	}
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantStderr string
	}{
		{"unknown role", []string{"--email", "a@example.gov.uk", "--name", "A", "--role", "wizard"}, "", `unknown role "wizard"`},
		{"provider with a council role", []string{"--email", "b@example.gov.uk", "--name", "B", "--role", "provider,officer"}, "", "A provider user cannot also hold a council role"},
		{"email in use", []string{"--email", "TAKEN@example.gov.uk", "--name", "Second", "--role", "officer"}, "", "already exists"},
		{"bad email", []string{"--email", "not-an-email", "--name", "C", "--role", "officer"}, "", "email: "},
		{"common password", []string{"--email", "d@example.gov.uk", "--name", "D", "--role", "officer"}, "password\n", "password: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, env, strings.NewReader(tc.stdin), append([]string{"users", "add"}, tc.args...)...)
			if res.code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tc.wantStderr) {
				t.Errorf("stderr %q does not contain %q", res.stderr, tc.wantStderr)
			}
			if strings.Contains(res.stdout, "Added") {
				t.Errorf("stdout claims a user was added:\n%s", res.stdout)
			}
		})
	}
	var n int
	if err := d.Get(&n, `SELECT count(*) FROM users`); err != nil || n != 1 {
		t.Errorf("%d users after the refusals (%v), want only the first", n, err)
	}
}

func TestUsersDisableEndsSessions(t *testing.T) {
	t.Parallel()
	env, d := portalEnv(t)
	ctx := context.Background()
	if res := run(t, env, strings.NewReader("lantern-quarry-mosaic-91\n"),
		"users", "add", "--email", "leaver@example.gov.uk", "--name", "Lee Leaver", "--role", "officer"); res.code != 0 {
		t.Fatalf("setup: exit %d, stderr %s", res.code, res.stderr)
	}
	if res := run(t, env, strings.NewReader("lantern-quarry-mosaic-92\n"),
		"users", "add", "--email", "stayer@example.gov.uk", "--name", "Sam Stayer", "--role", "officer"); res.code != 0 {
		t.Fatalf("setup: exit %d, stderr %s", res.code, res.stderr)
	}
	leaver, stayer := userByEmail(t, d, "leaver@example.gov.uk"), userByEmail(t, d, "stayer@example.gov.uk")
	timeouts := auth.SessionTimeouts{Idle: time.Hour, Absolute: 2 * time.Hour}
	for _, id := range []string{leaver.ID, leaver.ID, stayer.ID} {
		if _, _, err := auth.NewSession(ctx, d, id, auth.StageFull, "", timeouts, "192.0.2.1", "test"); err != nil {
			t.Fatal(err)
		}
	}

	res := run(t, env, nil, "users", "disable", "--email", "LEAVER@example.gov.uk")
	if res.code != 0 || !strings.Contains(res.stdout, "Disabled Lee Leaver") {
		t.Fatalf("exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	sessions := func(id string) int {
		var n int
		if err := d.Get(&n, `SELECT count(*) FROM sessions WHERE user_id = $1`, id); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := sessions(leaver.ID); n != 0 {
		t.Errorf("the disabled user has %d sessions, want 0", n)
	}
	if n := sessions(stayer.ID); n != 1 {
		t.Errorf("another user has %d sessions, want their 1 kept", n)
	}
	if u := userByEmail(t, d, "leaver@example.gov.uk"); u.Disabled == nil {
		t.Error("the user is not marked disabled")
	}
	if u := userByEmail(t, d, "stayer@example.gov.uk"); u.Disabled != nil {
		t.Error("another user was disabled")
	}
	if got := auditActions(t, d, leaver.ID); len(got) != 2 || got[1] != "user.disable" {
		t.Errorf("audit events for the user = %v, want user.create then user.disable", got)
	}
}

func TestAuditVerify(t *testing.T) {
	t.Parallel()
	env, d := portalEnv(t)
	for _, email := range []string{"one@example.gov.uk", "two@example.gov.uk", "three@example.gov.uk"} {
		if res := run(t, env, strings.NewReader("lantern-quarry-mosaic-91\n"),
			"users", "add", "--email", email, "--name", "Someone", "--role", "officer"); res.code != 0 {
			t.Fatalf("setup: exit %d, stderr %s", res.code, res.stderr)
		}
	}
	var ids []int64
	if err := d.Select(&ids, `SELECT id FROM audit_events ORDER BY id`); err != nil || len(ids) < 3 {
		t.Fatalf("audit events %v (%v), want at least 3", ids, err)
	}

	res := run(t, env, nil, "audit", "verify")
	if res.code != 0 || !strings.Contains(res.stdout, "Audit trail intact") {
		t.Fatalf("intact chain: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}

	// Alter the middle event as the table owner could, with the append-only trigger off.
	if err := db.Transact(context.Background(), d, func(tx *sqlx.Tx) error {
		for _, q := range []string{
			`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`,
			`UPDATE audit_events SET summary = '{"email": "someone-else@example.gov.uk"}' WHERE id = ` + itoa(ids[1]),
			`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`,
		} {
			if _, err := tx.Exec(q); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	res = run(t, env, nil, "audit", "verify")
	if res.code != 1 {
		t.Errorf("tampered chain: exit %d, want 1", res.code)
	}
	if want := "broken at event " + itoa(ids[1]); !strings.Contains(res.stderr, want) {
		t.Errorf("stderr %q does not say %q", res.stderr, want)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestKeygenPrintsAUsableKey(t *testing.T) {
	t.Parallel()
	var keys []string
	for range 2 {
		res := run(t, nil, nil, "keygen")
		if res.code != 0 {
			t.Fatalf("exit %d, stderr %s", res.code, res.stderr)
		}
		key := strings.TrimSpace(res.stdout)
		v, err := vault.ParseKeys(key)
		if err != nil {
			t.Fatalf("keygen printed %q, which ParseKeys refuses: %v", key, err)
		}
		sealed, err := v.Seal("12345678", "test")
		if err != nil {
			t.Fatal(err)
		}
		if opened, err := v.Open(sealed, "test"); err != nil || opened != "12345678" {
			t.Fatalf("a value sealed with the new key opens as %q (%v)", opened, err)
		}
		keys = append(keys, key)
	}
	if keys[0] == keys[1] {
		t.Error("two keygen runs printed the same key")
	}
}

func TestTOTPPrintsTheCurrentCode(t *testing.T) {
	t.Parallel()
	const secret = "JBSWY3DPEHPK3PXP"
	res := run(t, nil, nil, "totp", secret)
	if res.code != 0 {
		t.Fatalf("exit %d, stderr %s", res.code, res.stderr)
	}
	code := strings.TrimSpace(res.stdout)
	// ValidateTOTP accepts one step either side, so a step boundary passing between the
	// command and this check does not matter.
	if _, ok := auth.ValidateTOTP(secret, code, time.Now()); !ok {
		t.Errorf("totp printed %q, which is not a current code for the secret", code)
	}
}

// TestAuditCheckpointFindsADeletedTail: a checkpoint printed by `portal audit checkpoint`
// and kept outside the database makes `portal audit verify --checkpoint` fail after the
// newest events (and the stored checkpoints) are deleted in the database.
func TestAuditCheckpointFindsADeletedTail(t *testing.T) {
	t.Parallel()
	env, d := portalEnv(t)
	for _, email := range []string{"one@example.gov.uk", "two@example.gov.uk"} {
		if res := run(t, env, strings.NewReader("lantern-quarry-mosaic-91\n"),
			"users", "add", "--email", email, "--name", "Someone", "--role", "officer"); res.code != 0 {
			t.Fatalf("setup: exit %d, stderr %s", res.code, res.stderr)
		}
	}
	res := run(t, env, nil, "audit", "checkpoint")
	line := strings.TrimSpace(res.stdout)
	if res.code != 0 || !strings.HasPrefix(line, "portal-audit-checkpoint v1 ") {
		t.Fatalf("checkpoint: exit %d, %q %q", res.code, res.stdout, res.stderr)
	}
	if res := run(t, env, nil, "audit", "verify", "--checkpoint", line); res.code != 0 || !strings.Contains(res.stdout, "checkpoints match") {
		t.Fatalf("before: exit %d, %q %q", res.code, res.stdout, res.stderr)
	}
	if err := db.Transact(context.Background(), d, func(tx *sqlx.Tx) error {
		for _, q := range []string{
			`ALTER TABLE audit_events DISABLE TRIGGER USER`,
			`DELETE FROM audit_events WHERE id > (SELECT min(id) FROM audit_events)`,
			`ALTER TABLE audit_events ENABLE TRIGGER USER`,
			`DELETE FROM audit_checkpoints`,
		} {
			if _, err := tx.Exec(q); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if res := run(t, env, nil, "audit", "verify"); res.code != 0 {
		t.Fatalf("without the kept line the shortened trail should pass (that is the attack): exit %d %q", res.code, res.stderr)
	}
	res = run(t, env, nil, "audit", "verify", "--checkpoint", line)
	if res.code != 1 || !strings.Contains(res.stderr, "gone") {
		t.Errorf("with the kept line: exit %d, stderr %q", res.code, res.stderr)
	}
	if res := run(t, env, nil, "audit", "verify", "--checkpoint", "not a checkpoint"); res.code != 2 {
		t.Errorf("a malformed line: exit %d, want 2", res.code)
	}
}
