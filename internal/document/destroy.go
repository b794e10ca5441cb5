package document

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// destroyUnreferencedSQL deletes the documents in $1 that no record still names. It lists
// every foreign key to documents (destroy_test.go checks the list against the database):
// a document still in use is kept, whichever record uses it.
const destroyUnreferencedSQL = `DELETE FROM documents d WHERE d.id::text = ANY($1)
	AND NOT EXISTS (SELECT 1 FROM contract_documents r WHERE r.document_id = d.id)
	AND NOT EXISTS (SELECT 1 FROM monitoring_returns r WHERE r.evidence_document_id = d.id)
	AND NOT EXISTS (SELECT 1 FROM monitoring_return_revisions r WHERE r.evidence_document_id = d.id)
	AND NOT EXISTS (SELECT 1 FROM bank_detail_changes r WHERE r.evidence_document_id = d.id)
	AND NOT EXISTS (SELECT 1 FROM qa_action_responses r WHERE r.evidence_document_id = d.id)
	AND NOT EXISTS (SELECT 1 FROM provider_pending_uploads r WHERE r.document_id = d.id)`

// DestroyUnreferenced deletes those of the documents ids that nothing refers to any more, in
// the caller's transaction, and returns how many went.
//
// Why: a record that is destroyed (an ended contract, say) takes its files with it, but a
// file may be shared: a contract's signed copy attached to another contract, evidence that a
// bank-detail change or a QA response still shows. Those are kept; deleting them would
// either fail on the foreign key or pull the file from under a record that is still kept.
// Whoever destroys the record names its files; this package decides which of them can go.
func DestroyUnreferenced(ctx context.Context, tx *sqlx.Tx, ids []string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, destroyUnreferencedSQL, pq.StringArray(ids))
	if err != nil {
		return 0, fmt.Errorf("destroy documents: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("destroy documents: %w", err)
	}
	return int(n), nil
}
