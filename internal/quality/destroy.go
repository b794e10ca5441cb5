package quality

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// DestroyForOrganisations deletes, in the caller's transaction, everything quality holds
// about the organisations orgIDs: QA visits with their officers, actions and the provider's
// responses, the last computed compliance, and the record of reminders sent.
//
// Why: a provider's record is destroyed whole when its retention period ends (a
// registration turned down). A response's evidence document is held by the response
// (ON DELETE RESTRICT, so evidence cannot vanish from under a live response), so the
// responses go first, leaving the organisation's documents free to go with it. The caller
// decides which organisations are due and under no legal hold; this deletes nothing of any
// other.
func DestroyForOrganisations(ctx context.Context, tx *sqlx.Tx, orgIDs []string) error {
	if len(orgIDs) == 0 {
		return nil
	}
	ids := pq.StringArray(orgIDs)
	for _, stmt := range []struct{ what, sql string }{
		{"QA action responses", `DELETE FROM qa_action_responses WHERE organisation_id::text = ANY($1)`},
		{"QA actions", `DELETE FROM qa_actions WHERE organisation_id::text = ANY($1)`},
		{"QA visits", `DELETE FROM qa_visits WHERE organisation_id::text = ANY($1)`},
		{"compliance", `DELETE FROM provider_compliance WHERE organisation_id::text = ANY($1)`},
		{"reminders sent", `DELETE FROM reminders_sent WHERE organisation_id::text = ANY($1)`},
	} {
		if _, err := tx.ExecContext(ctx, stmt.sql, ids); err != nil {
			return fmt.Errorf("destroy %s: %w", stmt.what, err)
		}
	}
	return nil
}
