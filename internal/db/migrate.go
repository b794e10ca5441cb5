package db

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"io/fs"

	portal "github.com/council/provider-portal"
	"github.com/pressly/goose/v3"
)

// migrationsFS is the embedded migrations folder, rooted so goose sees bare file names.
func migrationsFS() fs.FS {
	sub, err := fs.Sub(portal.Migrations, "migrations")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder exists
	}
	return sub
}

func provider(d *sql.DB, out io.Writer) (*goose.Provider, error) {
	opts := []goose.ProviderOption{}
	if out == nil {
		opts = append(opts, goose.WithVerbose(false))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, d, migrationsFS(), opts...)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// MigrateUp applies every pending migration.
func MigrateUp(ctx context.Context, d *sql.DB, out io.Writer) error {
	p, err := provider(d, out)
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	if out != nil {
		for _, r := range results {
			fmt.Fprintf(out, "applied %s (%s)\n", r.Source.Path, r.Duration)
		}
	}
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}

// MigrateDown rolls back the most recent migration.
func MigrateDown(ctx context.Context, d *sql.DB, out io.Writer) error {
	p, err := provider(d, out)
	if err != nil {
		return err
	}
	r, err := p.Down(ctx)
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	if out != nil && r != nil {
		fmt.Fprintf(out, "rolled back %s\n", r.Source.Path)
	}
	return nil
}

// MigrateStatus writes each migration and whether it is applied.
func MigrateStatus(ctx context.Context, d *sql.DB, out io.Writer) error {
	p, err := provider(d, out)
	if err != nil {
		return err
	}
	statuses, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("migration status: %w", err)
	}
	for _, s := range statuses {
		when := "pending"
		if s.State == goose.StateApplied {
			when = "applied " + s.AppliedAt.Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(out, "%-50s %s\n", s.Source.Path, when)
	}
	return nil
}
