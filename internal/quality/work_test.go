package quality_test

import (
	"context"
	"testing"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/work"
)

// TestWaitingActionsFollowTheAction: an action is an officer's work once the provider marks
// it complete through the service, and stops being once the officer closes it; one the
// provider is still working on is not.
func TestWaitingActionsFollowTheAction(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	provUser := w.user(t, "pat@acorn.example", "provider", w.OrgID)
	provCtx := audit.WithActor(ctx, audit.Actor{UserID: provUser, Email: "pat@acorn.example", Roles: []string{"provider"}})
	svc := w.service()
	visit := w.visit(t, w.OrgID, day(-10))
	done, working := w.action(t, visit, day(20)), w.action(t, visit, day(30))
	waiting := func(f work.Filter) []string {
		t.Helper()
		items, err := quality.WaitingActions(ctx, w.DB, f)
		if err != nil {
			t.Fatal(err)
		}
		n, err := quality.CountWaitingActions(ctx, w.DB, f)
		if err != nil || n != len(items) {
			t.Errorf("count %d, %v; listed %d", n, err, len(items))
		}
		var out []string
		for _, it := range items {
			if it.Kind != work.KindQAAction || it.Href != "/quality/actions/"+it.ID || it.OrganisationName != "Acorn Fostering Ltd" || it.Title != "Complete the missing-from-care log" {
				t.Errorf("item = %+v", it)
			}
			out = append(out, it.ID)
		}
		return out
	}
	if got := waiting(work.Filter{}); len(got) != 0 {
		t.Fatalf("before any response: %v", got)
	}
	if err := svc.Respond(provCtx, w.OrgID, done, 1, quality.ResponseInput{Response: "The log is complete", Status: "completed"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := svc.Respond(provCtx, w.OrgID, working, 1, quality.ResponseInput{Response: "Started", Status: "in_progress"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := waiting(work.Filter{}); len(got) != 1 || got[0] != done {
		t.Errorf("after the responses: %v, want only %s", got, done)
	}
	if got := waiting(work.Filter{Mine: true, Organisations: []string{w.OrgID}}); len(got) != 1 {
		t.Errorf("for the provider's manager: %v", got)
	}
	if got := waiting(work.Filter{Mine: true}); len(got) != 0 {
		t.Errorf("for an officer with no providers: %v", got)
	}
	if err := svc.CloseAction(w.Ctx, done, 2, "Checked the log on a visit"); err != nil {
		t.Fatal(err)
	}
	if got := waiting(work.Filter{}); len(got) != 0 {
		t.Errorf("after closing: %v", got)
	}
}
