package db_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	portal "github.com/council/provider-portal"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/jmoiron/sqlx"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func countOrganisations(t *testing.T, d *sqlx.DB, name string) int {
	t.Helper()
	var n int
	if err := d.Get(&n, `SELECT count(*) FROM organisations WHERE name = $1`, name); err != nil {
		t.Fatal(err)
	}
	return n
}

func insertOrganisation(name string) func(tx *sqlx.Tx) error {
	return func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`INSERT INTO organisations (name) VALUES ($1)`, name)
		return err
	}
}

func TestTransact(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	errBoom := errors.New("boom")

	tests := []struct {
		name string
		// after inserting the row, fn returns this error (nil commits)
		fnErr error
		want  int
	}{
		{"commits when fn returns nil", nil, 1},
		{"rolls back when fn fails", errBoom, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			org := "org " + tc.name
			err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
				if err := insertOrganisation(org)(tx); err != nil {
					return err
				}
				return tc.fnErr
			})
			if !errors.Is(err, tc.fnErr) || (tc.fnErr == nil && err != nil) {
				t.Fatalf("Transact returned %v, want %v", err, tc.fnErr)
			}
			if got := countOrganisations(t, d, org); got != tc.want {
				t.Errorf("rows after Transact = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestTransactRollsBackAndRepanicsOnPanic(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	const org = "panicking org"
	type marker struct{ msg string }

	recovered := func() (p any) {
		defer func() { p = recover() }()
		_ = db.Transact(context.Background(), d, func(tx *sqlx.Tx) error {
			if err := insertOrganisation(org)(tx); err != nil {
				t.Errorf("insert: %v", err)
			}
			panic(marker{"from fn"})
		})
		return nil
	}()
	if m, ok := recovered.(marker); !ok || m.msg != "from fn" {
		t.Fatalf("recovered %#v, want the panic value from fn", recovered)
	}
	if got := countOrganisations(t, d, org); got != 0 {
		t.Errorf("rows after a panic = %d, want 0 (rolled back)", got)
	}
	// The connection went back to the pool usable: nothing is left in a transaction.
	var n int
	if err := d.Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d connections idle in transaction after the panic", n)
	}
}

func TestTransactReportsCommitFailure(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	// A deferred constraint is checked at COMMIT, so the failure comes from the commit.
	if _, err := d.Exec(`CREATE TABLE deferred_check (id int PRIMARY KEY, parent int REFERENCES deferred_check (id) DEFERRABLE INITIALLY DEFERRED)`); err != nil {
		t.Fatal(err)
	}
	err := db.Transact(context.Background(), d, func(tx *sqlx.Tx) error {
		_, err := tx.Exec(`INSERT INTO deferred_check VALUES (1, 42)`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "commit") || !db.IsCode(err, db.CodeForeignKeyViolation) {
		t.Fatalf("Transact = %v, want a wrapped commit error with code %s", err, db.CodeForeignKeyViolation)
	}
}

// lastMigration is the newest migration file, the one MigrateDown rolls back.
func lastMigration(t *testing.T) string {
	t.Helper()
	names, err := fs.Glob(portal.Migrations, "migrations/*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("no embedded migrations (%v)", err)
	}
	slices.Sort(names)
	return path.Base(names[len(names)-1])
}

// migrationStates maps each migration file to "applied" or "pending", from MigrateStatus.
func migrationStates(t *testing.T, d *sql.DB) map[string]string {
	t.Helper()
	var out bytes.Buffer
	if err := db.MigrateStatus(context.Background(), d, &out); err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			t.Fatalf("unexpected status line %q", line)
		}
		states[f[0]] = f[1]
	}
	return states
}

func TestMigrateDownThenUpRoundTripsTheLastMigration(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	last := lastMigration(t)

	before := migrationStates(t, d.DB)
	for name, state := range before {
		if state != "applied" {
			t.Fatalf("fresh test database: %s is %s, want applied", name, state)
		}
	}

	var out bytes.Buffer
	if err := db.MigrateDown(ctx, d.DB, &out); err != nil {
		t.Fatalf("MigrateDown: %v", err)
	}
	if !strings.Contains(out.String(), "rolled back "+last) {
		t.Errorf("MigrateDown printed %q, want it to name %s", out.String(), last)
	}
	down := migrationStates(t, d.DB)
	for name, state := range down {
		want := "applied"
		if name == last {
			want = "pending"
		}
		if state != want {
			t.Errorf("after MigrateDown %s is %s, want %s", name, state, want)
		}
	}

	out.Reset()
	if err := db.MigrateUp(ctx, d.DB, &out); err != nil {
		t.Fatalf("MigrateUp: %v", err)
	}
	if got := strings.Count(out.String(), "applied "); got != 1 || !strings.Contains(out.String(), last) {
		t.Errorf("MigrateUp printed %q, want exactly %s applied", out.String(), last)
	}
	for name, state := range migrationStates(t, d.DB) {
		if state != "applied" {
			t.Errorf("after MigrateUp %s is %s, want applied", name, state)
		}
	}
	if len(down) != len(before) {
		t.Errorf("status listed %d migrations after down, %d before", len(down), len(before))
	}

	// Nothing is pending, so a second MigrateUp applies nothing.
	out.Reset()
	if err := db.MigrateUp(ctx, d.DB, &out); err != nil {
		t.Fatalf("second MigrateUp: %v", err)
	}
	if out.Len() != 0 {
		t.Errorf("second MigrateUp printed %q, want nothing", out.String())
	}
}

func TestIsCode(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	if _, err := d.Exec(`INSERT INTO users (email, name, password_hash, roles) VALUES ('a@example.gov.uk', 'A', 'x', '{officer}')`); err != nil {
		t.Fatal(err)
	}
	_, dupErr := d.Exec(`INSERT INTO users (email, name, password_hash, roles) VALUES ('A@example.gov.uk', 'B', 'x', '{officer}')`)
	_, checkErr := d.Exec(`INSERT INTO users (email, name, password_hash, roles) VALUES ('b@example.gov.uk', '', 'x', '{officer}')`)
	_, fkErr := d.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES (gen_random_uuid(), gen_random_uuid())`)

	tests := []struct {
		name string
		err  error
		code string
		want bool
	}{
		{"unique violation", dupErr, db.CodeUniqueViolation, true},
		{"unique violation, wrapped", fmt.Errorf("create user: %w", dupErr), db.CodeUniqueViolation, true},
		{"unique violation is not a check violation", dupErr, db.CodeCheckViolation, false},
		{"check violation", checkErr, db.CodeCheckViolation, true},
		{"foreign key violation", fkErr, db.CodeForeignKeyViolation, true},
		{"foreign key violation is not unique", fkErr, db.CodeUniqueViolation, false},
		{"a plain error", errors.New("23505"), db.CodeUniqueViolation, false},
		{"nil", nil, db.CodeUniqueViolation, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := db.IsCode(tc.err, tc.code); got != tc.want {
				t.Errorf("IsCode(%v, %s) = %v, want %v", tc.err, tc.code, got, tc.want)
			}
		})
	}
}

func TestIsNoRows(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	var id string
	err := d.Get(&id, `SELECT id FROM users WHERE email = 'nobody@example.gov.uk'`)
	if !db.IsNoRows(err) || !db.IsNoRows(fmt.Errorf("load: %w", err)) {
		t.Errorf("IsNoRows(%v) = false, want true (also wrapped)", err)
	}
	if db.IsNoRows(errors.New("no rows")) || db.IsNoRows(nil) {
		t.Error("IsNoRows is true for an unrelated error or nil")
	}
}

func TestOpenFailsWhenTheServerIsUnreachable(t *testing.T) {
	t.Parallel()
	// Port 1 on loopback: nothing listens there, so the connection is refused at once.
	d, err := db.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=5")
	if err == nil {
		d.Close()
		t.Fatal("Open succeeded against a closed port")
	}
	if !strings.Contains(err.Error(), "connect to database") {
		t.Errorf("Open error = %v, want it to say it could not connect", err)
	}
}
