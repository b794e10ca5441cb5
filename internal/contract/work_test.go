package contract_test

import (
	"context"
	"slices"
	"testing"

	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/work"
)

// TestWaitingReturnsFollowTheReturn follows a return through the service: waiting for an
// officer once submitted, with the provider while queried, waiting again once answered,
// and nobody's work once accepted. "Mine" is the providers whose contracts one manages.
func TestWaitingReturnsFollowTheReturn(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	r := w.returns()[4]
	waiting := func(f work.Filter) []string {
		t.Helper()
		items, err := contract.WaitingReturns(ctx, w.db, f)
		if err != nil {
			t.Fatal(err)
		}
		n, err := contract.CountWaitingReturns(ctx, w.db, f)
		if err != nil || n != len(items) {
			t.Errorf("count %d, %v; listed %d", n, err, len(items))
		}
		var out []string
		for _, it := range items {
			if it.ID != r.ID || it.Href != "/returns/"+r.ID || it.OrganisationID != w.org.ID || it.Title != "CYP-2025-001: Placement stability, 1 May 2025 to 31 May 2025" {
				t.Errorf("item = %+v", it)
			}
			out = append(out, string(it.Kind))
		}
		return out
	}
	anyone := work.Filter{UserID: w.officer.ID}
	if got := waiting(anyone); len(got) != 0 {
		t.Fatalf("before any return is made: %v", got)
	}
	if err := w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, r.ID, r.Version, contract.ReturnForm{Value: "97"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := waiting(anyone); !slices.Equal(got, []string{"return"}) {
		t.Errorf("submitted: %v", got)
	}
	mine, err := contract.ManagedOrganisations(ctx, w.db, w.officer.ID)
	if err != nil || !slices.Equal(mine, []string{w.org.ID}) {
		t.Fatalf("managed providers %v, %v", mine, err)
	}
	if got := waiting(work.Filter{UserID: w.officer.ID, Mine: true, Organisations: mine}); !slices.Equal(got, []string{"return"}) {
		t.Errorf("the manager's own: %v", got)
	}
	if got := waiting(work.Filter{UserID: w.officer.ID, Mine: true}); len(got) != 0 {
		t.Errorf("an officer managing nothing: %v", got)
	}
	got, _ := contract.ReturnByID(ctx, w.db, r.ID, w.today)
	if err := w.svc.QueryReturn(w.officer.ctx, r.ID, got.Version, "Is this right?"); err != nil {
		t.Fatal(err)
	}
	if got := waiting(anyone); len(got) != 0 {
		t.Errorf("queried, the provider's turn: %v", got)
	}
	got, _ = contract.ReturnByID(ctx, w.db, r.ID, w.today)
	if err := w.svc.AnswerQuery(w.org.User.ctx, w.org.ID, r.ID, got.Version, "Yes."); err != nil {
		t.Fatal(err)
	}
	if got := waiting(anyone); !slices.Equal(got, []string{"return_answer"}) {
		t.Errorf("answered: %v", got)
	}
	got, _ = contract.ReturnByID(ctx, w.db, r.ID, w.today)
	if err := w.svc.AcceptReturn(w.officer.ctx, r.ID, got.Version); err != nil {
		t.Fatal(err)
	}
	if got := waiting(anyone); len(got) != 0 {
		t.Errorf("accepted: %v", got)
	}
}
