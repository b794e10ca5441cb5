package devdb

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ErrNoBinaries reports that this machine has no PostgreSQL server programs. Its message
// says what to do, so callers can print it as it is.
var ErrNoBinaries = errors.New("no PostgreSQL server programs (initdb, pg_ctl, postgres) found on this machine. " +
	"Either install PostgreSQL (e.g. `apt-get install postgresql`, or `brew install postgresql@16` on macOS), " +
	"or set DATABASE_URL to an existing PostgreSQL server, " +
	"or run `docker compose up` to start one in a container")

// serverPrograms are the programs a usable bin directory must hold.
var serverPrograms = []string{"initdb", "pg_ctl", "postgres"}

// searchGlobs are the usual places packages put the server programs, which are often not
// on PATH (Debian keeps them under /usr/lib/postgresql/<version>/bin).
var searchGlobs = []string{
	"/usr/lib/postgresql/*/bin",                          // Debian, Ubuntu
	"/usr/pgsql-*/bin",                                   // RHEL, Fedora (PGDG)
	"/usr/local/pgsql/bin",                               // built from source
	"/usr/local/opt/postgresql*/bin",                     // Homebrew (Intel)
	"/opt/homebrew/opt/postgresql*/bin",                  // Homebrew (Apple silicon)
	"/Applications/Postgres.app/Contents/Versions/*/bin", // Postgres.app
	"/usr/local/bin",
	"/usr/bin",
}

// FindBinaries returns the directory holding initdb, pg_ctl and postgres: first the one
// PATH leads to (symlinks followed), then the usual install locations, newest version
// first. When there is none the error wraps ErrNoBinaries.
func FindBinaries() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && hasPrograms(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		if hasPrograms(filepath.Dir(p)) {
			return filepath.Dir(p), nil
		}
	}
	for _, g := range searchGlobs {
		matches, _ := filepath.Glob(g)
		sortNewestFirst(matches)
		for _, dir := range matches {
			if hasPrograms(dir) {
				return dir, nil
			}
		}
	}
	return "", fmt.Errorf("%w (searched PATH and %s)", ErrNoBinaries, strings.Join(searchGlobs, ", "))
}

func hasPrograms(dir string) bool {
	for _, name := range serverPrograms {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

var versionRe = regexp.MustCompile(`\d+(\.\d+)?`)

// sortNewestFirst orders install directories by the version number in their path,
// highest first, so /usr/lib/postgresql/16/bin wins over .../9.6/bin.
func sortNewestFirst(dirs []string) {
	version := func(s string) [2]int {
		var v [2]int
		m := versionRe.FindString(s)
		for i, part := range strings.SplitN(m, ".", 2) {
			v[i], _ = strconv.Atoi(part)
		}
		return v
	}
	sort.SliceStable(dirs, func(i, j int) bool {
		a, b := version(dirs[i]), version(dirs[j])
		if a[0] != b[0] {
			return a[0] > b[0]
		}
		return a[1] > b[1]
	})
}
