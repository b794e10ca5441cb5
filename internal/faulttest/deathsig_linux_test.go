package faulttest

import "syscall"

// dieWithParent makes the kernel kill the portal if the test process dies (a timeout
// panic, a kill), so no portal outlives its test.
func dieWithParent(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }
