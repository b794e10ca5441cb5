package directory

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// StatusCount is how many providers have a status.
type StatusCount struct {
	Status provider.Status
	Count  int
}

// StatusCounts counts providers by status, every status listed in workflow order (for the
// dashboard, where a status nobody has still shows as 0), from the counts the database keeps
// as providers change (migration 00041).
func StatusCounts(ctx context.Context, q sqlx.QueryerContext) ([]StatusCount, error) {
	var rows []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT status, sum(n) AS n FROM provider_directory_counts
		WHERE category = '' GROUP BY status`); err != nil {
		return nil, fmt.Errorf("providers by status: %w", err)
	}
	out := make([]StatusCount, len(Statuses))
	for i, s := range Statuses {
		out[i].Status = provider.Status(s.Value)
		for _, r := range rows {
			if r.Status == s.Value {
				out[i].Count = r.N
			}
		}
	}
	return out, nil
}

// maxFrameworks bounds the framework filter's options.
const maxFrameworks = 500

// frameworksSQL reads the framework filter's options; $1 is maxFrameworks. It runs on every
// view of the directory, and a few frameworks are shared by thousands of contracts, so it
// skips from one name to the next along the index (contracts_directory_framework) rather
// than reading every contract and removing duplicates: a handful of index probes, not a
// scan. Every non-empty name sorts after the empty string.
const frameworksSQL = `WITH RECURSIVE f AS (
		(SELECT framework_name FROM contracts WHERE framework_name > '' ORDER BY framework_name LIMIT 1)
		UNION ALL
		SELECT (SELECT c.framework_name FROM contracts c WHERE c.framework_name > f.framework_name ORDER BY c.framework_name LIMIT 1)
		FROM f WHERE f.framework_name IS NOT NULL)
	SELECT framework_name FROM f WHERE framework_name IS NOT NULL LIMIT $1`

// Frameworks are the frameworks and dynamic purchasing systems contracts have been called
// off, A to Z, for the framework filter.
func Frameworks(ctx context.Context, q sqlx.QueryerContext) ([]provider.Option, error) {
	var names []string
	if err := sqlx.SelectContext(ctx, q, &names, frameworksSQL, maxFrameworks); err != nil {
		return nil, fmt.Errorf("frameworks: %w", err)
	}
	out := make([]provider.Option, len(names))
	for i, n := range names {
		out[i] = provider.Option{Value: n, Label: n}
	}
	return out, nil
}
