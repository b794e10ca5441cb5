package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/council/provider-portal/internal/regulator"
)

// regulatorCmd runs "portal regulator import --source ofsted|cqc FILE [--dry-run]".
func regulatorCmd(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "import" {
		return usagef("say regulator import --source ofsted|cqc FILE [--dry-run]")
	}
	fs := newFlags("regulator import", env)
	sourceName := fs.String("source", "", "ofsted or cqc: who published the file")
	dryRun := fs.Bool("dry-run", false, "show what the file would change; change nothing")
	var files []string
	for rest := args[1:]; ; {
		if err := fs.Parse(rest); err != nil {
			return usagef("%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		files, rest = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 {
		return usagef("give one FILE, Ofsted's or the CQC's file as published (- reads standard input)")
	}
	source, ok := regulator.ParseSource(*sourceName)
	if !ok {
		return usagef("say --source ofsted or --source cqc")
	}
	content, name, err := readRegulatorFile(files[0], env)
	if err != nil {
		return err
	}
	s, ctx, err := operatorServices(ctx, env)
	if err != nil {
		return err
	}
	defer s.DB.Close()
	check, err := s.Regulator.CheckFile(ctx, source, name, content, !*dryRun)
	if err != nil {
		return err
	}
	if !*dryRun {
		if check, err = s.Regulator.Apply(ctx, check.ID); err != nil {
			return err
		}
	}
	printRegulatorCheck(env.Stdout, check, *dryRun)
	return nil
}

func readRegulatorFile(path string, env Env) ([]byte, string, error) {
	if path == "-" {
		b, err := io.ReadAll(io.LimitReader(env.Stdin, regulator.MaxFileSize+1))
		return b, "standard input", err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, regulator.MaxFileSize+1))
	return b, filepath.Base(path), err
}

// printRegulatorCheck writes what the file held and what it changed (or would change).
func printRegulatorCheck(w io.Writer, c *regulator.Check, dryRun bool) {
	verb := "Changed"
	if dryRun {
		verb = "Would change (dry run, nothing changed)"
	}
	fmt.Fprintf(w, "%s file %s: %d rows read, %d matched to providers, %d not matched, %d skipped\n",
		c.Source.Name(), c.FileName, c.RowsRead, len(c.Matches), c.Unmatched, c.Skipped)
	for _, p := range c.Problems {
		fmt.Fprintf(w, "  %s\n", p)
	}
	n := len(c.Changes())
	noun := "judgements"
	if n == 1 {
		noun = "judgement"
	}
	fmt.Fprintf(w, "%s: %d %s\n", verb, n, noun)
	for _, m := range c.Changes() {
		before := "none published before"
		if m.Previous != "" {
			before = "was " + m.Previous.Label()
		}
		fmt.Fprintf(w, "  %s %s (%s): %s, %s\n", c.Source.IDLabel(), m.RegulatorID, m.ProviderName, m.Judgement.Label(), before)
	}
	fmt.Fprintf(w, "Ratings that fell: %d\n", len(c.Falls()))
	for _, m := range c.Falls() {
		fmt.Fprintf(w, "  %s %s (%s): %s\n", c.Source.IDLabel(), m.RegulatorID, m.ProviderName, m.Judgement.Label())
	}
	fmt.Fprintf(w, "Providers' own ratings that disagree: %d\n", len(c.Disagreements()))
	for _, m := range c.Disagreements() {
		fmt.Fprintf(w, "  %s %s (%s): published %s, the provider says %s\n", c.Source.IDLabel(), m.RegulatorID, m.ProviderName, m.Judgement.Label(), m.DeclaredLabel())
	}
}
