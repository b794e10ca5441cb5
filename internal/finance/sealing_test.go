package finance_test

import (
	"context"
	"testing"

	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
)

// TestEveryPathOpensWhatTheOthersSealed follows one account through every path that seals
// bank details (the provider's form, finance's request, the approval that makes payment
// details, the hand-back into the provider's record, and an import's request) and opens
// each with the code of a different path. All of them seal with vault.SealBankAccount; a
// path that bound its values differently would leave details nobody could open.
func TestEveryPathOpensWhatTheOthersSealed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")
	olive := f.person("olive@council.example", "Olive Officer", "officer")
	want := func(label string, got finance.ClearAccount, b bankAccount) {
		t.Helper()
		if got.SortCode != b.SortCode || got.AccountNumber != b.Account {
			t.Errorf("%s opened as %s %s, want %s %s", label, got.SortCode, got.AccountNumber, b.SortCode, b.Account)
		}
	}

	// The provider's form seals into the record; finance opens it for the initial request.
	acorn := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	initial, err := f.svc.OpenInitialRequest(ctx, acorn.ID)
	if err != nil {
		t.Fatalf("finance cannot open the bank details the form sealed: %v", err)
	}
	requested, err := f.svc.RevealRequested(fay.ctx, initial.ID, "Reading back to the key contact")
	if err != nil {
		t.Fatal(err)
	}
	want("the initial request", requested.ClearAccount, accountA)

	// Approval opens the request and seals the payment details.
	c := f.verify(initial, fay)
	if err := f.svc.Approve(finn.ctx, c.ID, c.Version, f.svc.Today()); err != nil {
		t.Fatal(err)
	}
	active, err := finance.ActiveDetails(ctx, f.db, acorn.ID)
	if err != nil || active == nil {
		t.Fatalf("active details: %v %v", active, err)
	}
	paid, err := f.svc.RevealDetails(fay.ctx, active.ID, "Checking the account before a payment run")
	if err != nil {
		t.Fatal(err)
	}
	want("the payment details", paid.ClearAccount, accountA)

	// A change hands the approved account back to the record, sealed as the record seals it.
	changed := f.activate(acorn, accountB, fay, finn)
	if changed.Status != finance.StatusApproved {
		t.Fatalf("change %s", changed.Status)
	}
	def, _ := provider.SectionByKey(string(provider.SectionBank))
	rec, err := provider.SectionRecordByKey(ctx, f.db, acorn.ID, def.Key)
	if err != nil || rec == nil {
		t.Fatalf("bank section: %v %v", rec, err)
	}
	answers, err := rec.Approved(def)
	if err != nil {
		t.Fatal(err)
	}
	onRecord, err := answers.(*provider.BankAnswers).Open(f.vault, acorn.ID)
	if err != nil {
		t.Fatalf("the record cannot open the account finance handed back: %v", err)
	}
	if onRecord.SortCode != accountB.SortCode || onRecord.AccountNumber != accountB.Account {
		t.Errorf("the record holds %+v after the change to %+v", onRecord, accountB)
	}

	// An import's request opens like any other.
	birch := f.approvedProvider("Birch Care Ltd", "sam@birch.example", accountC)
	ids, err := f.openImport(olive.ctx, imported(birch, "IMP00009", accountC))
	if err != nil {
		t.Fatal(err)
	}
	fromImport, err := f.svc.RevealRequested(fay.ctx, ids[0], "Reading back to the key contact")
	if err != nil {
		t.Fatalf("finance cannot open an imported request: %v", err)
	}
	want("the imported request", fromImport.ClearAccount, accountC)
}
