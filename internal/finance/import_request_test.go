package finance_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
)

// imported is the account an import gives for a provider.
func imported(p *providerOrg, ref string, b bankAccount) finance.ImportedAccount {
	return finance.ImportedAccount{OrganisationID: p.ID, SupplierRef: ref, AccountName: "Imported " + ref,
		SortCode: b.SortCode, AccountNumber: b.Account, RemittanceEmail: "accounts@" + ref + ".example"}
}

// openImport runs OpenImportRequests in a transaction of its own, as ctx's actor, and
// commits only when it succeeds.
func (f *fixture) openImport(ctx context.Context, accounts ...finance.ImportedAccount) ([]string, error) {
	f.t.Helper()
	tx, err := f.db.BeginTxx(ctx, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	ids, err := f.svc.OpenImportRequests(ctx, tx, accounts)
	if err != nil {
		return nil, err
	}
	return ids, tx.Commit()
}

// TestImportRequestsWaitForVerification: imported bank details open requests pending
// verification, never payment details; each is sealed bound to its own row, audited, told to
// the provider's contacts on file, and then goes through finance's controls like any request:
// the officer who imported is its requester, so two other finance officers verify and approve.
func TestImportRequestsWaitForVerification(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	acorn := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	birch := f.approvedProvider("Birch Care Ltd", "sam@birch.example", accountB)
	olive := f.person("olive@council.example", "Olive Officer", "officer")
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")
	since := time.Now().Add(-time.Minute)

	a, b := imported(acorn, "IMP00001", accountC), imported(birch, "IMP00002", accountA)
	b.RollNumber = "roll/123-45"
	ids, err := f.openImport(olive.ctx, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || ids[0] == ids[1] {
		t.Fatalf("ids %v", ids)
	}
	if n := f.count(`SELECT count(*) FROM payment_details`); n != 0 {
		t.Fatalf("%d payment details from an import", n)
	}
	for i, want := range []finance.ImportedAccount{a, b} {
		c := f.change(ids[i])
		if c.OrganisationID != want.OrganisationID || c.Status != finance.StatusPendingVerification || c.Kind != finance.KindInitial ||
			!c.Requested(olive.ID) || c.RequestedByName != "Olive Officer" || c.EvidenceDocumentID != nil ||
			c.Reason != "Imported from the council's list of existing suppliers" || c.ModulusVersion == "" ||
			c.AccountLast4 != want.AccountNumber[4:] || c.SortCodeLast2 != want.SortCode[4:] || c.RemittanceEmail != want.RemittanceEmail {
			t.Errorf("request %d: %+v", i, c)
		}
		// Sealed with the one bank-detail sealing function, bound to the request's row.
		sealed := vault.SealedBankAccount{SortCode: c.SortCodeSealed, AccountNumber: c.AccountNumberSealed}
		if c.RollNumberSealed != nil {
			sealed.RollNumber = *c.RollNumberSealed
		}
		clear, err := f.vault.OpenBankAccount(vault.Row("bank_detail_changes", c.ID), sealed)
		wantRoll := map[int]string{1: "ROLL/123-45"}[i]
		if err != nil || clear.SortCode != want.SortCode || clear.AccountNumber != want.AccountNumber || clear.RollNumber != wantRoll {
			t.Errorf("request %d opens as %+v (%v)", i, clear, err)
		}
		if _, err := f.vault.OpenBankAccount(vault.Row("bank_detail_changes", ids[1-i]), sealed); err == nil {
			t.Errorf("request %d's account opens for the other request's row", i)
		}
	}
	if n := f.count(`SELECT count(*) FROM audit_events WHERE action = 'finance.bank_change.opened_from_import' AND actor_id = $1
		AND object_type = 'bank_detail_change' AND summary->>'supplier_ref' IN ('IMP00001', 'IMP00002')`, olive.ID); n != 2 {
		t.Errorf("%d requests audited", n)
	}
	if res, err := audit.Verify(ctx, f.db); err != nil || !res.OK() {
		t.Errorf("audit chain: %+v (%v)", res, err)
	}
	if got, want := f.outbox("bank_details_change", since), []string{"fin@acorn.example", "fin@birch.example", "kim@acorn.example", "kim@birch.example", "pat@acorn.example", "sam@birch.example"}; !slices.Equal(got, want) {
		t.Errorf("told %v, want every contact and user on file %v", got, want)
	}
	if n := f.count(`SELECT count(*) FROM outbox WHERE kind = 'bank_details_change' AND to_address LIKE 'accounts@%'`); n != 0 {
		t.Errorf("%d emails to the remittance address in the import rather than the addresses on file", n)
	}
	control, err := finance.BankControlOf(ctx, f.db, []string{acorn.ID, birch.ID})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]finance.BankControl{acorn.ID: {OpenRequest: true}, birch.ID: {OpenRequest: true}}; !maps.Equal(control, want) {
		t.Errorf("control %v, want %v", control, want)
	}
	if n, err := f.svc.OpenInitialRequests(ctx); err != nil || n != 0 {
		t.Errorf("OpenInitialRequests opened %d more (%v)", n, err)
	}

	// Finance's controls: the importing officer may not verify it; two others do.
	c := f.change(ids[0])
	contacts, err := finance.ContactsOnFile(ctx, f.db, c.OrganisationID)
	if err != nil || len(contacts) == 0 {
		t.Fatalf("contacts %v (%v)", contacts, err)
	}
	if err := f.svc.RecordCall(olive.ctx, c.ID, c.Version, finance.CallInput{NumberUsed: contacts[0].Phone, Outcome: finance.OutcomeConfirmed}); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("the importing officer verified: %v", err)
	}
	c = f.verify(c, fay)
	if err := f.svc.Approve(olive.ctx, c.ID, c.Version, f.svc.Today()); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("the importing officer approved: %v", err)
	}
	if err := f.svc.Approve(finn.ctx, c.ID, c.Version, f.svc.Today()); err != nil {
		t.Fatal(err)
	}
	control, _ = finance.BankControlOf(ctx, f.db, []string{acorn.ID, birch.ID})
	if want := map[string]finance.BankControl{acorn.ID: {HasDetails: true}, birch.ID: {OpenRequest: true}}; !maps.Equal(control, want) {
		t.Errorf("control after approval %v, want %v", control, want)
	}
	if res, err := audit.Verify(ctx, f.db); err != nil || !res.OK() {
		t.Errorf("audit chain after approval: %+v (%v)", res, err)
	}
}

// TestImportRequestsRefused: an import cannot replace approved details, open a second request,
// ask for a provider that cannot be paid, or send an account finance's checks refuse; each
// refusal opens nothing, for any supplier of the batch.
func TestImportRequestsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	acorn := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	birch := f.approvedProvider("Birch Care Ltd", "sam@birch.example", accountB)
	cedar := f.approvedProvider("Cedar Care Ltd", "lou@cedar.example", accountC)
	olive := f.person("olive@council.example", "Olive Officer", "officer")
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")
	f.activate(acorn, accountB, fay, finn)
	if _, err := f.svc.RequestChange(birch.User.ctx, birch.ID, request(accountA)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE organisations SET status = 'rejected' WHERE id = $1`, cedar.ID); err != nil {
		t.Fatal(err)
	}
	dora := f.approvedProvider("Dora Care Ltd", "dee@dora.example", accountA)
	before := f.count(`SELECT count(*) FROM bank_detail_changes`)
	bad := imported(dora, "IMP00009", badPair)
	duplicate := imported(dora, "IMP00010", accountC)
	tests := []struct {
		name     string
		accounts []finance.ImportedAccount
		kind     apperr.Kind
	}{
		{"approved details", []finance.ImportedAccount{imported(dora, "IMP00004", accountC), imported(acorn, "IMP00001", accountC)}, apperr.Conflict},
		{"an open request", []finance.ImportedAccount{imported(dora, "IMP00004", accountC), imported(birch, "IMP00002", accountC)}, apperr.Conflict},
		{"not payable", []finance.ImportedAccount{imported(cedar, "IMP00003", accountA)}, apperr.Invalid},
		{"fails the modulus check", []finance.ImportedAccount{bad}, apperr.Invalid},
		{"the same supplier twice", []finance.ImportedAccount{duplicate, duplicate}, apperr.Invalid},
		{"no such organisation", []finance.ImportedAccount{{OrganisationID: "00000000-0000-0000-0000-000000000000", SupplierRef: "X",
			AccountName: "X", SortCode: accountA.SortCode, AccountNumber: accountA.Account, RemittanceEmail: "x@x.example"}}, apperr.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.openImport(olive.ctx, tt.accounts...); !apperr.Is(err, tt.kind) {
				t.Errorf("OpenImportRequests = %v, want %s", err, tt.kind)
			}
		})
	}
	if n := f.count(`SELECT count(*) FROM bank_detail_changes`); n != before {
		t.Errorf("%d requests after refusals, want %d", n, before)
	}
	if n := f.count(`SELECT count(*) FROM audit_events WHERE action = 'finance.bank_change.opened_from_import'`); n != 0 {
		t.Errorf("%d refused requests audited as opened", n)
	}
}

// TestImportRequestsExpireOverdueFirst: a request past its expiry is closed as expired before
// an import opens a new one, as for any new request; an operator's command is recorded by
// name, with no user to keep from verifying.
func TestImportRequestsExpireOverdueFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	acorn := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	old, err := f.svc.RequestChange(acorn.User.ctx, acorn.ID, request(accountB))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE bank_detail_changes SET requested_at = now() - interval '40 days', expires_at = now() - interval '10 days' WHERE id = $1`, old.ID); err != nil {
		t.Fatal(err)
	}
	operator := audit.WithActor(context.Background(), audit.Actor{Email: "portal-cli:ops", Roles: []string{"operator"}})
	ids, err := f.openImport(operator, imported(acorn, "IMP00001", accountC))
	if err != nil {
		t.Fatal(err)
	}
	if c := f.change(old.ID); c.Status != finance.StatusExpired {
		t.Errorf("the overdue request is %s", c.Status)
	}
	c := f.change(ids[0])
	if c.Status != finance.StatusPendingVerification || c.RequestedBy != nil || c.RequestedByName != "portal-cli:ops" {
		t.Errorf("request %+v", c)
	}
	if c.ExpiresAt.Sub(c.RequestedAt) != 30*24*time.Hour {
		t.Errorf("expires %v after the request, want the 30 days of finance's setting", c.ExpiresAt.Sub(c.RequestedAt))
	}
}

// TestImportedAccountCheck applies a change request's checks, less reason and evidence.
func TestImportedAccountCheck(t *testing.T) {
	t.Parallel()
	m := ukid.DefaultModulusTable()
	good := finance.ImportedAccount{AccountName: " Acorn Ltd ", SortCode: "08-99-99", AccountNumber: accountA.Account,
		RollNumber: "roll 1/a", RemittanceEmail: "kim@acorn.example"}
	if errs := good.Check(m); len(errs) != 0 {
		t.Fatalf("errors %v", errs)
	}
	if good.AccountName != "Acorn Ltd" || good.SortCode != "089999" || good.RollNumber != "ROLL 1/A" || good.ModulusVersion != m.Version() {
		t.Errorf("normalised to %+v", good)
	}
	bad := finance.ImportedAccount{SortCode: badPair.SortCode, AccountNumber: badPair.Account, RollNumber: "ROLL_1", RemittanceEmail: "kim"}
	errs := bad.Check(m)
	keys := slices.Sorted(maps.Keys(errs))
	if !slices.Equal(keys, []string{"account_name", "account_number", "remittance_email", "roll_number"}) {
		t.Errorf("errors %v", errs)
	}
}

// TestBankControlOfEmpty reads nothing for no organisations.
func TestBankControlOfEmpty(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if got, err := finance.BankControlOf(context.Background(), f.db, nil); err != nil || len(got) != 0 {
		t.Errorf("BankControlOf(nil) = %v, %v", got, err)
	}
}
