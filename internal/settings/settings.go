// Package settings owns the name/value settings that officers change at run time (the
// contract expiry window, return due days, compliance thresholds). Each capability keeps
// its own typed settings, names, defaults and checks; this package only stores the values,
// so the shared table has one writer and every save is serialised the same way.
package settings

import (
	"context"
	"fmt"
	"sort"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Values reads the named settings. A name with no row is absent from the map: the caller's
// default applies, so a new setting needs no migration.
func Values(ctx context.Context, q sqlx.QueryerContext, names []string) (map[string]string, error) {
	var rows []struct {
		Name  string `db:"name"`
		Value string `db:"value"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT name, value FROM settings WHERE name = ANY($1)`, pq.Array(names)); err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Name] = r.Value
	}
	return out, nil
}

// Lock serialises saves: a capability takes it before reading the values it is about to
// replace, so two people saving at once cannot each overwrite the other unseen.
func Lock(ctx context.Context, tx *sqlx.Tx) error {
	if _, err := tx.ExecContext(ctx, `LOCK TABLE settings IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("lock settings: %w", err)
	}
	return nil
}

// Save stores values in the caller's transaction (which records the audit event), each
// stamped with the person saving them; by is empty for the system.
func Save(ctx context.Context, tx *sqlx.Tx, values map[string]string, by string) error {
	var who any
	if by != "" {
		who = by
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names) // a fixed order, so concurrent saves lock rows alike
	for _, name := range names {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value, updated_by) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by`,
			name, values[name], who); err != nil {
			return fmt.Errorf("save setting %s: %w", name, err)
		}
	}
	return nil
}
