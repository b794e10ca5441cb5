package finance_test

import (
	"context"
	"testing"

	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/work"
)

// TestWaitingChangesFollowTheRequest follows a request through the service: waiting for a
// call for any finance officer, then waiting for approval for anyone but the one who made
// the call, then nobody's work once approved.
func TestWaitingChangesFollowTheRequest(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")
	waiting := func(who *person) []string {
		t.Helper()
		items, err := finance.WaitingChanges(ctx, f.db, work.Filter{UserID: who.ID})
		if err != nil {
			t.Fatal(err)
		}
		n, err := finance.CountWaitingChanges(ctx, f.db, work.Filter{UserID: who.ID})
		if err != nil || n != len(items) {
			t.Errorf("count %d, %v; listed %d", n, err, len(items))
		}
		var out []string
		for _, it := range items {
			if it.OrganisationID != p.ID || it.OrganisationName != "Acorn Fostering Ltd" || it.Href != "/finance/changes/"+it.ID {
				t.Errorf("item = %+v", it)
			}
			out = append(out, string(it.Kind))
		}
		return out
	}

	c, err := f.svc.RequestChange(p.User.ctx, p.ID, request(accountB))
	if err != nil {
		t.Fatal(err)
	}
	if got := waiting(fay); len(got) != 1 || got[0] != string(work.KindBankVerification) {
		t.Fatalf("before the call fay has %v", got)
	}
	// The provider's own request is not theirs to act on.
	if got := waiting(p.User); len(got) != 0 {
		t.Errorf("the requester has %v", got)
	}
	c = f.verify(c, fay)
	if got := waiting(fay); len(got) != 0 {
		t.Errorf("the verifier has %v to approve", got)
	}
	if got := waiting(finn); len(got) != 1 || got[0] != string(work.KindBankApproval) {
		t.Errorf("the second officer has %v", got)
	}
	// "My providers" keeps only the providers given.
	if items, _ := finance.WaitingChanges(ctx, f.db, work.Filter{UserID: finn.ID, Mine: true}); len(items) != 0 {
		t.Errorf("with no providers of their own finn has %d", len(items))
	}
	if err := f.svc.Approve(finn.ctx, c.ID, c.Version, f.svc.Today()); err != nil {
		t.Fatal(err)
	}
	if got := waiting(finn); len(got) != 0 {
		t.Errorf("after approval finn has %v", got)
	}
}
