package provider

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// LockRejectedOrganisations returns those of the organisations ids that are still turned
// down (status rejected), holding their rows until the caller's transaction ends, so none is
// resubmitted or approved while it is being destroyed. Call it first, then let the other
// owners remove their rows, then DestroyRejectedOrganisations.
func LockRejectedOrganisations(ctx context.Context, tx *sqlx.Tx, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var locked []string
	if err := tx.SelectContext(ctx, &locked, `SELECT id::text FROM organisations WHERE id::text = ANY($1) AND status = $2
		ORDER BY id FOR UPDATE`, pq.StringArray(ids), string(StatusRejected)); err != nil {
		return nil, fmt.Errorf("lock rejected registrations: %w", err)
	}
	return locked, nil
}

// DestroyRejectedOrganisations deletes, in the caller's transaction, those of the
// organisations ids whose registration was turned down, with everything of the record that
// hangs off them (sections, comments, status history, documents, memberships and
// invitations, by ON DELETE CASCADE), and returns how many went.
//
// Why: a registration turned down is kept only while the decision may be questioned; after
// the retention period the whole record is personal data kept for no purpose. Only a
// rejected organisation is ever deleted here: a provider that is approved, or waiting for a
// decision, is never destroyed by this path whatever the caller passes. One with contracts
// cannot be deleted (contracts are kept under their own rule); the caller leaves those out.
// Rows other owners hold under ON DELETE RESTRICT (finance's change requests, quality's
// responses, which hold documents) must be gone first: see finance.DestroyForOrganisations
// and quality.DestroyForOrganisations.
func DestroyRejectedOrganisations(ctx context.Context, tx *sqlx.Tx, ids []string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM organisations WHERE id::text = ANY($1) AND status = $2`,
		pq.StringArray(ids), string(StatusRejected))
	if err != nil {
		return 0, fmt.Errorf("destroy rejected registrations: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("destroy rejected registrations: %w", err)
	}
	return int(n), nil
}
