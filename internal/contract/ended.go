package contract

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// endedOn is the day a contract ended: its termination date when it was terminated early,
// else its end date.
const endedOn = `coalesce(c.terminated_on, c.end_date)`

// EndedContract is a contract that has ended, with the day it ended.
type EndedContract struct {
	ID             string    `db:"id"`
	OrganisationID string    `db:"organisation_id"`
	Ended          time.Time `db:"ended"`
}

// EndedOnOrBefore lists the contracts that ended (by termination or by their end date) on or
// before the day given, oldest end first: what the retention rule for contract records
// counts from.
func EndedOnOrBefore(ctx context.Context, q sqlx.QueryerContext, day time.Time) ([]EndedContract, error) {
	var out []EndedContract
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT c.id::text AS id, c.organisation_id::text AS organisation_id, `+endedOn+` AS ended
		FROM contracts c WHERE `+endedOn+` <= $1::date ORDER BY ended, c.id`, dateOf(day).Format(time.DateOnly)); err != nil {
		return nil, fmt.Errorf("ended contracts: %w", err)
	}
	return out, nil
}

// LastContractEnds maps each organisation whose every contract has ended on or before the
// day given to the day its last contract ended. An organisation with a contract still running
// (or none at all) is not in the map.
func LastContractEnds(ctx context.Context, q sqlx.QueryerContext, day time.Time) (map[string]time.Time, error) {
	var rows []struct {
		Org   string    `db:"organisation_id"`
		Ended time.Time `db:"ended"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT c.organisation_id::text AS organisation_id, max(`+endedOn+`) AS ended
		FROM contracts c GROUP BY c.organisation_id HAVING bool_and(`+endedOn+` <= $1::date)`, dateOf(day).Format(time.DateOnly)); err != nil {
		return nil, fmt.Errorf("last contract ends: %w", err)
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		out[r.Org] = r.Ended
	}
	return out, nil
}
