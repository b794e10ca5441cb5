//go:build unix && !linux

package devdb

import "syscall"

// setDeathSignal does nothing: only Linux has a parent-death signal.
func setDeathSignal(*syscall.SysProcAttr) {}

// isPostgresProcess cannot tell without /proc, so it takes the safe side: a live PID in
// postmaster.pid is treated as a running server.
func isPostgresProcess(int) bool { return true }
