package devdb_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/devdb"
	"github.com/lib/pq"
)

// tempDir returns a directory the server's user can use, removed after the test.
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := devdb.MkdirTemp("devdb-test-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func start(t *testing.T, opts devdb.Options) *devdb.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := devdb.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return c
}

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	d, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Ping(); err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	return d
}

func exec1(t *testing.T, d *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := d.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func count(t *testing.T, d *sql.DB, query string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestFindBinaries(t *testing.T) {
	dir, err := devdb.FindBinaries()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	msg := devdb.ErrNoBinaries.Error()
	for _, want := range []string{"apt-get install postgresql", "DATABASE_URL", "docker compose up"} {
		if !strings.Contains(msg, want) {
			t.Errorf("ErrNoBinaries message %q lacks %q", msg, want)
		}
	}
}

// Data written before a stop is there after a new Start on the same directory, which
// reuses the password kept in the directory.
func TestRestartKeepsData(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(tempDir(t), "pg")
	c := start(t, devdb.Options{Dir: dir, Database: "portal"})
	firstURL := c.URL("portal")
	if !strings.HasPrefix(firstURL, "postgres://portal:") || !strings.Contains(firstURL, "@127.0.0.1:") || !strings.HasSuffix(firstURL, "/portal?sslmode=disable") {
		t.Errorf("URL = %s", firstURL)
	}
	d := open(t, firstURL)
	exec1(t, d, `CREATE TABLE kept (id int PRIMARY KEY, note text)`)
	exec1(t, d, `INSERT INTO kept VALUES (1, 'hello')`)
	d.Close()

	fi, err := os.Stat(filepath.Join(dir, devdb.PasswordFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("password file mode = %v, want 0600", fi.Mode().Perm())
	}

	if err := c.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(context.Background()); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "postmaster.pid")); !os.IsNotExist(err) {
		t.Errorf("postmaster.pid after Stop: %v", err)
	}
	stopped, _ := sql.Open("postgres", firstURL+"&connect_timeout=2")
	if err := stopped.Ping(); err == nil {
		t.Error("stopped server still accepts connections")
	}
	stopped.Close()

	c2 := start(t, devdb.Options{Dir: dir, Database: "portal"})
	d2 := open(t, c2.URL("portal"))
	var note string
	if err := d2.QueryRow(`SELECT note FROM kept WHERE id = 1`).Scan(&note); err != nil || note != "hello" {
		t.Fatalf("after restart: note = %q, err = %v", note, err)
	}
}

// Restart brings the server back on the same port, so existing URLs keep working.
func TestRestartMethod(t *testing.T) {
	t.Parallel()
	c := start(t, devdb.Options{Dir: filepath.Join(tempDir(t), "pg"), Database: "portal", Ephemeral: true})
	port := c.Port()
	d := open(t, c.URL("portal"))
	exec1(t, d, `CREATE TABLE t (x int)`)
	exec1(t, d, `INSERT INTO t VALUES (42)`)
	if err := c.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c.Port() != port {
		t.Errorf("port changed from %d to %d", port, c.Port())
	}
	// The pool's old connections died with the server; database/sql retries on a new one.
	var x int
	for i := 0; ; i++ {
		err := d.QueryRow(`SELECT x FROM t`).Scan(&x)
		if err == nil {
			break
		}
		if i == 5 {
			t.Fatal(err)
		}
	}
	if x != 42 {
		t.Errorf("x = %d", x)
	}
}

// A second Start on a directory whose server is running uses that server.
func TestReuseRunningServer(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(tempDir(t), "pg")
	c1 := start(t, devdb.Options{Dir: dir, Ephemeral: true})
	c2 := start(t, devdb.Options{Dir: dir, Port: c1.Port() + 1, Database: "second"})
	if c2.Port() != c1.Port() {
		t.Fatalf("second Start port %d, running server's %d", c2.Port(), c1.Port())
	}
	d := open(t, c1.URL("second")) // the database made through c2 is on c1's server
	if n := count(t, d, `SELECT 1`); n != 1 {
		t.Fatal(n)
	}
	d.Close()
	if err := c2.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := c1.Stop(context.Background()); err != nil {
		t.Fatalf("Stop of an already stopped server: %v", err)
	}
}

// A postmaster.pid left behind by a dead server, whose PID now belongs to some other
// program, does not stop the next Start.
func TestStalePIDFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(tempDir(t), "pg")
	c := start(t, devdb.Options{Dir: dir, Ephemeral: true})
	if err := c.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	other := exec.Command("sleep", "60")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { other.Process.Kill(); other.Wait() }()
	stale := strconv.Itoa(other.Process.Pid) + "\n" + dir + "\n1700000000\n5432\n\n127.0.0.1\n  1234   5678\nready   \n"
	if err := os.WriteFile(filepath.Join(dir, "postmaster.pid"), []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	c2 := start(t, devdb.Options{Dir: dir, Ephemeral: true, Database: "portal"})
	d := open(t, c2.URL("portal"))
	if n := count(t, d, `SELECT 7`); n != 7 {
		t.Fatal(n)
	}
}

// The server wants the password: a wrong one is refused.
func TestPasswordRequired(t *testing.T) {
	t.Parallel()
	c := start(t, devdb.Options{Dir: filepath.Join(tempDir(t), "pg"), Ephemeral: true})
	good := c.URL("postgres")
	bad := strings.Replace(good, "portal:", "portal:wrong", 1)
	d, _ := sql.Open("postgres", bad)
	defer d.Close()
	err := d.Ping()
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) || pqErr.Code != "28P01" {
		t.Fatalf("wrong password: err = %v, want invalid_password (28P01)", err)
	}
	open(t, good)
}

func TestRefusesForeignDirectory(t *testing.T) {
	t.Parallel()
	dir := tempDir(t)
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := devdb.Start(context.Background(), devdb.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("Start on a non-empty non-cluster directory: err = %v", err)
	}
}

// After the server is killed outright, Start recovers the cluster and committed data.
func TestStartAfterCrash(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(tempDir(t), "pg")
	c := start(t, devdb.Options{Dir: dir, Database: "portal"})
	d := open(t, c.URL("portal"))
	exec1(t, d, `CREATE TABLE survivor (x int)`)
	exec1(t, d, `INSERT INTO survivor VALUES (1)`)
	d.Close()

	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for syscall.Kill(pid, 0) == nil {
		time.Sleep(10 * time.Millisecond)
	}

	c2 := start(t, devdb.Options{Dir: dir, Database: "portal"})
	d2 := open(t, c2.URL("portal"))
	if n := count(t, d2, `SELECT count(*) FROM survivor`); n != 1 {
		t.Fatalf("rows after crash recovery = %d", n)
	}
}
