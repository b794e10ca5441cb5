package db_test

import (
	"context"
	"testing"

	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/jmoiron/sqlx"
)

// oneConnection is one connection of a new database's pool, where prepared statements live.
func oneConnection(t *testing.T) *sqlx.Conn {
	t.Helper()
	conn, err := dbtest.New(t).Connx(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// A parameterised statement is prepared once on a connection and run by name after that;
// one without parameters is not prepared at all.
func TestStatementsArePreparedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := oneConnection(t)
	for i := range 3 {
		var n int
		if err := conn.GetContext(ctx, &n, `SELECT count(*) FROM organisations WHERE name = $1`, "x"); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	if _, err := conn.ExecContext(ctx, `SELECT 1`); err != nil {
		t.Fatal(err)
	}
	var prepared []string
	if err := conn.SelectContext(ctx, &prepared, `SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%organisations WHERE name%'`); err != nil {
		t.Fatal(err)
	}
	if len(prepared) != 1 {
		t.Errorf("prepared statements for the query after three runs: %q, want one", prepared)
	}
}

// A migration that changes what a prepared statement returns makes PostgreSQL refuse the
// cached plan; the statement is prepared again and the read succeeds. Inside a transaction
// statements are not prepared, so one that another instance's migration changed cannot fail
// a transaction that could not be retried.
func TestStaleStatementsArePreparedAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := oneConnection(t)
	if _, err := conn.ExecContext(ctx, `CREATE TABLE stale_probe (id int, name text)`); err != nil {
		t.Fatal(err)
	}
	const read = `SELECT * FROM stale_probe WHERE id = $1`
	readOn := func(q sqlx.QueryerContext) error {
		rows, err := q.QueryxContext(ctx, read, 1)
		if err != nil {
			return err
		}
		return rows.Close()
	}
	if err := readOn(conn); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `ALTER TABLE stale_probe ADD COLUMN extra text`); err != nil {
		t.Fatal(err)
	}
	if err := readOn(conn); err != nil {
		t.Errorf("read after the table changed: %v", err)
	}
	if _, err := conn.ExecContext(ctx, `ALTER TABLE stale_probe DROP COLUMN extra`); err != nil {
		t.Fatal(err)
	}
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := readOn(tx); err != nil {
		t.Errorf("read in a transaction after the table changed: %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := readOn(conn); err != nil {
		t.Errorf("read after the transaction: %v", err)
	}
}

// One id is matched with =, so its plan is kept; several with = ANY.
func TestInIDs(t *testing.T) {
	one := "6f1c2f9e-4a51-4e0b-9b8f-1f0a8e3c2d11"
	if cond, arg := db.InIDs("o.id", "$2", []string{one}); cond != "o.id = $2::uuid" || arg != one {
		t.Errorf("one id: %q, %v", cond, arg)
	}
	if cond, _ := db.InIDs("o.id", "$2", []string{one, one}); cond != "o.id = ANY($2::uuid[])" {
		t.Errorf("two ids: %q", cond)
	}
}
