package importer

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// bankAction is what an import does with a row's bank details.
type bankAction int

const (
	// bankNone: the row gives no bank details; the stored ones stay.
	bankNone bankAction = iota
	// bankKeep: the row gives the account already stored; nothing changes.
	bankKeep
	// bankRequest: the account goes into the record's bank section, and finance is asked
	// to verify it: a request waits for a call to a contact on file and a second officer's
	// approval, as a registration's bank details do. It is never payment details at once.
	bankRequest
)

// Messages for bank details an import may not change.
const (
	msgBankUnderFinance = "These bank details differ from the ones finance has verified or is verifying. Finance changes them through a bank details change"
	msgRegistered       = "This supplier reference belongs to a provider who registered through the portal, so an import cannot change their record"
)

// checkAgainstRecords finishes each good row's checks against what is stored: a reference
// of a provider who registered themselves is refused, and bank details are compared with
// the ones stored and with what finance holds, to decide what the import does with them.
// Stored records are read through their owners (provider, finance); on a real run they
// stay locked until the import commits.
func (r *importRun) checkAgainstRecords(ctx context.Context, tx *sqlx.Tx) error {
	var refs []string
	for i := range r.recs {
		if r.recs[i].ref != "" && !r.rep.Rows[i].Failed() {
			refs = append(refs, r.recs[i].ref)
		}
	}
	existing, err := provider.SuppliersByRef(ctx, tx, refs, !r.opts.DryRun)
	if err != nil {
		return fmt.Errorf("import: existing suppliers: %w", err)
	}
	r.existing = existing
	ids := make([]string, 0, len(existing))
	for _, e := range existing {
		ids = append(ids, e.ID)
	}
	control, err := finance.BankControlOf(ctx, tx, ids)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if err := r.checkCreditorNumbers(ctx, tx); err != nil {
		return err
	}
	for i := range r.recs {
		row := &r.rep.Rows[i]
		if row.Failed() {
			continue
		}
		rec := &r.recs[i]
		e := existing[rec.ref]
		if e != nil && !e.Imported {
			row.Errors["supplier_ref"] = msgRegistered
			continue
		}
		var fin finance.BankControl
		if e != nil {
			fin = control[e.ID]
		}
		action, msg, err := r.decideBank(rec, e, fin)
		if err != nil {
			return err
		}
		if msg != "" {
			row.Errors["account_number"] = msg
			continue
		}
		if action == bankRequest {
			// Finance's own checks on a requested account, so a row finance would refuse is
			// reported with the others rather than failing the whole import.
			a := importedAccount(rec, "")
			for field, msg := range a.Check(r.checks.Modulus) {
				col := field
				if field == "remittance_email" {
					col = Columns[colContactEmail]
				}
				if _, has := row.Errors[col]; !has {
					row.Errors[col] = msg
				}
			}
			if row.Failed() {
				continue
			}
		}
		r.bank[i] = action
	}
	return nil
}

// decideBank says what to do with a row's bank details. An account that differs from the
// one finance has approved, or is verifying, is finance's to change through its own change
// control: the import refuses it.
func (r *importRun) decideBank(rec *rowRecord, e *provider.ExistingSupplier, fin finance.BankControl) (bankAction, string, error) {
	if rec.bank == nil {
		return bankNone, "", nil
	}
	if e == nil {
		return bankRequest, "", nil
	}
	same, err := r.sameAsSection(rec.bank, e)
	if err != nil {
		return 0, "", err
	}
	switch {
	case same:
		return bankKeep, "", nil
	case fin.HasDetails || fin.OpenRequest:
		return 0, msgBankUnderFinance, nil
	}
	return bankRequest, "", nil
}

// importedAccount is a row's account as finance is asked to verify it, for organisation
// orgID; remittance advice goes to the key contact the row gives.
func importedAccount(rec *rowRecord, orgID string) finance.ImportedAccount {
	b := rec.bank
	return finance.ImportedAccount{OrganisationID: orgID, SupplierRef: rec.ref, AccountName: b.AccountName,
		SortCode: b.SortCode, AccountNumber: b.AccountNumber, RollNumber: b.RollNumber, ModulusVersion: b.ModulusVersion,
		RemittanceEmail: rec.contacts.KeyContactEmail}
}

// account is bank details in clear, for comparing.
type account struct{ name, sortCode, number, roll string }

// matches reports whether the row's account is this one. A row without a roll number
// matches an account with one, and takes its roll number: an empty cell never changes what
// is stored.
func (a account) matches(b *provider.BankAnswers) bool {
	same := a.name == b.AccountName && a.sortCode == b.SortCode && a.number == b.AccountNumber &&
		(b.RollNumber == "" || b.RollNumber == a.roll)
	if same {
		b.RollNumber = a.roll
	}
	return same
}

// sameAsSection opens the record's stored bank section, as the provider record opens it,
// and compares it with the row's.
func (r *importRun) sameAsSection(b *provider.BankAnswers, e *provider.ExistingSupplier) (bool, error) {
	if e.Bank == nil || e.Bank.AccountNumberSealed == "" {
		return false, nil
	}
	stored, err := e.Bank.Open(r.s.Vault, e.ID)
	if err != nil {
		return false, fmt.Errorf("import: open %s bank section: %w", e.SupplierRef, err)
	}
	a := account{name: e.Bank.AccountName, sortCode: stored.SortCode, number: stored.AccountNumber, roll: stored.RollNumber}
	return a.matches(b), nil
}

// checkCreditorNumbers refuses a creditor number given twice in the file, or held by a
// supplier other than the row's: each number is one creditor in the finance system. The
// holders are read through finance, which owns the numbers.
func (r *importRun) checkCreditorNumbers(ctx context.Context, tx *sqlx.Tx) error {
	first := map[string]int{}
	var numbers []string
	for i := range r.recs {
		n := r.recs[i].creditor
		if n == "" || r.rep.Rows[i].Failed() {
			continue
		}
		if j, dup := first[n]; dup {
			r.rep.Rows[i].Errors[Columns[colCreditorNumber]] = fmt.Sprintf("Row %d gives the same creditor number. Each creditor number belongs to one supplier", r.rep.Rows[j].Row)
			continue
		}
		first[n] = i
		numbers = append(numbers, n)
	}
	holders, err := finance.CreditorNumberHolders(ctx, tx, numbers)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	for n, i := range first {
		holder, held := holders[n]
		if !held {
			continue
		}
		if e := r.existing[r.recs[i].ref]; e == nil || e.ID != holder {
			r.rep.Rows[i].Errors[Columns[colCreditorNumber]] = finance.MsgCreditorNumberTaken
		}
	}
	return nil
}
