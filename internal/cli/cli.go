// Package cli implements the portal command's subcommands: the server, migrations, the
// development runner and the operator's tools. Each subcommand is a function from
// arguments and surroundings to an exit code, so tests can run them in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/council/provider-portal/internal/config"
)

// Env is what a command sees of its process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

const usage = `Provider Portal

Usage:
  portal serve                      run the web server (DATABASE_URL, PORTAL_DATA_KEY required)
  portal dev                        start a private PostgreSQL if DATABASE_URL is unset, migrate,
                                    load demo data and serve (what 'make run' calls)
  portal migrate up|down|status     apply, roll back one, or list migrations
  portal users add --email E --name N --role R [--role R...]
                                    add a user; the password is read from standard input,
                                    or generated and printed once when none is given
  portal users disable --email E    stop a user signing in and end their sessions
  portal audit verify [--checkpoint LINE]...
                                    check the audit trail's hash chain, seals and checkpoints
  portal audit checkpoint           seal the head of the audit trail now and print the line to keep
  portal notices publish --title T --effective YYYY-MM-DD --file BODY.md [--by NAME]
                                    publish a new version of the provider privacy notice
                                    (Markdown; --file - reads standard input)
  portal retention sweep            list what the retention schedule says is due for destruction
                                    (the data protection officer approves it in the portal)
  portal import providers FILE [--dry-run] [--format csv|xlsx] [--json]
                      [--mode all-or-nothing|valid-only]
                                    check suppliers in a CSV or XLSX file laid out as the import
                                    template, and import them unless --dry-run; exits 1 when the
                                    file or any row fails (--json: one JSON object per row); bank
                                    details go to finance to verify, never straight to payment
  portal import invite [--dry-run]  invite imported suppliers' key contacts to claim their records
  portal regulator import --source ofsted|cqc FILE [--dry-run]
                                    match Ofsted's children's social care providers and inspections
                                    file or the CQC's care directory with ratings (CSV, XLSX or ODS, as
                                    published) to providers, record the judgements, email contract
                                    managers of providers whose rating fell and update compliance;
                                    --dry-run only shows what would change
  portal jobs run-due               run each periodic job that is due once (as the server does), then exit
  portal seed --providers N [--contracts M] [--seed S] [--append]
                                    fill a development database with synthetic providers,
                                    contracts and history (PORTAL_ENV=development only)
  portal keygen [audit]             print a new PORTAL_DATA_KEY value (or PORTAL_AUDIT_KEY)
  portal totp SECRET                print the current code for a TOTP secret (development aid)

Configuration comes from the environment; see .env.example.
`

// Main runs the subcommand in args and returns the process exit code.
func Main(args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, env)
	case "dev":
		err = dev(ctx, env)
	case "migrate":
		err = migrate(ctx, args[1:], env)
	case "users":
		err = users(ctx, args[1:], env)
	case "audit":
		err = auditCmd(ctx, args[1:], env)
	case "notices":
		err = notices(ctx, args[1:], env)
	case "retention":
		err = retentionCmd(ctx, args[1:], env)
	case "import":
		err = importCmd(ctx, args[1:], env)
	case "regulator":
		err = regulatorCmd(ctx, args[1:], env)
	case "jobs":
		err = jobsCmd(ctx, args[1:], env)
	case "seed":
		err = seedCmd(ctx, args[1:], env)
	case "keygen":
		err = keygen(args[1:], env)
	case "totp":
		err = totpCode(args[1:], env)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return 0
	default:
		fmt.Fprintf(env.Stderr, "portal: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err == nil {
		return 0
	}
	var u usageError
	switch {
	case errors.As(err, &u):
		fmt.Fprintf(env.Stderr, "portal %s: %s\n", args[0], u.msg)
		return 2
	case config.IsProblems(err):
		fmt.Fprintf(env.Stderr, "portal: %v\n", err)
		return 2
	}
	fmt.Fprintf(env.Stderr, "portal %s: %v\n", args[0], err)
	return 1
}

// usageError is a mistake in the command line, reported with exit code 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// newLogger writes JSON lines, the format log collectors read without configuration.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
