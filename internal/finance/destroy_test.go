package finance_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/finance"
)

// TestFinanceDestroyForOrganisations: a provider's payment details, change requests and
// calls go, whatever links them, after which the organisation and its documents can be
// deleted; another provider's are untouched.
func TestFinanceDestroyForOrganisations(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	gone := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	kept := f.approvedProvider("Birch Homes Ltd", "bo@birch.example", accountB)
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")
	f.activate(gone, accountA, fay, finn)
	f.activate(gone, accountB, fay, finn) // the first set is superseded: two sets, each linked to its change
	if _, err := f.svc.RequestChange(gone.User.ctx, gone.ID, request(accountC)); err != nil {
		t.Fatal(err) // an open request, with its evidence document
	}
	f.activate(kept, accountC, fay, finn)
	if n := f.count(`SELECT count(*) FROM bank_detail_changes WHERE organisation_id = $1 AND payment_details_id IS NOT NULL`, gone.ID); n != 2 {
		t.Fatalf("%d changes linked to their payment details, want 2", n)
	}

	for i, p := range []*providerOrg{gone, kept} {
		if err := f.svc.SetCreditor(fay.ctx, p.ID, finance.CreditorInput{Number: fmt.Sprintf("CR%d", i)}); err != nil {
			t.Fatal(err)
		}
	}

	ctx := audit.WithActor(context.Background(), audit.System)
	tx := f.db.MustBeginTx(ctx, nil)
	if err := finance.DestroyForOrganisations(ctx, tx, []string{gone.ID}); err != nil {
		t.Fatal(err)
	}
	// Finance's own rows go with the call, not only by the organisation's cascade.
	var creditors int
	if err := tx.GetContext(ctx, &creditors, `SELECT count(*) FROM finance_creditors WHERE organisation_id = $1`, gone.ID); err != nil || creditors != 0 {
		t.Errorf("%d creditor numbers left for the destroyed supplier (%v)", creditors, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM organisations WHERE id = $1`, gone.ID); err != nil {
		t.Fatalf("the organisation cannot be deleted after its finance records: %v", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query string
		org   string
		want  int
	}{
		{`SELECT count(*) FROM payment_details WHERE organisation_id = $1`, gone.ID, 0},
		{`SELECT count(*) FROM bank_detail_changes WHERE organisation_id = $1`, gone.ID, 0},
		{`SELECT count(*) FROM documents WHERE organisation_id = $1`, gone.ID, 0},
		{`SELECT count(*) FROM payment_details WHERE organisation_id = $1`, kept.ID, 1},
		{`SELECT count(*) FROM finance_creditors WHERE organisation_id = $1`, kept.ID, 1},
		{`SELECT count(*) FROM bank_detail_changes WHERE organisation_id = $1`, kept.ID, 1},
		{`SELECT count(*) FROM bank_detail_calls l JOIN bank_detail_changes c ON c.id = l.change_id WHERE c.organisation_id = $1`, kept.ID, 1},
	} {
		if got := f.count(c.query, c.org); got != c.want {
			t.Errorf("%s (%s) = %d, want %d", c.query, c.org, got, c.want)
		}
	}
	if n := f.count(`SELECT count(*) FROM bank_detail_calls`); n != 1 {
		t.Errorf("%d verification calls left, want only the kept provider's", n)
	}
}
