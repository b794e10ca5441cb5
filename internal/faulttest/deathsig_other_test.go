//go:build !linux

package faulttest

import "syscall"

// dieWithParent has no equivalent here; t.Cleanup still ends every portal.
func dieWithParent(*syscall.SysProcAttr) {}
