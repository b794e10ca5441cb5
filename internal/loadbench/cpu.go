package loadbench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/pprof/profile"
)

// CPUSplit is the processor time each side of a scenario used per request: the portal, the
// database (every PostgreSQL process of the cluster) and the load generator (this process).
// On a machine where all three share the cores, their sum is what one request costs, and
// the split says which side to make cheaper.
type CPUSplit struct {
	Portal, Database, Generator time.Duration
}

// Total is one request's processor time across the three.
func (c CPUSplit) Total() time.Duration { return c.Portal + c.Database + c.Generator }

// cpuMeter reads the processor time the portal, the database cluster and this process have
// used so far.
type cpuMeter struct {
	portalPID int
	// pgData is the cluster's data directory: its postmaster.pid names the server, whose
	// children are the backends serving the portal and pgbench.
	pgData string
}

// cpuTimes is a reading of a cpuMeter.
type cpuTimes struct {
	portal, database, generator time.Duration
}

func (m cpuMeter) read() (cpuTimes, error) {
	var t cpuTimes
	var err error
	if t.portal, err = processCPU(m.portalPID); err != nil {
		return t, err
	}
	if t.database, err = clusterCPU(m.pgData); err != nil {
		return t, err
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return t, err
	}
	t.generator = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return t, nil
}

// per divides the time between two readings among n requests.
func (t cpuTimes) per(later cpuTimes, n int) CPUSplit {
	if n <= 0 {
		return CPUSplit{}
	}
	d := time.Duration(n)
	return CPUSplit{Portal: (later.portal - t.portal) / d, Database: (later.database - t.database) / d,
		Generator: (later.generator - t.generator) / d}
}

// clockTick is the unit of /proc/PID/stat's times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// processCPU is a process's user and system time so far, from /proc/PID/stat.
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	_, utime, stime, err := parseStat(b)
	return (utime + stime) * clockTick, err
}

// parseStat reads the parent's pid and the user and system ticks from the text of
// /proc/PID/stat. The command name (field 2) is in parentheses and may hold spaces, so the
// fields are counted from its closing parenthesis.
func parseStat(b []byte) (ppid int, utime, stime time.Duration, err error) {
	end := bytes.LastIndexByte(b, ')')
	if end < 0 {
		return 0, 0, 0, fmt.Errorf("unreadable process status %q", b)
	}
	f := strings.Fields(string(b[end+1:]))
	// After the name: state (3), ppid (4), … utime (14), stime (15).
	if len(f) < 13 {
		return 0, 0, 0, fmt.Errorf("short process status %q", b)
	}
	ppid, err1 := strconv.Atoi(f[1])
	u, err2 := strconv.ParseInt(f[11], 10, 64)
	s, err3 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, 0, fmt.Errorf("unreadable process status %q", b)
	}
	return ppid, time.Duration(u), time.Duration(s), nil
}

// clusterCPU is the processor time of a PostgreSQL server and its live children so far.
// A backend that has exited takes its time with it (Linux adds it to the server's
// children's totals only when reaped, which /proc/PID/stat's cutime holds); the portal's
// pool and pgbench keep their connections for the whole measurement, so the backends that
// did the measured work are alive at both readings.
func clusterCPU(pgData string) (time.Duration, error) {
	b, err := os.ReadFile(filepath.Join(pgData, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	server, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		return 0, fmt.Errorf("postmaster.pid: %w", err)
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	var total time.Duration
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue // exited since the listing
		}
		ppid, u, s, err := parseStat(stat)
		if err != nil || (pid != server && ppid != server) {
			continue
		}
		total += (u + s) * clockTick
	}
	return total, nil
}

// watching is what watch saw over a scenario's measured window.
type watching struct {
	before, after cpuTimes
	profile       *profile.Profile
	err           error
}

// watch reads the processor times and profiles the portal over the measured window of a
// Load started now: from the end of the warm-up for the window's length.
func (b *bench) watch(ctx context.Context, srv *Server) <-chan watching {
	out := make(chan watching, 1)
	m := cpuMeter{portalPID: srv.PID(), pgData: b.pgData}
	go func() {
		var w watching
		defer func() { out <- w }()
		select {
		case <-ctx.Done():
			w.err = ctx.Err()
			return
		case <-time.After(b.o.Warmup):
		}
		if w.before, w.err = m.read(); w.err != nil {
			return
		}
		if w.profile, w.err = fetchProfile(ctx, srv.Profiling, b.o.Window); w.err != nil {
			return
		}
		w.after, w.err = m.read()
	}()
	return out
}
