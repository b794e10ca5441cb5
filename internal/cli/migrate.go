package cli

import (
	"context"

	"github.com/council/provider-portal/internal/config"
	"github.com/council/provider-portal/internal/db"
)

func migrate(ctx context.Context, args []string, env Env) error {
	if len(args) != 1 {
		return usagef("say up, down or status")
	}
	cfg, err := config.Load(env.Getenv, false)
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		return usagef("DATABASE_URL is not set: set it to the PostgreSQL database to migrate")
	}
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer d.Close()
	switch args[0] {
	case "up":
		return db.MigrateUp(ctx, d.DB, env.Stdout)
	case "down":
		return db.MigrateDown(ctx, d.DB, env.Stdout)
	case "status":
		return db.MigrateStatus(ctx, d.DB, env.Stdout)
	}
	return usagef("unknown migrate command %q: say up, down or status", args[0])
}
