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

// approvedStatuses are the statuses of a supplier the council approved: suspended is still
// approved (Status.Approved), only paused.
var approvedStatuses = pq.StringArray{string(StatusApproved), string(StatusSuspended)}

// ApprovedOrganisations lists the organisations the council approved as suppliers
// (approved or suspended), for the retention rule that runs from a supplier's last contract.
func ApprovedOrganisations(ctx context.Context, q sqlx.QueryerContext) ([]string, error) {
	var ids []string
	if err := sqlx.SelectContext(ctx, q, &ids, `SELECT id::text FROM organisations WHERE status = ANY($1) ORDER BY id`, approvedStatuses); err != nil {
		return nil, fmt.Errorf("approved suppliers: %w", err)
	}
	return ids, nil
}

// LockApprovedOrganisations returns those of the organisations ids that are still approved
// or suspended, holding their rows until the caller's transaction ends, so none changes while
// it is being destroyed. Call it first, then let the other owners remove their rows (the
// contracts among them), then DestroyApprovedOrganisations.
func LockApprovedOrganisations(ctx context.Context, tx *sqlx.Tx, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var locked []string
	if err := tx.SelectContext(ctx, &locked, `SELECT id::text FROM organisations WHERE id::text = ANY($1) AND status = ANY($2)
		ORDER BY id FOR UPDATE`, pq.StringArray(ids), approvedStatuses); err != nil {
		return nil, fmt.Errorf("lock approved suppliers: %w", err)
	}
	return locked, nil
}

// DestroyApprovedOrganisations deletes, in the caller's transaction, those of the
// organisations ids that are approved or suspended, with everything of the record that
// hangs off them (as DestroyRejectedOrganisations), and returns how many went.
//
// Why: an approved supplier's record is kept while the council works with it and for a
// period after its last contract ends, for claims and audit; after that it is personal data
// kept for no purpose. A supplier whose contracts remain cannot be deleted (contracts are
// kept under their own rule, ON DELETE RESTRICT): the caller destroys them first or leaves
// the supplier out. Rows other owners hold under ON DELETE RESTRICT must be gone first, as
// for DestroyRejectedOrganisations.
func DestroyApprovedOrganisations(ctx context.Context, tx *sqlx.Tx, ids []string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM organisations WHERE id::text = ANY($1) AND status = ANY($2)`,
		pq.StringArray(ids), approvedStatuses)
	if err != nil {
		return 0, fmt.Errorf("destroy former suppliers: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("destroy former suppliers: %w", err)
	}
	return int(n), nil
}
