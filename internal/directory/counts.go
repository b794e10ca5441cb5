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

// frameworksSQL reads the framework filter's options; $1 is maxFrameworks.
const frameworksSQL = `SELECT DISTINCT framework_name FROM contracts WHERE framework_name <> ''
		ORDER BY framework_name LIMIT $1`

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
