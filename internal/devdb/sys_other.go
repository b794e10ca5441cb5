//go:build !unix

package devdb

import (
	"errors"
	"syscall"
)

type account struct{}

func serverAccount() (*account, error) {
	return nil, errors.New("devdb: only Linux and macOS are supported; set DATABASE_URL to an existing PostgreSQL server instead")
}

func (a *account) sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }
func (a *account) chown(string) error                { return nil }
func (a *account) canReach(string) error             { return nil }
func setDeathSignal(*syscall.SysProcAttr)            {}
func processAlive(int) bool                          { return false }
func isPostgresProcess(int) bool                     { return false }
