package contract

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// OrganisationsActiveSince lists the organisations with a contract in force at some time
// from since to today: signed or running (not a draft), started by today, and not ended or
// terminated before since. Finance's NFI export calls it (through the wiring) to leave
// dormant creditors out.
func OrganisationsActiveSince(ctx context.Context, q sqlx.QueryerContext, since, today time.Time) ([]string, error) {
	var ids []string
	err := sqlx.SelectContext(ctx, q, &ids, `SELECT DISTINCT organisation_id::text FROM contracts
		WHERE status <> 'draft' AND start_date <= $2::date
		  AND (CASE WHEN status = 'terminated' THEN least(terminated_on, end_date) ELSE end_date END) >= $1::date`,
		since.Format(time.DateOnly), today.Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("organisations with active contracts: %w", err)
	}
	return ids, nil
}
