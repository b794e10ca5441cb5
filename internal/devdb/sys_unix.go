//go:build unix

package devdb

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// account is the user the PostgreSQL programs run as when this process is root.
type account struct {
	name   string
	uid    uint32
	gid    uint32
	groups []uint32
}

// serverAccount returns nil when this process is not root (the programs run as us), and
// the existing `postgres` user when it is, since PostgreSQL refuses to run as root.
func serverAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("devdb: this process runs as root, which PostgreSQL refuses, and there is no `postgres` user to run it as (%v); run as an ordinary user, or install PostgreSQL's package, which creates that user", err)
	}
	a := &account{name: u.Username}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("devdb: user postgres: %w", err)
	}
	a.uid, a.gid = uint32(uid), uint32(gid)
	ids, _ := u.GroupIds()
	for _, id := range ids {
		if g, err := strconv.ParseUint(id, 10, 32); err == nil {
			a.groups = append(a.groups, uint32(g))
		}
	}
	return a, nil
}

// sysProcAttr puts the program in its own process group (so a Ctrl-C meant for `portal
// dev` does not stop the database under it while it drains) and, for an account, runs
// it as that user.
func (a *account) sysProcAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	if a != nil {
		attr.Credential = &syscall.Credential{Uid: a.uid, Gid: a.gid, Groups: a.groups}
	}
	return attr
}

func (a *account) chown(path string) error {
	if err := os.Chown(path, int(a.uid), int(a.gid)); err != nil {
		return fmt.Errorf("devdb: give %s to user %s: %w", path, a.name, err)
	}
	return nil
}

// canReach checks that the account may enter dir and each of its parents, so a data
// directory below, say, a 0700 root-owned temp folder fails with a clear message rather
// than an obscure initdb one.
func (a *account) canReach(dir string) error {
	for p := dir; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("devdb: %w", err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if ok && !a.mayEnter(fi.Mode().Perm(), st.Uid, st.Gid) {
			return fmt.Errorf("devdb: the server runs as user %s (PostgreSQL refuses to run as root), which cannot enter %s (mode %v); use a directory it can reach (devdb.MkdirTemp makes one) or run chmod o+x %s", a.name, p, fi.Mode().Perm(), p)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

func (a *account) mayEnter(perm os.FileMode, uid, gid uint32) bool {
	if uid == a.uid {
		return perm&0o100 != 0
	}
	if gid == a.gid {
		return perm&0o010 != 0
	}
	for _, g := range a.groups {
		if g == gid {
			return perm&0o010 != 0
		}
	}
	return perm&0o001 != 0
}

// processAlive reports whether a process with this PID exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
