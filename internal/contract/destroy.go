package contract

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/document"
	"github.com/jmoiron/sqlx"
)

// DestroyEnded deletes, in the caller's transaction, those of the contracts ids that ended
// (by termination or by their end date) on or before endedBy, and returns how many went.
// Their variations, KPIs, monitoring returns with their notes and earlier revisions go with them (ON DELETE CASCADE), and
// so do the documents attached to them, the signed contract and schedules and the evidence
// for returns, unless something else still uses a document.
//
// Why: contract records are kept for a period after the contract ends (audit, claims), then
// destroyed with everything that belongs to them. A contract still running is never deleted
// here, whatever the caller passes. The caller decides which contracts are due and under no
// legal hold; document.DestroyUnreferenced decides which files are free to go.
func DestroyEnded(ctx context.Context, tx *sqlx.Tx, ids []string, endedBy time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	var due []string
	if err := tx.SelectContext(ctx, &due, `SELECT c.id::text FROM contracts c WHERE c.id::text = ANY($1) AND `+endedOn+` <= $2::date
		ORDER BY c.id FOR UPDATE`, stringArray(ids), dateOf(endedBy).Format(time.DateOnly)); err != nil {
		return 0, fmt.Errorf("lock ended contracts: %w", err)
	}
	if len(due) == 0 {
		return 0, nil
	}
	var docs []string
	if err := tx.SelectContext(ctx, &docs, `SELECT document_id::text FROM contract_documents WHERE contract_id::text = ANY($1)
		UNION SELECT r.evidence_document_id::text FROM monitoring_returns r JOIN kpis k ON k.id = r.kpi_id
		WHERE k.contract_id::text = ANY($1) AND r.evidence_document_id IS NOT NULL
		UNION SELECT v.evidence_document_id::text FROM monitoring_return_revisions v JOIN monitoring_returns r ON r.id = v.return_id
		JOIN kpis k ON k.id = r.kpi_id WHERE k.contract_id::text = ANY($1) AND v.evidence_document_id IS NOT NULL`, stringArray(due)); err != nil {
		return 0, fmt.Errorf("documents of ended contracts: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM contracts WHERE id::text = ANY($1)`, stringArray(due))
	if err != nil {
		return 0, fmt.Errorf("destroy contracts: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("destroy contracts: %w", err)
	}
	if _, err := document.DestroyUnreferenced(ctx, tx, docs); err != nil {
		return 0, err
	}
	return int(n), nil
}
