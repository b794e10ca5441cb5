package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/council/provider-portal/internal/importer"
)

// importCmd runs "portal import providers FILE ..." and "portal import invite".
func importCmd(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return usagef("say providers or invite")
	}
	switch args[0] {
	case "providers":
		return importProviders(ctx, args[1:], env)
	case "invite":
		return importInvite(ctx, args[1:], env)
	}
	return usagef("unknown import command %q: say providers or invite", args[0])
}

// importFailed ends an import that found bad rows or a bad file with exit code 1, after
// the report has been printed.
type importFailed struct{ msg string }

func (e importFailed) Error() string { return e.msg }

// importProviders checks a file of suppliers and, unless --dry-run, imports it, printing
// the report: a summary and each failed row, or with --json one JSON object per row.
func importProviders(ctx context.Context, args []string, env Env) error {
	fs := newFlags("import providers", env)
	dryRun := fs.Bool("dry-run", false, "check the file and report; import nothing")
	formatName := fs.String("format", "", "csv or xlsx (default: from the file name's extension)")
	asJSON := fs.Bool("json", false, "print one JSON object per row: {\"row\", \"supplier_ref\", \"errors\"}")
	modeName := fs.String("mode", string(importer.AllOrNothing), "all-or-nothing, or valid-only to import the good rows")
	// FILE may come before, between or after the flags.
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return usagef("%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		files, rest = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 {
		return usagef("give one FILE to import (- reads standard input)")
	}
	mode, ok := importer.ParseMode(*modeName)
	if !ok {
		return usagef("--mode must be all-or-nothing or valid-only")
	}
	format, ok := importer.ParseFormat(*formatName)
	if *formatName == "" {
		format, ok = importer.FormatOf(files[0])
	}
	if !ok {
		return usagef("say --format csv or --format xlsx (the file name does not end .csv or .xlsx)")
	}
	in := env.Stdin
	if files[0] != "-" {
		f, err := os.Open(files[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	s, ctx, err := operatorServices(ctx, env)
	if err != nil {
		return err
	}
	defer s.DB.Close()
	svc := s.Importer
	rep, err := svc.Run(ctx, in, importer.Options{Format: format, DryRun: *dryRun, Mode: mode})
	if err != nil {
		return err
	}
	if *asJSON {
		if err := printJSONReport(env.Stdout, rep); err != nil {
			return err
		}
		for _, e := range rep.FileErrors {
			fmt.Fprintln(env.Stderr, e)
		}
		fmt.Fprintln(env.Stderr, summary(rep, *dryRun, mode))
	} else {
		printReport(env.Stdout, rep, *dryRun, mode)
	}
	switch {
	case len(rep.FileErrors) > 0:
		return importFailed{"the file cannot be imported"}
	case rep.Failed == 1:
		return importFailed{"1 row failed"}
	case rep.Failed > 0:
		return importFailed{fmt.Sprintf("%d rows failed", rep.Failed)}
	}
	return nil
}

// printJSONReport writes one JSON object per row, in file order.
func printJSONReport(w io.Writer, rep importer.Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range rep.Rows {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// printReport writes the summary and each failed row's messages, for people.
func printReport(w io.Writer, rep importer.Report, dryRun bool, mode importer.Mode) {
	if len(rep.FileErrors) > 0 {
		fmt.Fprintln(w, "The file cannot be imported:")
		for _, e := range rep.FileErrors {
			fmt.Fprintf(w, "  - %s\n", e)
		}
	}
	fmt.Fprintln(w, summary(rep, dryRun, mode))
	for _, r := range rep.FailedRows() {
		var parts []string
		for _, e := range r.ErrorsInOrder() {
			parts = append(parts, e.Column+": "+e.Message)
		}
		ref := r.SupplierRef
		if ref == "" {
			ref = "no supplier reference"
		}
		fmt.Fprintf(w, "Row %d (%s): %s\n", r.Row, ref, strings.Join(parts, "; "))
	}
	for _, r := range rep.Rows {
		if len(r.Warnings) > 0 {
			fmt.Fprintf(w, "Check row %d (%s) before finance verifies it: %s\n", r.Row, r.SupplierRef, strings.Join(r.Warnings, "; "))
		}
	}
}

// summary is the one line that says what the run found and did.
func summary(rep importer.Report, dryRun bool, mode importer.Mode) string {
	switch {
	case len(rep.FileErrors) > 0:
		return "Nothing was imported."
	case dryRun:
		return fmt.Sprintf("Checked %s: %d good, %d failed. This was a dry run: nothing was imported.",
			rowsWord(rep.Total), rep.Total-rep.Failed, rep.Failed)
	case rep.Failed > 0 && mode == importer.AllOrNothing:
		return fmt.Sprintf("Checked %s: %d failed, so nothing was imported. Fix them, or import the good rows with --mode valid-only.",
			rowsWord(rep.Total), rep.Failed)
	}
	s := fmt.Sprintf("Imported %s: %d created, %d updated.", rowsWord(rep.Created+rep.Updated), rep.Created, rep.Updated)
	if rep.Failed > 0 {
		s += fmt.Sprintf(" %s failed and %s skipped.", rowsWord(rep.Failed), map[bool]string{true: "was", false: "were"}[rep.Failed == 1])
	}
	switch {
	case rep.BankRequests == 1:
		s += " The bank details of 1 supplier were sent to finance to verify: they are not paid until finance has verified and approved them."
	case rep.BankRequests > 1:
		s += fmt.Sprintf(" The bank details of %d suppliers were sent to finance to verify: they are not paid until finance has verified and approved them.", rep.BankRequests)
	}
	return s
}

func rowsWord(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

// importInvite sends the bulk invitations to claim imported records, or with --dry-run
// says how many it would send.
func importInvite(ctx context.Context, args []string, env Env) error {
	fs := newFlags("import invite", env)
	dryRun := fs.Bool("dry-run", false, "say how many key contacts would be invited; invite nobody")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("import invite takes no arguments")
	}
	s, ctx, err := operatorServices(ctx, env)
	if err != nil {
		return err
	}
	defer s.DB.Close()
	svc := s.Importer
	if *dryRun {
		n, err := svc.Invitable(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s would be invited to claim their records.\n", contactsWord(n))
		return nil
	}
	n, err := svc.InviteKeyContacts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Invited %s to claim their records.\n", contactsWord(n))
	return nil
}

func contactsWord(n int) string {
	if n == 1 {
		return "1 key contact"
	}
	return fmt.Sprintf("%d key contacts", n)
}
