package loadbench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// moduleRoot finds the repository root (the directory holding go.mod) from the working
// directory up, to build the portal from.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/council/provider-portal")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run the load benchmark from inside the provider portal repository")
		}
		dir = parent
	}
}

// buildPortal compiles the portal binary into dir, as `make build` does.
func buildPortal(ctx context.Context, dir string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "portal")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./cmd/portal")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build the portal: %w\n%s", err, out)
	}
	return bin, nil
}

// portalCommand runs one portal subcommand to completion with the given configuration,
// passing on what it prints on standard error (progress) to progress, and returning its
// standard output.
func portalCommand(ctx context.Context, bin string, env []string, progress io.Writer, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr tailBuffer
	stderr.max = 16 << 10
	cmd.Stderr = io.MultiWriter(&stderr, progress)
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("portal %s: %w\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out), nil
}

// Server is the portal running as a subprocess, as in production.
type Server struct {
	URL string
	// Profiling is the base URL of the portal's metrics listener, where its CPU profile is
	// served (PORTAL_PROFILING).
	Profiling string
	cmd       *exec.Cmd
	done      chan error
	logs      *tailBuffer
	stop      sync.Once
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startPortal runs `portal serve` with env on a free loopback port and waits until it says
// it is ready.
func startPortal(ctx context.Context, bin string, env []string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	metricsPort, err := freePort()
	if err != nil {
		return nil, err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	metricsAddr := "127.0.0.1:" + strconv.Itoa(metricsPort)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(append(os.Environ(), env...), "PORT="+strconv.Itoa(port), "BASE_URL="+base,
		"PORTAL_METRICS_ADDR="+metricsAddr, "PORTAL_PROFILING=true")
	logs := &tailBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the portal: %w", err)
	}
	s := &Server{URL: base, Profiling: "http://" + metricsAddr, cmd: cmd, done: make(chan error, 1), logs: logs}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			s.stop.Do(func() {})
			return nil, fmt.Errorf("the portal exited during start-up (%v):\n%s", err, logs.String())
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("the portal was not ready within 2 minutes:\n%s", logs.String())
		}
	}
}

// PID is the portal process's id, for reading its memory.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Stop asks the portal to shut down (SIGTERM, as a service manager does) and waits; a
// second call does nothing.
func (s *Server) Stop() {
	s.stop.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(40 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}

// Logs is the end of what the portal printed.
func (s *Server) Logs() string { return s.logs.String() }

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// memory reads a process's resident set now (VmRSS) and its peak (VmHWM), in bytes.
func memory(pid int) (rss, peak int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	return parseStatus(f)
}

// parseStatus reads VmRSS and VmHWM from the text of /proc/PID/status.
func parseStatus(r io.Reader) (rss, peak int64, err error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, perr := strconv.ParseInt(fields[1], 10, 64)
		if perr != nil {
			continue
		}
		switch fields[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			peak = kb << 10
		}
	}
	if rss == 0 || peak == 0 {
		return 0, 0, errors.New("no VmRSS or VmHWM in the process status")
	}
	return rss, peak, sc.Err()
}

// resetPeak sets a process's peak resident set (VmHWM) back to its current size, so the
// next reading is the peak of what it does from now on (Linux: "5" to clear_refs).
func resetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}
