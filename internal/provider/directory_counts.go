package provider

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// CompactDirectoryCounts folds the +1 and -1 rows a trigger appends to
// provider_directory_counts (migration 00041) into one row for each status and category, so
// a count stays a read of a few rows. It is one statement: rows appended while it runs are
// not in its snapshot, so they are neither deleted nor lost. It returns how many rows it
// folded.
func CompactDirectoryCounts(ctx context.Context, q sqlx.ExecerContext) (int64, error) {
	res, err := q.ExecContext(ctx, `WITH gone AS (DELETE FROM provider_directory_counts RETURNING status, category, n)
		INSERT INTO provider_directory_counts (status, category, n)
		SELECT status, category, sum(n) FROM gone GROUP BY status, category HAVING sum(n) <> 0`)
	if err != nil {
		return 0, fmt.Errorf("compact directory counts: %w", err)
	}
	return res.RowsAffected()
}
