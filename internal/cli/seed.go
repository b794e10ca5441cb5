package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/config"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/seed"
)

// seedCmd is `portal seed`: synthetic providers, contracts and their history for
// demonstrations and load tests. It refuses a production configuration, since its bank
// details and contacts are made up, and a database that already has providers unless told
// to append.
func seedCmd(ctx context.Context, args []string, env Env) error {
	fs := newFlags("seed", env)
	providers := fs.Int("providers", 1000, "how many providers to make")
	contracts := fs.Int("contracts", -1, "how many contracts to make (default: one for every five providers)")
	seedValue := fs.Int64("seed", seed.DefaultSeed, "the random seed: the same seed makes the same data")
	appendTo := fs.Bool("append", false, "add to a database that already has providers")
	quiet := fs.Bool("quiet", false, "print only the summary")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *providers < 1 {
		return usagef("--providers must be at least 1")
	}
	if *contracts < 0 {
		*contracts = *providers / 5
	}
	cfg, err := config.Load(env.Getenv, true)
	if err != nil {
		return err
	}
	if !cfg.Development() {
		return usagef("refusing to seed with PORTAL_ENV=%s: seeded data are made up (bank details, contacts); set PORTAL_ENV=development", cfg.Env)
	}
	s, err := build(ctx, cfg, newLogger(env.Stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer s.DB.Close()
	if err := db.MigrateUp(ctx, s.DB.DB, nil); err != nil {
		return err
	}
	var progress io.Writer = env.Stderr
	if *quiet {
		progress = nil
	}
	sum, err := seed.Run(ctx, s.DB, seed.Options{Providers: *providers, Contracts: *contracts, Seed: *seedValue, Append: *appendTo,
		Vault: s.Vault, Modulus: s.Finance.Modulus, Progress: progress})
	if err != nil {
		return err
	}
	printSeedSummary(env.Stdout, sum, *seedValue)
	return nil
}

// printSeedSummary says what was made and how long it took.
func printSeedSummary(w io.Writer, sum *seed.Summary, seedValue int64) {
	fmt.Fprintf(w, "Seeded %s providers (seed %d, from index %d) in %s.\n", thousands(sum.Providers), seedValue, sum.FirstIndex,
		sum.Took.Round(100*time.Millisecond))
	statuses := make([]string, 0, len(sum.ByStatus))
	for st := range sum.ByStatus {
		statuses = append(statuses, st)
	}
	slices.SortFunc(statuses, func(a, b string) int { return sum.ByStatus[b] - sum.ByStatus[a] })
	var parts []string
	for _, st := range statuses {
		parts = append(parts, fmt.Sprintf("%s %s", strings.ReplaceAll(st, "_", " "), thousands(sum.ByStatus[st])))
	}
	fmt.Fprintf(w, "  By status: %s\n", strings.Join(parts, ", "))
	names := make([]string, 0, len(sum.Rows))
	for n := range sum.Rows {
		names = append(names, n)
	}
	slices.Sort(names)
	parts = parts[:0]
	for _, n := range names {
		if sum.Rows[n] > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", n, thousands(sum.Rows[n])))
		}
	}
	fmt.Fprintf(w, "  Rows written: %s\n", strings.Join(parts, ", "))
	parts = parts[:0]
	for _, r := range sum.Ratings {
		parts = append(parts, fmt.Sprintf("%s %s", r.RAG.Label(), thousands(r.Count)))
	}
	fmt.Fprintf(w, "  Compliance of every provider: %s\n", strings.Join(parts, ", "))
	names = slices.SortedFunc(maps.Keys(sum.CopyTime), func(a, b string) int { return cmp.Compare(sum.CopyTime[b], sum.CopyTime[a]) })
	parts = parts[:0]
	for _, n := range names[:min(len(names), 5)] {
		parts = append(parts, fmt.Sprintf("%s %s", n, sum.CopyTime[n].Round(100*time.Millisecond)))
	}
	fmt.Fprintf(w, "  Slowest tables to copy: %s\n", strings.Join(parts, ", "))
	fmt.Fprintf(w, "  Time: writing %s, rating compliance %s, vacuum and analyse %s\n", sum.Write.Round(100*time.Millisecond),
		sum.Compliance.Round(100*time.Millisecond), sum.Analyze.Round(100*time.Millisecond))
}

// thousands writes n with thousands separators: 100000 is "100,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
