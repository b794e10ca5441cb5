package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/config"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/vault"
	"github.com/pquerna/otp/totp"
)

// auditCmd verifies the audit trail's hash chain and exits non-zero when it is broken.
func auditCmd(ctx context.Context, args []string, env Env) error {
	if len(args) != 1 || args[0] != "verify" {
		return usagef("say verify")
	}
	cfg, err := config.Load(env.Getenv, false)
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		return usagef("DATABASE_URL is not set")
	}
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer d.Close()
	res, _, err := audit.VerifyFromAnchor(ctx, d)
	if err != nil {
		return err
	}
	if !res.OK() {
		return fmt.Errorf("audit trail broken at event %d: %s (%d events checked)", res.BrokenAt, res.Reason, res.Checked)
	}
	fmt.Fprintf(env.Stdout, "Audit trail intact: %d events checked.\n", res.Checked)
	return nil
}

// keygen prints a PORTAL_DATA_KEY value with a dated key id, ready to put first in the list
// when rotating.
func keygen(env Env) error {
	fmt.Fprintf(env.Stdout, "k%s:%s\n", time.Now().Format("20060102"), vault.GenerateKey())
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
