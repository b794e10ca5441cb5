package privacy

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// notAboutKeptOrganisation is the condition that a register entry is about none of the organisations in $2
// (those the caller must keep, such as providers under a legal hold). An entry about no
// provider is never kept by it.
const notAboutKeptOrganisation = `(organisation_id IS NULL OR NOT (organisation_id::text = ANY($2)))`

// CountDisclosuresBefore counts what DestroyDisclosuresBefore would delete.
func CountDisclosuresBefore(ctx context.Context, q sqlx.QueryerContext, onOrBefore time.Time, keepOrganisations []string) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM disclosures WHERE disclosed_on <= $1 AND `+notAboutKeptOrganisation,
		onOrBefore, pq.StringArray(keepOrganisations)); err != nil {
		return 0, fmt.Errorf("count disclosures: %w", err)
	}
	return n, nil
}

// DestroyDisclosuresBefore deletes, in the caller's transaction, the disclosures made on or
// before the date onOrBefore, except those about an organisation in keepOrganisations, and
// returns how many went.
//
// Why: the disclosure log is kept for accountability for a fixed period; after it, what was
// shared and about whom is personal data kept for no purpose. A provider under a legal hold
// keeps its disclosures: the caller (retention) decides the holds, this package applies them.
func DestroyDisclosuresBefore(ctx context.Context, tx *sqlx.Tx, onOrBefore time.Time, keepOrganisations []string) (int, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM disclosures WHERE disclosed_on <= $1 AND `+notAboutKeptOrganisation,
		onOrBefore, pq.StringArray(keepOrganisations))
	if err != nil {
		return 0, fmt.Errorf("destroy disclosures: %w", err)
	}
	return destroyedRows(res, "destroy disclosures")
}

// CountBreachesClosedBefore counts what DestroyBreachesClosedBefore would delete.
func CountBreachesClosedBefore(ctx context.Context, q sqlx.QueryerContext, cutoff time.Time, keepOrganisations []string) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM breaches WHERE closed_at <= $1 AND `+notAboutKeptOrganisation,
		cutoff, pq.StringArray(keepOrganisations)); err != nil {
		return 0, fmt.Errorf("count breaches: %w", err)
	}
	return n, nil
}

// DestroyBreachesClosedBefore deletes, in the caller's transaction, the breaches closed on or
// before cutoff, with their notification records (ON DELETE CASCADE), except those about an
// organisation in keepOrganisations, and returns how many breaches went.
//
// Why: UK GDPR art. 33(5) asks for breaches to be documented, and the retention schedule
// says for how long after one is closed. An open breach is never destroyed, however old:
// its decisions are still being made. A provider under a legal hold keeps its breaches.
func DestroyBreachesClosedBefore(ctx context.Context, tx *sqlx.Tx, cutoff time.Time, keepOrganisations []string) (int, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM breaches WHERE closed_at <= $1 AND `+notAboutKeptOrganisation,
		cutoff, pq.StringArray(keepOrganisations))
	if err != nil {
		return 0, fmt.Errorf("destroy breaches: %w", err)
	}
	return destroyedRows(res, "destroy breaches")
}

// destroyedRows is how many rows a DELETE removed.
func destroyedRows(res sql.Result, what string) (int, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return int(n), nil
}
