package dbtest_test

import (
	"context"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	portal "github.com/council/provider-portal"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// Two tests get two databases: a table made in one is absent from the other.
func TestDatabasesAreSeparate(t *testing.T) {
	var mu sync.Mutex
	names := map[string]bool{}
	made, checked := make(chan struct{}), make(chan struct{})
	t.Run("group", func(t *testing.T) {
		t.Run("creates", func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			var name string
			if err := d.Get(&name, `SELECT current_database()`); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			names[name] = true
			mu.Unlock()
			d.MustExec(`CREATE TABLE only_here (x int)`)
			close(made)
			<-checked // keep the database until the other test has looked
		})
		t.Run("looks", func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			<-made
			defer close(checked)
			var name string
			if err := d.Get(&name, `SELECT current_database()`); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			names[name] = true
			mu.Unlock()
			var n int
			if err := d.Get(&n, `SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'`); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Error("a table created in another test's database is visible")
			}
		})
	})
	if len(names) != 2 {
		t.Fatalf("two tests got databases %v, want two different ones", names)
	}
	for name := range names {
		if !strings.HasPrefix(name, "test_") {
			t.Errorf("database name %q", name)
		}
	}
}

// Every embedded migration is applied.
func TestMigrated(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	var applied []int64
	if err := d.Select(&applied, `SELECT version_id FROM goose_db_version WHERE is_applied AND version_id > 0 ORDER BY version_id`); err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(portal.Migrations, "migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v %v", files, err)
	}
	var want []int64
	for _, f := range files {
		base := strings.TrimPrefix(f, "migrations/")
		v, err := strconv.ParseInt(base[:strings.IndexByte(base, '_')], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, v)
	}
	if len(applied) != len(want) {
		t.Fatalf("applied versions %v, migration files %v", applied, want)
	}
	for i := range want {
		if applied[i] != want[i] {
			t.Fatalf("applied versions %v, migration files %v", applied, want)
		}
	}
	var ext int
	if err := d.Get(&ext, `SELECT count(*) FROM pg_extension WHERE extname = 'pgcrypto'`); err != nil || ext != 1 {
		t.Fatalf("pgcrypto: %d %v", ext, err)
	}
}

// The database goes when its test ends.
func TestDroppedAtCleanup(t *testing.T) {
	var name string
	t.Run("inner", func(t *testing.T) {
		d := dbtest.New(t)
		if err := d.Get(&name, `SELECT current_database()`); err != nil {
			t.Fatal(err)
		}
		// A session left open must not stop the drop.
		conn, err := d.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		_ = conn
	})
	d := dbtest.New(t)
	var n int
	if err := d.Get(&n, `SELECT count(*) FROM pg_database WHERE datname = $1`, name); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("database %s still exists after its test ended", name)
	}
}

// URL gives a connection string a test can hand to the app.
func TestURL(t *testing.T) {
	t.Parallel()
	u := dbtest.URL(t)
	d, err := db.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.Get(&n, `SELECT count(*) FROM goose_db_version`); err != nil || n == 0 {
		t.Fatalf("goose_db_version: %d %v", n, err)
	}
}

func TestManyInParallel(t *testing.T) {
	for i := range 8 {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			t.Parallel()
			d := dbtest.New(t)
			d.MustExec(`CREATE TABLE mine (x int)`)
			d.MustExec(`INSERT INTO mine VALUES ($1)`, i)
			var x int
			if err := d.Get(&x, `SELECT x FROM mine`); err != nil || x != i {
				t.Fatalf("x = %d, %v", x, err)
			}
		})
	}
}

func TestCluster(t *testing.T) {
	c := dbtest.Cluster(t)
	if os.Getenv(dbtest.EnvURL) != "" {
		if c != nil {
			t.Fatal("Cluster is not nil under TEST_DATABASE_URL")
		}
		return
	}
	if c == nil || c.Port() == 0 {
		t.Fatal("no private cluster")
	}
}

// A test's own cluster can be stopped and restarted; its data survives.
func TestNewCluster(t *testing.T) {
	t.Parallel()
	c := dbtest.NewCluster(t)
	d, err := db.Open(context.Background(), c.URL("portal"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.MustExec(`CREATE TABLE kept (x int)`)
	d.MustExec(`INSERT INTO kept VALUES (5)`)
	if err := c.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := d.Ping(); err == nil {
		t.Fatal("ping succeeds with the cluster stopped")
	}
	if err := c.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	var x int
	for i := 0; ; i++ {
		err := d.Get(&x, `SELECT x FROM kept`)
		if err == nil {
			break
		}
		if i == 5 {
			t.Fatal(err)
		}
	}
	if x != 5 {
		t.Fatalf("x = %d", x)
	}
}
