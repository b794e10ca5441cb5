package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/config"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/demo"
	"github.com/council/provider-portal/internal/devdb"
	"github.com/council/provider-portal/internal/vault"
)

// devDir holds what `portal dev` keeps between runs: the PostgreSQL cluster and the data key.
const devDir = "var"

// dev is `make run`: development settings, a private PostgreSQL under ./var when
// DATABASE_URL is unset, migrations, demo data, then the server. Ctrl-C stops the server and
// the cluster cleanly; the data stay for the next run.
func dev(ctx context.Context, env Env) error {
	getenv := func(k string) string {
		if v := env.Getenv(k); v != "" {
			return v
		}
		return map[string]string{"PORTAL_ENV": "development", "LOG_LEVEL": "warn"}[k]
	}
	cfg, err := config.Load(getenv, false)
	if err != nil {
		return err
	}
	if cfg.DataKey == "" {
		if cfg.DataKey, err = devDataKey(filepath.Join(devDir, "data.key")); err != nil {
			return err
		}
	}
	if cfg.AuditKey == nil {
		if cfg.AuditKey, err = devAuditKey(filepath.Join(devDir, "audit.key")); err != nil {
			return err
		}
	}
	if cfg.DatabaseURL == "" {
		if _, err := devdb.FindBinaries(); err != nil {
			if errors.Is(err, devdb.ErrNoBinaries) {
				return fmt.Errorf("%w", err)
			}
			return err
		}
		dir, _ := filepath.Abs(filepath.Join(devDir, "pg"))
		fmt.Fprintf(env.Stdout, "Starting PostgreSQL in %s ...\n", dir)
		cluster, err := devdb.Start(ctx, devdb.Options{Dir: dir, Database: "portal"})
		if err != nil {
			return fmt.Errorf("start PostgreSQL: %w", err)
		}
		defer func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := cluster.Stop(stopCtx); err != nil {
				fmt.Fprintf(env.Stderr, "stopping PostgreSQL: %v\n", err)
			} else {
				fmt.Fprintln(env.Stdout, "PostgreSQL stopped; your data are kept in", dir)
			}
		}()
		cfg.DatabaseURL = cluster.URL("portal")
	}
	log := newLogger(env.Stderr, cfg.LogLevel)
	s, err := build(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.DB.Close()
	if err := db.MigrateUp(ctx, s.DB.DB, nil); err != nil {
		return err
	}
	if err := demo.Load(ctx, s.Auth); err != nil {
		return err
	}
	if err := demo.LoadSubmittedProvider(ctx, s.Auth, s.Providers); err != nil {
		return err
	}
	if err := demo.LoadCommissioning(ctx, s.Auth, s.Providers); err != nil {
		return err
	}
	if err := demo.LoadCreditorNumbers(ctx, s.Auth, s.Finance); err != nil {
		return err
	}
	return s.run(ctx, func() { demo.PrintSignIns(env.Stdout, cfg.BaseURL.String()) })
}

// devDataKey reads the development encryption key, making one on the first run. Losing it
// makes the development bank details unreadable, which is why it lives beside the data.
func devDataKey(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil {
		k := strings.TrimSpace(string(b))
		if _, err := vault.ParseKeys(k); err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		return k, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	k := "dev1:" + vault.GenerateKey()
	if err := os.WriteFile(path, []byte(k+"\n"), 0o600); err != nil {
		return "", err
	}
	return k, nil
}

// devAuditKey reads the development audit key, making one on the first run, beside the
// data it seals.
func devAuditKey(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil {
		k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) != audit.KeySize {
			return nil, fmt.Errorf("%s: not a 32-byte base64 key", path)
		}
		return k, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	s := vault.GenerateKey()
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(s)
}
