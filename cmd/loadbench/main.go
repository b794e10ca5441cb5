// Command loadbench is the load benchmark `make bench` runs: the portal on seeded data at
// 1,000 and 100,000 providers, under load on loopback, against pgbench running the same SQL.
// See internal/loadbench; `go run ./cmd/loadbench --quick` is a short trial run.
package main

import (
	"os"

	"github.com/council/provider-portal/internal/loadbench"
)

func main() {
	os.Exit(loadbench.Main(os.Args[1:], os.Stdout, os.Stderr))
}
