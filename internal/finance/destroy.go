package finance

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// DestroyForOrganisations deletes, in the caller's transaction, everything finance holds
// about the organisations orgIDs: their payment details, their bank-detail change requests,
// the verification calls made about them and what the last payment file said of them.
//
// Why: a provider's record is destroyed whole when its retention period ends (a
// registration turned down), and its bank details are among the most sensitive parts of it.
// A change request and the payment details it produced point at each other
// (payment_details.change_id and bank_detail_changes.payment_details_id, neither cascading),
// so the link is cut before either goes; and a change's evidence document is held by the
// request (ON DELETE RESTRICT), so the requests must go before the organisation's documents.
// Doing it here keeps those rules in the package that made them. The caller decides which
// organisations are due and under no legal hold; this deletes nothing of any other.
func DestroyForOrganisations(ctx context.Context, tx *sqlx.Tx, orgIDs []string) error {
	if len(orgIDs) == 0 {
		return nil
	}
	ids := pq.StringArray(orgIDs)
	for _, stmt := range []struct{ what, sql string }{
		{"unlink payment details", `UPDATE bank_detail_changes SET payment_details_id = NULL
			WHERE organisation_id::text = ANY($1) AND payment_details_id IS NOT NULL`},
		{"payment details", `DELETE FROM payment_details WHERE organisation_id::text = ANY($1)`},
		{"bank-detail changes", `DELETE FROM bank_detail_changes WHERE organisation_id::text = ANY($1)`},
		{"payment file baseline", `DELETE FROM payment_file_suppliers WHERE organisation_id::text = ANY($1)`},
		{"creditor numbers", `DELETE FROM finance_creditors WHERE organisation_id::text = ANY($1)`},
	} {
		if _, err := tx.ExecContext(ctx, stmt.sql, ids); err != nil {
			return fmt.Errorf("destroy %s: %w", stmt.what, err)
		}
	}
	return nil
}
