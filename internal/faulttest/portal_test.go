package faulttest

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/webtest"
)

// settings is what a portal process is started with besides its port.
type settings struct {
	DatabaseURL string
	DataKey     string
}

// portal is one `portal` subprocess.
type portal struct {
	name string
	URL  string // http://127.0.0.1:PORT
	cmd  *exec.Cmd
	out  *tail // stdout (JSON logs) and stderr (panics, race reports) together
	done chan struct{}
	err  error // from Wait, once done is closed
}

// env is the process environment: nothing from the developer's shell that could point the
// portal elsewhere, only what a real deployment sets (see .env.example).
func (s settings) env(port, metricsPort int) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"TMPDIR=" + os.TempDir(),
		"PORTAL_ENV=production",
		"DATABASE_URL=" + s.DatabaseURL,
		"PORTAL_DATA_KEY=" + s.DataKey,
		"PORTAL_AUDIT_KEY=" + base64.StdEncoding.EncodeToString(webtest.TestAuditKey),
		"LOG_LEVEL=info",
		"PORTAL_COUNCIL_NAME=Fault Test Council", "PORTAL_ICO_REGISTRATION=Z1234567", "PORTAL_DPO_EMAIL=dpo@fault-test-council.gov.uk",
		"PORTAL_OCDS_PREFIX=ocds-f4u1t5", "PORTAL_OCDS_BUYER_ID=GB-LAE-FLT",
	}
	if port > 0 {
		env = append(env, "PORT="+strconv.Itoa(port), fmt.Sprintf("BASE_URL=http://127.0.0.1:%d", port))
	}
	// An empty PORTAL_METRICS_ADDR means the default (127.0.0.1:9091), which two instances
	// cannot share; each gets a free loopback port of its own.
	if metricsPort > 0 {
		env = append(env, fmt.Sprintf("PORTAL_METRICS_ADDR=127.0.0.1:%d", metricsPort))
	}
	return env
}

// startPortal runs `portal serve` on a free loopback port and waits until it answers
// /healthz. The process is ended when the test ends; its output is shown if the test
// failed or the race detector reported something.
func startPortal(t *testing.T, name string, s settings) *portal {
	t.Helper()
	bin := portalBinary(t)
	for attempt := 1; ; attempt++ {
		port, metricsPort := freePort(t), freePort(t)
		p := spawn(t, name, bin, s.env(port, metricsPort), "serve")
		p.URL = fmt.Sprintf("http://127.0.0.1:%d", port)
		err := p.waitHealthy(90 * time.Second)
		if err == nil {
			return p
		}
		// The free port may have been taken between our probe and the portal's listen.
		if attempt < 3 && p.exited() && strings.Contains(p.out.String(), "listen on port") {
			continue
		}
		t.Fatalf("%s did not start: %v\n%s", name, err, p.out.Tail(40))
	}
}

// runPortal runs a short portal command (e.g. "jobs run-due") in the background.
func runPortal(t *testing.T, name string, s settings, args ...string) *portal {
	t.Helper()
	return spawn(t, name, portalBinary(t), s.env(0, 0), args...)
}

func spawn(t *testing.T, name, bin string, env []string, args ...string) *portal {
	t.Helper()
	p := &portal{name: name, out: &tail{max: 256 << 10}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{}
	dieWithParent(p.cmd.SysProcAttr)
	started := make(chan error, 1)
	go func() {
		// The parent-death signal follows the thread that started the child; keep this
		// thread alive, and the goroutine on it, for the child's whole life.
		runtime.LockOSThread()
		err := p.cmd.Start()
		started <- err
		if err == nil {
			p.err = p.cmd.Wait()
		}
		close(p.done)
	}()
	if err := <-started; err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop ends the process if it still runs (SIGTERM, then SIGKILL) and reports a race the
// detector found in it.
func (p *portal) stop(t *testing.T) {
	if !p.exited() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(15 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
	if strings.Contains(p.out.String(), "WARNING: DATA RACE") {
		t.Errorf("%s: the race detector reported a data race:\n%s", p.name, p.out.String())
	} else if t.Failed() {
		t.Logf("%s output (tail):\n%s", p.name, p.out.Tail(60))
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *portal) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !p.exited() {
		t.Fatalf("kill %s: %v", p.name, err)
	}
	<-p.done
}

func (p *portal) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// wait waits for a short command to finish and returns its exit code.
func (p *portal) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		t.Fatalf("%s did not finish within %s:\n%s", p.name, timeout, p.out.Tail(40))
	}
	return p.cmd.ProcessState.ExitCode()
}

// waitHealthy polls /healthz until it answers 200, the process exits, or time runs out.
func (p *portal) waitHealthy(timeout time.Duration) error {
	hc := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	for {
		if p.exited() {
			return fmt.Errorf("%s exited: %v", p.name, p.err)
		}
		resp, err := hc.Get(p.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: /healthz not OK after %s (last error %v)", p.name, timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freePort returns a loopback TCP port nobody listens on right now.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// tail keeps the last max bytes written to it, for failure messages.
type tail struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (w *tail) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(b)
	if extra := w.buf.Len() - w.max; extra > 0 {
		w.buf.Next(extra)
	}
	return len(b), nil
}

func (w *tail) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// Tail returns the last n lines.
func (w *tail) Tail(n int) string {
	lines := strings.Split(strings.TrimRight(w.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// eventually polls cond until it holds or timeout passes, then fails with what it says.
// It waits for a state; it never asserts on how long that took.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var lastErr error
	for {
		ok, err := cond()
		if ok {
			return
		}
		lastErr = err
		select {
		case <-ctx.Done():
			t.Fatalf("gave up waiting for %s (last error: %v)", what, lastErr)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
