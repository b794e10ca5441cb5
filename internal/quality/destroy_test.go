package quality_test

import (
	"context"
	"testing"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/quality"
)

// TestQualityDestroyForOrganisations: a provider's visits, actions, responses (with their
// evidence), compliance and reminders go, after which the organisation and its documents
// can be deleted; another provider's are untouched.
func TestQualityDestroyForOrganisations(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	other := w.organisation(t, "Birch Homes Ltd")
	provUser := w.user(t, "pat@acorn.example", "provider", w.OrgID)
	provCtx := audit.WithActor(context.Background(), audit.Actor{UserID: provUser, Email: "pat@acorn.example", Roles: []string{"provider"}})
	svc := w.service()
	svc.Documents = document.PostgresStore{}
	action := w.action(t, w.visit(t, w.OrgID, day(-10)), day(20))
	if err := svc.Respond(provCtx, w.OrgID, action, 1, quality.ResponseInput{Response: "The log is complete", Status: "completed"},
		&quality.Evidence{Filename: "log.pdf", Content: []byte("%PDF-1.4\n%%EOF\n")}); err != nil {
		t.Fatal(err)
	}
	w.action(t, w.visit(t, other, day(-10)), day(20))
	if _, err := quality.RefreshCompliance(context.Background(), w.DB, today); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.Exec(`INSERT INTO reminders_sent (kind, object_id, threshold_days, organisation_id, due_on, recipients)
		VALUES ('insurance_expiry', $1::text || '/el', 30, $1::uuid, $2, 1), ('insurance_expiry', $3::text || '/el', 30, $3::uuid, $2, 1)`, w.OrgID, day(30), other); err != nil {
		t.Fatal(err)
	}

	ctx := audit.WithActor(context.Background(), audit.System)
	tx := w.DB.MustBeginTx(ctx, nil)
	if err := quality.DestroyForOrganisations(ctx, tx, []string{w.OrgID}); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM organisations WHERE id = $1`, w.OrgID); err != nil {
		t.Fatalf("the organisation cannot be deleted after its quality records: %v", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"qa_visits", "qa_actions", "qa_action_responses", "provider_compliance", "reminders_sent", "documents"} {
		var gone, kept int
		if err := w.DB.Get(&gone, `SELECT count(*) FROM `+table+` WHERE organisation_id = $1`, w.OrgID); err != nil {
			t.Fatal(err)
		}
		if err := w.DB.Get(&kept, `SELECT count(*) FROM `+table+` WHERE organisation_id = $1`, other); err != nil {
			t.Fatal(err)
		}
		if gone != 0 {
			t.Errorf("%d rows of %s left for the destroyed provider", gone, table)
		}
		if kept == 0 && table != "qa_action_responses" && table != "documents" {
			t.Errorf("the other provider's %s went too", table)
		}
	}
}
