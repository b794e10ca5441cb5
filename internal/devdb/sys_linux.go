package devdb

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// setDeathSignal makes the kernel send the server SIGINT (fast shutdown) when this
// process dies, so a test binary killed by a timeout leaves no server behind.
func setDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGINT }

// isPostgresProcess reports whether pid runs a PostgreSQL server program, so a
// postmaster.pid whose PID now belongs to another program counts as stale.
func isPostgresProcess(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return !os.IsNotExist(err) // cannot tell: assume it is, which is the safe side
	}
	comm := strings.TrimSpace(string(b))
	return strings.HasPrefix(comm, "postgres") || strings.HasPrefix(comm, "postmaster")
}
