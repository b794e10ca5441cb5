package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/config"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/vault"
	"github.com/pquerna/otp/totp"
)

// auditCmd verifies the audit trail ("portal audit verify [--checkpoint LINE]..."): the
// hash chain, each event's seal, and every checkpoint, those kept in the database and
// copies kept outside it (from the log or the daily email). It exits non-zero when any fails.
// "portal audit checkpoint" makes a checkpoint now and prints it.
func auditCmd(ctx context.Context, args []string, env Env) error {
	if len(args) < 1 || (args[0] != "verify" && args[0] != "checkpoint") {
		return usagef("say verify or checkpoint")
	}
	fs := flag.NewFlagSet("audit "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var given []audit.Checkpoint
	fs.Func("checkpoint", "a checkpoint line kept outside the database (repeat for several)", func(s string) error {
		c, err := audit.ParseCheckpoint(s)
		if err == nil {
			given = append(given, c)
		}
		return err
	})
	if err := fs.Parse(args[1:]); err != nil {
		return usagef("%v", err)
	}
	cfg, err := config.Load(env.Getenv, false)
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		return usagef("DATABASE_URL is not set")
	}
	audit.UseKey(cfg.AuditKey)
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer d.Close()
	if args[0] == "checkpoint" {
		c, err := audit.MakeCheckpoint(ctx, d)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, c.String())
		return nil
	}
	res, _, err := audit.VerifyFromAnchor(ctx, d)
	if err != nil {
		return err
	}
	if !res.OK() {
		return fmt.Errorf("audit trail broken at event %d: %s (%d events checked)", res.BrokenAt, res.Reason, res.Checked)
	}
	if !res.SealsChecked {
		fmt.Fprintf(env.Stdout, "Audit trail hashes intact: %d events checked. PORTAL_AUDIT_KEY is not set, so the seals were not checked.\n", res.Checked)
		return nil
	}
	n, problems, err := audit.VerifyCheckpoints(ctx, d, given)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(env.Stderr, "checkpoint of event %d made %s: %s\n", p.Checkpoint.EventID, p.Checkpoint.MadeAt.Format(time.RFC3339), p.Reason)
	}
	if len(problems) > 0 {
		return fmt.Errorf("audit trail does not match %d of %d checkpoints", len(problems), n)
	}
	fmt.Fprintf(env.Stdout, "Audit trail intact: %d events checked, %d sealed (%d from before sealing began), %d checkpoints match.\n",
		res.Checked, res.Sealed, res.Unsealed, n)
	return nil
}

// keygen prints a PORTAL_DATA_KEY value with a dated key id, ready to put first in the list
// when rotating; "keygen audit" prints a PORTAL_AUDIT_KEY.
func keygen(args []string, env Env) error {
	switch {
	case len(args) == 0:
		fmt.Fprintf(env.Stdout, "k%s:%s\n", time.Now().Format("20060102"), vault.GenerateKey())
	case len(args) == 1 && args[0] == "audit":
		fmt.Fprintln(env.Stdout, vault.GenerateKey())
	default:
		return usagef("say nothing, or audit")
	}
	return nil
}

// totpCode prints the current code for a secret, so developers can sign in as the demo
// staff users without an authenticator app.
func totpCode(args []string, env Env) error {
	if len(args) != 1 {
		return usagef("give the secret, e.g. portal totp JBSWY3DPEHPK3PXP")
	}
	code, err := totp.GenerateCode(args[0], time.Now())
	if err != nil {
		return usagef("not a valid TOTP secret: %v", err)
	}
	fmt.Fprintln(env.Stdout, code)
	return nil
}
