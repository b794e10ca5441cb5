// Package devdb runs a private PostgreSQL cluster from the PostgreSQL programs installed
// on this machine, so `portal dev` and the tests need no database set up by hand.
//
// The cluster listens on 127.0.0.1 only (no Unix socket), and every connection needs a
// password (scram-sha-256) that is generated when the cluster is created and kept in a
// 0600 file inside the data directory, so later runs reuse it. PostgreSQL refuses to run
// as root; when this process is root, the server programs run as the system's existing
// `postgres` user, which then owns the data directory.
//
//	c, err := devdb.Start(ctx, devdb.Options{Dir: "var/pg", Database: "portal"})
//	...
//	defer c.Stop(context.Background())
//	url := c.URL("portal")
package devdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"
)

const (
	// Superuser is the role initdb creates; URL connects as it.
	Superuser = "portal"
	// PasswordFile is the name, inside the data directory, of the file holding the
	// superuser's password.
	PasswordFile = "devdb-password"
	// LogFile is the name, inside the data directory, of the server's output of its latest start.
	LogFile = "devdb.log"

	readyTimeout = 60 * time.Second // how long a starting server may take to accept connections
	reuseTimeout = 15 * time.Second // how long a running server may take to answer before we give up
)

// Options says where and how to run the cluster.
type Options struct {
	// Dir is the data directory. When absent or empty, it is created and initialised
	// (initdb); when it already holds a cluster, that cluster is used. Required.
	Dir string
	// Port is the TCP port on 127.0.0.1; 0 picks a free one. When a server for Dir is
	// already running, its port is used whatever this says.
	Port int
	// Log, when not nil, also receives the output of initdb and the server. The server's
	// output always goes to LogFile in Dir as well.
	Log io.Writer
	// Database, when not empty, is created if missing (e.g. "portal").
	Database string
	// Ephemeral trades crash safety for speed (fsync, synchronous_commit and
	// full_page_writes off) and, on Linux, makes the server shut down when this process
	// dies. For tests and throw-away data only.
	Ephemeral bool
}

// Cluster is a running PostgreSQL server for one data directory.
type Cluster struct {
	bin      string   // directory of initdb, pg_ctl, postgres
	dir      string   // absolute data directory
	opts     Options  //
	password string   // Superuser's password
	runAs    *account // the user the server programs run as; nil: this process's own user

	mu   sync.Mutex
	port int
	// logStart is the size of LogFile when the latest server was spawned.
	logStart int64
	// done is closed when the server process this Cluster started exits; nil when the
	// server was already running (reused) or this Cluster stopped it.
	done chan struct{}
}

// errPortInUse marks a start that failed because the port was taken, so a start on a
// port we picked ourselves can try another.
var errPortInUse = errors.New("port already in use")

// errShmemInUse marks a start refused because processes of a server that died still hold
// its shared memory; they exit on their own within moments, so the start is retried.
var errShmemInUse = errors.New("shared memory of a previous server still in use")

// Start runs a cluster for opts.Dir: it creates and initialises the directory if needed,
// reuses a server already running for it, otherwise starts one (after clearing a stale
// postmaster.pid left by a server that died), waits until it accepts connections, and
// creates opts.Database if missing. When the PostgreSQL programs are missing the error
// wraps ErrNoBinaries.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.Dir == "" {
		return nil, errors.New("devdb: Options.Dir is empty")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	bin, err := FindBinaries()
	if err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	acct, err := serverAccount()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, dir: dir, opts: opts, runAs: acct, port: opts.Port}
	if err := c.prepare(ctx); err != nil {
		return nil, err
	}
	c.mu.Lock()
	started, err := c.startOrReuse(ctx)
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if opts.Database != "" {
		if err := c.CreateDatabase(ctx, opts.Database); err != nil {
			if started {
				_ = c.Stop(context.WithoutCancel(ctx))
			}
			return nil, err
		}
	}
	return c, nil
}

// URL returns a lib/pq connection string for database on this cluster, as the superuser.
func (c *Cluster) URL(database string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.url(database)
}

// url is URL for callers holding c.mu.
func (c *Cluster) url(database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(Superuser, c.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Port returns the TCP port the server listens on (127.0.0.1).
func (c *Cluster) Port() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.port
}

// Dir returns the absolute data directory.
func (c *Cluster) Dir() string { return c.dir }

// LogPath returns the file holding the server's output since its latest start by this package.
func (c *Cluster) LogPath() string { return filepath.Join(c.dir, LogFile) }

// Stop shuts the server down (pg_ctl stop -m fast: open sessions are ended, the data is
// flushed) and waits until it has exited. Stopping a stopped cluster does nothing.
// A server that was already running when Start reused it is stopped too.
func (c *Cluster) Stop(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stop(ctx)
}

// Restart stops the server if it runs and starts it again on the same port, so URLs
// handed out before stay valid. Fault tests use Stop and Restart to take the database
// away and bring it back.
func (c *Cluster) Restart(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.stop(ctx); err != nil {
		return err
	}
	return c.launch(ctx, false)
}

// CreateDatabase creates the database name unless it exists.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) error {
	d, err := sql.Open("postgres", c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	defer d.Close()
	var exists bool
	if err := d.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("devdb: look for database %q: %w", name, err)
	}
	if exists {
		return nil
	}
	_, err = d.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	var pqErr *pq.Error
	if err != nil && !(errors.As(err, &pqErr) && pqErr.Code == "42P04") { // 42P04: created meanwhile
		return fmt.Errorf("devdb: create database %q: %w", name, err)
	}
	return nil
}

// prepare makes sure c.dir holds a cluster and reads its password.
func (c *Cluster) prepare(ctx context.Context) error {
	// Parents must stay reachable by the server's user, so they are not made 0700.
	if err := os.MkdirAll(filepath.Dir(c.dir), 0o755); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	if err := os.Mkdir(c.dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("devdb: %w", err)
	}
	if c.runAs != nil {
		if err := c.runAs.canReach(filepath.Dir(c.dir)); err != nil {
			return err
		}
	}
	_, err := os.Stat(filepath.Join(c.dir, "PG_VERSION"))
	switch {
	case err == nil: // an existing cluster
	case errors.Is(err, fs.ErrNotExist):
		entries, err := os.ReadDir(c.dir)
		if err != nil {
			return fmt.Errorf("devdb: %w", err)
		}
		if len(entries) > 0 {
			return fmt.Errorf("devdb: %s is not empty but holds no PostgreSQL cluster; empty it or choose another directory", c.dir)
		}
		if c.runAs != nil {
			if err := c.runAs.chown(c.dir); err != nil {
				return err
			}
		}
		if err := c.initdb(ctx); err != nil {
			return err
		}
	default:
		return fmt.Errorf("devdb: %w", err)
	}
	pw, err := os.ReadFile(filepath.Join(c.dir, PasswordFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("devdb: %s holds a PostgreSQL cluster but no %s, so its password is unknown (it was not created by devdb, or the file was deleted); delete the directory to start afresh", c.dir, PasswordFile)
		}
		return fmt.Errorf("devdb: %w", err)
	}
	c.password = strings.TrimSpace(string(pw))
	if c.password == "" {
		return fmt.Errorf("devdb: %s is empty; delete %s to start afresh", filepath.Join(c.dir, PasswordFile), c.dir)
	}
	return nil
}

// initdb creates a cluster in the empty c.dir with a fresh superuser password.
func (c *Cluster) initdb(ctx context.Context) error {
	password, err := randomHex(16)
	if err != nil {
		return err
	}
	// initdb reads the password from a file, which must not be in the (still empty) data
	// directory and must be readable by the server's user.
	f, err := os.CreateTemp("", "devdb-pw-*")
	if err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(password + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && c.runAs != nil {
		err = c.runAs.chown(f.Name())
	}
	if err != nil {
		return fmt.Errorf("devdb: write password file: %w", err)
	}
	args := []string{"-D", c.dir, "-U", Superuser, "--pwfile=" + f.Name(),
		"--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "--encoding=UTF8"}
	out, err := c.run(ctx, "initdb", append(args, "--locale=C.UTF-8")...)
	if err != nil && strings.Contains(out, "invalid locale") {
		out, err = c.run(ctx, "initdb", append(args, "--no-locale")...) // systems without C.UTF-8
	}
	if c.opts.Log != nil {
		io.WriteString(c.opts.Log, out)
	}
	if err != nil {
		return fmt.Errorf("devdb: initdb %s: %v\n%s", c.dir, err, out)
	}
	tmp := filepath.Join(c.dir, PasswordFile+".tmp")
	if err := os.WriteFile(tmp, []byte(password+"\n"), 0o600); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(c.dir, PasswordFile)); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	return nil
}

// startOrReuse connects to a server already running for c.dir, or starts one. It
// reports whether it started the server.
func (c *Cluster) startOrReuse(ctx context.Context) (bool, error) {
	pidPath := filepath.Join(c.dir, "postmaster.pid")
	deadline := time.Now().Add(reuseTimeout)
	var lastErr error
	for {
		pf, err := readPIDFile(pidPath)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return true, c.fresh(ctx)
		case err != nil:
			// postgres creates the file and then writes it, so a file too new to parse may
			// belong to a server starting right now; an old one is garbage.
			if fi, statErr := os.Stat(pidPath); statErr == nil && time.Since(fi.ModTime()) > 5*time.Second {
				if err := os.Remove(pidPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return false, fmt.Errorf("devdb: remove unreadable %s: %w", pidPath, err)
				}
				return true, c.fresh(ctx)
			}
		case !isLivePostmaster(pf.pid):
			// Left by a server that died. postgres itself replaces such a file when its
			// PID is dead (after checking no orphaned backend still uses the old shared
			// memory), but refuses while the PID is alive, as it is when the PID was since
			// reused by another program (common in containers): clear it then.
			if processAlive(pf.pid) {
				if err := os.Remove(pidPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return false, fmt.Errorf("devdb: remove stale %s: %w", pidPath, err)
				}
			}
			return true, c.fresh(ctx)
		case pf.port > 0:
			c.port = pf.port
			if lastErr = c.ping(ctx); lastErr == nil {
				if c.opts.Log != nil {
					fmt.Fprintf(c.opts.Log, "devdb: using the server already running for %s (pid %d, port %d)\n", c.dir, pf.pid, pf.port)
				}
				return false, nil
			}
		}
		if time.Now().After(deadline) {
			return false, fmt.Errorf("devdb: a PostgreSQL server (pid %d) is running for %s but does not accept connections on 127.0.0.1:%d (%v); stop it (pg_ctl stop -D %s) and try again",
				pf.pid, c.dir, pf.port, lastErr, c.dir)
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return false, err
		}
	}
}

// fresh truncates the log and starts the server.
func (c *Cluster) fresh(ctx context.Context) error {
	if err := os.Truncate(filepath.Join(c.dir, LogFile), 0); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("devdb: %w", err)
	}
	return c.launch(ctx, c.opts.Port == 0)
}

// launch starts the server and waits until it accepts connections. With pickPort it
// chooses a free port, and another one if that was taken before the server bound it.
func (c *Cluster) launch(ctx context.Context, pickPort bool) error {
	for attempt := 1; ; attempt++ {
		if pickPort {
			p, err := freePort()
			if err != nil {
				return err
			}
			c.port = p
		}
		err := c.spawn()
		if err == nil {
			err = c.waitReady(ctx)
		}
		if err == nil {
			return nil
		}
		switch {
		case pickPort && attempt < 5 && errors.Is(err, errPortInUse):
		case attempt < 50 && errors.Is(err, errShmemInUse):
			if err := sleep(ctx, 200*time.Millisecond); err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// spawn starts the postmaster as a child of this process.
func (c *Cluster) spawn() error {
	logf, err := os.OpenFile(filepath.Join(c.dir, LogFile), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	if fi, err := logf.Stat(); err == nil {
		c.logStart = fi.Size()
	}
	args := []string{"-D", c.dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "port=" + strconv.Itoa(c.port),
		"-c", "unix_socket_directories=", // TCP only: socket paths have length and permission limits
	}
	if c.opts.Ephemeral {
		args = append(args,
			"-c", "fsync=off",
			"-c", "synchronous_commit=off",
			"-c", "full_page_writes=off",
			"-c", "max_connections=200", // many parallel tests, each with its own pool
		)
	}
	cmd := c.command(ctx0, filepath.Join(c.bin, "postgres"), args...)
	var out io.Writer = logf
	if c.opts.Log != nil {
		out = teeWriter{logf, c.opts.Log}
	}
	cmd.Stdout, cmd.Stderr = out, out
	if c.opts.Ephemeral {
		setDeathSignal(cmd.SysProcAttr)
	}

	started := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		// The parent-death signal (Ephemeral) fires when the *thread* that started the
		// child exits, not the process. Locking this goroutine to its thread and keeping
		// it until the server exits stops the Go runtime from retiring that thread early.
		runtime.LockOSThread()
		err := cmd.Start()
		started <- err
		if err == nil {
			_ = cmd.Wait()
		}
		logf.Close()
		close(done)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("devdb: start postgres: %w", err)
	}
	c.done = done
	return nil
}

// waitReady waits until the server we started accepts connections. If it exits or
// never gets ready, the error carries the end of its log.
func (c *Cluster) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-c.done:
			c.done = nil
			tail := c.logTail()
			err := fmt.Errorf("devdb: postgres exited during start-up:\n%s", tail)
			switch {
			case strings.Contains(tail, "could not bind") || strings.Contains(tail, "could not create any TCP/IP sockets"):
				err = fmt.Errorf("%w (%w)", err, errPortInUse)
			case strings.Contains(tail, "pre-existing shared memory block"):
				err = fmt.Errorf("%w (%w)", err, errShmemInUse)
			}
			return err
		default:
		}
		err := c.ping(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			_ = c.stop(context.Background())
			if ctx.Err() != nil {
				return fmt.Errorf("devdb: start postgres: %w", ctx.Err())
			}
			return fmt.Errorf("devdb: postgres did not accept connections within %s (%v):\n%s", readyTimeout, err, c.logTail())
		}
		_ = sleep(ctx, 50*time.Millisecond)
	}
}

func (c *Cluster) stop(ctx context.Context) error {
	out, err := c.run(ctx, "pg_ctl", "stop", "-D", c.dir, "-m", "fast", "-w", "-t", "120")
	if err != nil {
		pf, perr := readPIDFile(filepath.Join(c.dir, "postmaster.pid"))
		switch {
		case errors.Is(perr, fs.ErrNotExist):
			// no server was running
		case perr == nil && !isLivePostmaster(pf.pid):
			os.Remove(filepath.Join(c.dir, "postmaster.pid")) // it had died
		default:
			return fmt.Errorf("devdb: pg_ctl stop: %v\n%s", err, out)
		}
	}
	if c.done != nil {
		select {
		case <-c.done:
			c.done = nil
		case <-ctx.Done():
			return fmt.Errorf("devdb: wait for postgres to exit: %w", ctx.Err())
		}
	}
	return nil
}

// ping checks that the server accepts a connection with our password.
func (c *Cluster) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	d, err := sql.Open("postgres", c.url("postgres")+"&connect_timeout=3")
	if err != nil {
		return err
	}
	defer d.Close()
	return d.PingContext(ctx)
}

// run runs one of the PostgreSQL programs to completion and returns its output.
func (c *Cluster) run(ctx context.Context, program string, args ...string) (string, error) {
	cmd := c.command(ctx, filepath.Join(c.bin, program), args...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// ctx0 is the context of the server process itself: it must outlive the Start call.
var ctx0 = context.Background()

// command prepares a PostgreSQL program to run as the server's user, in the data
// directory, without PG* variables from our environment steering it elsewhere.
func (c *Cluster) command(ctx context.Context, path string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = c.dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.SysProcAttr = c.runAs.sysProcAttr()
	return cmd
}

// logTail returns the last lines the server logged since its latest spawn.
func (c *Cluster) logTail() string {
	b, err := os.ReadFile(filepath.Join(c.dir, LogFile))
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if c.logStart <= int64(len(b)) {
		b = b[c.logStart:]
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}

type pidFile struct{ pid, port int }

// readPIDFile parses postmaster.pid: line 1 is the PID, line 4 the port.
func readPIDFile(path string) (pidFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return pidFile{}, err
	}
	lines := strings.Split(string(b), "\n")
	var pf pidFile
	pf.pid, err = strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || pf.pid <= 0 {
		return pidFile{}, fmt.Errorf("devdb: unreadable %s", path)
	}
	if len(lines) > 3 {
		pf.port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
	}
	return pf, nil
}

// isLivePostmaster reports whether pid is a running PostgreSQL process other than us.
func isLivePostmaster(pid int) bool {
	return pid > 0 && pid != os.Getpid() && processAlive(pid) && isPostgresProcess(pid)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("devdb: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("devdb: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// teeWriter writes to the log file and, best effort, to the caller's writer: a failing
// Log must not cut the server's output to the file.
type teeWriter struct {
	file io.Writer
	log  io.Writer
}

func (w teeWriter) Write(p []byte) (int, error) {
	_, _ = w.log.Write(p)
	return w.file.Write(p)
}

// MkdirTemp creates a new temporary directory, as os.MkdirTemp does, that the server's
// user can use as Options.Dir or as its parent: when this process is root, the directory
// is given to the `postgres` user. The caller removes it (os.RemoveAll) when done.
func MkdirTemp(pattern string) (string, error) {
	acct, err := serverAccount()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		return "", fmt.Errorf("devdb: %w", err)
	}
	if acct != nil {
		if err := acct.canReach(filepath.Dir(dir)); err != nil {
			os.Remove(dir)
			return "", err
		}
		if err := acct.chown(dir); err != nil {
			os.Remove(dir)
			return "", err
		}
	}
	return dir, nil
}

// Running reports whether a PostgreSQL server is running for the data directory dir.
func Running(dir string) bool {
	pf, err := readPIDFile(filepath.Join(dir, "postmaster.pid"))
	return err == nil && isLivePostmaster(pf.pid)
}
