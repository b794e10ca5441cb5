// Package dbtest gives tests real PostgreSQL databases: each test gets its own freshly
// migrated database, dropped when the test ends, so tests can run in parallel and never
// see each other's rows.
//
// Call Main from the package's TestMain, so the private server (below) is stopped when
// the tests are done:
//
//	func TestMain(m *testing.M) { dbtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		t.Parallel()
//		d := dbtest.New(t) // *sqlx.DB on a new, fully migrated database
//		...
//	}
//
// The server: when TEST_DATABASE_URL is set, that server, where the role must be allowed
// to create databases (a superuser, or CREATEDB). Otherwise a private, throw-away cluster
// is started with devdb the first time a test asks, one per test process, in a temporary
// directory, tuned for speed (no fsync); it is stopped by Main after the tests, and on
// Linux also if the test process dies. Without Main it is still shut down when the
// process exits, but its directory is only removed by a later run.
// When neither is available, tests fail (never skip) with a message saying what to do.
//
// The migrations are applied once per server and set of migrations, into a template
// database named after a hash of the embedded migration files; each test's database is a
// copy of it (CREATE DATABASE ... TEMPLATE), which takes milliseconds. Test processes
// sharing a TEST_DATABASE_URL server build the template once, under an advisory lock.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	portal "github.com/council/provider-portal"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/devdb"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// EnvURL names the variable pointing the tests at an existing server, e.g.
// postgres://portal:secret@localhost:5432/postgres?sslmode=disable.
const EnvURL = "TEST_DATABASE_URL"

// tempPrefix starts the names of the temporary directories of private clusters, so a
// later run can find and remove those a killed test process left behind.
const tempPrefix = "portal-dbtest-"

// templateLockKey is the advisory lock guarding the building of template databases.
const templateLockKey int64 = 0x706f7274616c7462 // "portaltb"

// server is where the test databases are made.
type server struct {
	admin    *sql.DB                  // maintenance connection: creates and drops databases
	dsn      func(name string) string // connection string for a database on this server
	cluster  *devdb.Cluster           // the private cluster; nil under TEST_DATABASE_URL
	root     string                   // the private cluster's temporary directory
	template string                   // the migrated template database
}

var (
	mu        sync.Mutex
	shared    *server
	sharedErr error // why the server could not be had; every later test fails with it too
)

// Main runs the tests and then stops the private cluster, if one was started, and
// removes its directory. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	shutdown()
	os.Exit(code)
}

// New returns a connection pool (db.Open) to a new database holding every migration,
// for this test alone. The pool is closed and the database dropped when the test ends.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	dsn := URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// URL creates a new migrated database for this test, like New, and returns its
// connection string instead of a pool: for tests that start the app or binary
// themselves. The database is dropped when the test ends, ending any session still on it.
func URL(t testing.TB) string {
	t.Helper()
	s := get(t)
	name, err := randomName()
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)+" TEMPLATE "+pq.QuoteIdentifier(s.template)); err != nil {
		t.Fatalf("dbtest: create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
			t.Logf("dbtest: drop test database %s: %v", name, err)
		}
	})
	return s.dsn(name)
}

// Cluster returns the private cluster the test databases live on, for fault tests that
// stop and restart the database (Stop, then Restart, which keeps the port, so URLs stay
// valid). It returns nil when TEST_DATABASE_URL is set. The cluster is shared by every
// test in the process, so a test stopping it must not run in parallel with others and
// must restart it before it ends; NewCluster gives a test a cluster of its own instead.
func Cluster(t testing.TB) *devdb.Cluster {
	t.Helper()
	return get(t).cluster
}

// NewCluster starts a private cluster for this test alone, with a migrated database
// named "portal" (c.URL("portal")), stopped and deleted when the test ends. It needs the
// PostgreSQL server programs even when TEST_DATABASE_URL is set, and takes a second or
// two, so use it only for tests that take the database away.
func NewCluster(t testing.TB) *devdb.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, root, err := startTempCluster(ctx, "portal")
	if errors.Is(err, devdb.ErrNoBinaries) {
		t.Fatalf("dbtest: NewCluster needs the PostgreSQL server programs (initdb, pg_ctl, postgres), even when %s is set; install them (e.g. `apt-get install postgresql`)", EnvURL)
	}
	if err != nil {
		t.Fatalf("dbtest: start a private PostgreSQL server: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Logf("dbtest: %v", err)
		}
		os.RemoveAll(root)
	})
	if err := migrate(ctx, c.URL("portal")); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return c
}

// get returns the server, setting it up on first use; it fails the test if there is none.
func get(t testing.TB) *server {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if shared == nil && sharedErr == nil {
		shared, sharedErr = setup()
	}
	if sharedErr != nil {
		t.Fatalf("dbtest: %v", sharedErr)
	}
	return shared
}

func setup() (*server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s := &server{}
	var adminURL string
	if u := os.Getenv(EnvURL); u != "" {
		adminURL = u
		s.dsn = func(name string) string { return withDatabase(u, name) }
	} else {
		reapLeftovers()
		c, root, err := startTempCluster(ctx, "")
		if err != nil {
			return nil, noServer(err)
		}
		s.cluster, s.root = c, root
		s.dsn = c.URL
		adminURL = c.URL("postgres")
	}
	fail := func(err error) (*server, error) {
		s.close()
		return nil, err
	}
	admin, err := sql.Open("postgres", adminURL)
	if err != nil {
		return fail(err)
	}
	s.admin = admin
	if err := admin.PingContext(ctx); err != nil {
		return fail(fmt.Errorf("connect to %s: %w", redact(adminURL), err))
	}
	if s.template, err = s.ensureTemplate(ctx); err != nil {
		return fail(err)
	}
	return s, nil
}

// noServer explains what to do when no PostgreSQL could be had.
func noServer(err error) error {
	if errors.Is(err, devdb.ErrNoBinaries) {
		return fmt.Errorf("no PostgreSQL to test against: the PostgreSQL server programs (initdb, pg_ctl, postgres) are not installed, and %s is not set. "+
			"Either install them (e.g. `apt-get install postgresql`; brew install postgresql@16 on macOS) so the tests start a private throw-away server, "+
			"or set %s to a server where this role may create databases, e.g. one from `docker compose up`: "+
			"%s=postgres://USER:PASSWORD@localhost:5432/postgres?sslmode=disable", EnvURL, EnvURL, EnvURL)
	}
	return fmt.Errorf("start a private PostgreSQL server (set %s to use an existing one instead): %w", EnvURL, err)
}

func shutdown() {
	mu.Lock()
	defer mu.Unlock()
	if shared != nil {
		shared.close()
		shared = nil
	}
	sharedErr = errors.New("dbtest: the test server was shut down (dbtest.Main returned)")
}

func (s *server) close() {
	if s.admin != nil {
		s.admin.Close()
	}
	if s.cluster != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.cluster.Stop(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "dbtest: %v\n", err)
		}
	}
	if s.root != "" {
		os.RemoveAll(s.root)
	}
}

// startTempCluster starts an ephemeral cluster in a new temporary directory, recording
// this process as its owner so reapLeftovers can tell when it is abandoned.
func startTempCluster(ctx context.Context, database string) (*devdb.Cluster, string, error) {
	if _, err := devdb.FindBinaries(); err != nil {
		return nil, "", err // before making a directory for nothing
	}
	root, err := devdb.MkdirTemp(tempPrefix + "*")
	if err != nil {
		return nil, "", err
	}
	if err := os.WriteFile(filepath.Join(root, "owner"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		os.RemoveAll(root)
		return nil, "", err
	}
	c, err := devdb.Start(ctx, devdb.Options{Dir: filepath.Join(root, "pg"), Database: database, Ephemeral: true})
	if err != nil {
		os.RemoveAll(root)
		return nil, "", err
	}
	return c, root, nil
}

// reapLeftovers removes the directories of private clusters whose test process died
// without cleaning up (killed, timed out, or no Main). Their servers have exited by
// then on Linux; a directory whose server still runs is left alone.
func reapLeftovers() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), tempPrefix+"*"))
	for _, root := range dirs {
		fi, err := os.Stat(root)
		if err != nil || !fi.IsDir() || time.Since(fi.ModTime()) < time.Minute {
			continue // possibly being set up right now
		}
		if b, err := os.ReadFile(filepath.Join(root, "owner")); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && processAlive(pid) {
				continue
			}
		}
		if devdb.Running(filepath.Join(root, "pg")) {
			continue
		}
		os.RemoveAll(root)
	}
}

func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return !errors.Is(err, os.ErrProcessDone) && !errors.Is(err, syscall.ESRCH)
}

// ensureTemplate returns the name of the template database holding the current
// migrations, building it if this server does not have it yet. It is built under
// another name and renamed when complete, so a half-built one is never used.
func (s *server) ensureTemplate(ctx context.Context) (string, error) {
	hash, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "portal_tmpl_" + hash[:16]
	conn, err := s.admin.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("template: %w", err)
	}
	defer conn.Close()
	// Session-level, so it is released when conn goes, whatever happens.
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, templateLockKey); err != nil {
		return "", fmt.Errorf("template: lock: %w", err)
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, templateLockKey)

	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("template: %w", err)
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	for _, q := range []string{
		"DROP DATABASE IF EXISTS " + pq.QuoteIdentifier(building) + " WITH (FORCE)", // left by a run that died
		"CREATE DATABASE " + pq.QuoteIdentifier(building) + " TEMPLATE template0",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return "", fmt.Errorf("template: %s: %w", q, err)
		}
	}
	if err := migrate(ctx, s.dsn(building)); err != nil {
		return "", err
	}
	// The migration's session may linger for a moment after its pool is closed; RENAME
	// needs the database unused, so wait for it.
	rename := "ALTER DATABASE " + pq.QuoteIdentifier(building) + " RENAME TO " + pq.QuoteIdentifier(name)
	for attempt := 0; ; attempt++ {
		_, err := conn.ExecContext(ctx, rename)
		if err == nil {
			break
		}
		if !db.IsCode(err, "55006") || attempt == 100 { // 55006: object_in_use
			return "", fmt.Errorf("template: %s: %w", rename, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// No connections: CREATE DATABASE ... TEMPLATE refuses to copy a database in use.
	q := "ALTER DATABASE " + pq.QuoteIdentifier(name) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return "", fmt.Errorf("template: %s: %w", q, err)
	}
	return name, nil
}

// migrate applies every migration to the database at dsn.
func migrate(ctx context.Context, dsn string) error {
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := db.MigrateUp(ctx, d.DB, nil); err != nil {
		return err
	}
	return nil
}

// migrationsHash identifies the set of embedded migrations: file names and contents.
func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(portal.Migrations, ".", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(portal.Migrations, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func randomName() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "test_" + hex.EncodeToString(b), nil
}

// withDatabase returns dsn, a URL or a key=value string, pointing at database name.
func withDatabase(dsn, name string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			u.Path = "/" + name
			u.RawPath = ""
			return u.String()
		}
	}
	return dsn + " dbname=" + name // lib/pq lets a later key override an earlier one
}

// redact hides the password of a URL for error messages.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return "the test database server"
}
