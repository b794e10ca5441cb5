package cli

import (
	"context"

	"github.com/council/provider-portal/internal/config"
	"github.com/council/provider-portal/internal/db"
)

// serve runs the portal for real: configuration must be complete, and pending migrations
// are applied first (goose holds a lock, so instances starting together take turns).
func serve(ctx context.Context, env Env) error {
	cfg, err := config.Load(env.Getenv, true)
	if err != nil {
		return err
	}
	log := newLogger(env.Stdout, cfg.LogLevel)
	s, err := build(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.DB.Close()
	if err := db.MigrateUp(ctx, s.DB.DB, nil); err != nil {
		return err
	}
	return s.run(ctx, nil)
}
