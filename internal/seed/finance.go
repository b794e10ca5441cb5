package seed

import (
	"time"

	"github.com/council/provider-portal/internal/vault"
)

// firstPaymentHoldDays is finance_settings' default hold on the first payment after new
// details take effect.
const firstPaymentHoldDays = 5

// sealFor seals an account for one row of a finance table through the vault's one
// bank-detail sealing function, as internal/finance does.
func sealFor(v *vault.Vault, table, id string, a clearAccount) (vault.SealedBankAccount, error) {
	return v.SealBankAccount(vault.Row(table, id), vault.BankAccount{SortCode: a.sortCode, AccountNumber: a.account, RollNumber: a.rollNumber})
}

// nullIfEmpty is a roll number column's value: NULL when there is none.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// writeFinance gives a payable provider its bank details the way finance's dual control
// leaves them: an initial request by the provider's user, verified by a call to the key
// contact by one finance officer and approved by the other, and the payment details in
// force from then on. A few requests still wait for their verification call.
func (g *generator) writeFinance(r rng, rec *record, b *batch) error {
	changeID, detailsID := r.uuid(), r.uuid()
	waiting := rec.status == "approved" && r.chance(2)
	remittance := rec.user.Email
	if len(rec.contacts.Others) > 0 {
		remittance = rec.contacts.Others[0].Email
	}
	requested := g.notAfter(rec.decided.Add(time.Duration(r.between(1, 30)) * time.Minute))
	verifier, approver := g.staff.finance[0], g.staff.finance[1]
	if r.chance(50) {
		verifier, approver = approver, verifier
	}
	change, err := sealFor(g.vault, "bank_detail_changes", changeID, rec.bank)
	if err != nil {
		return err
	}
	last2, last4 := rec.bank.sortCode[4:], rec.bank.account[len(rec.bank.account)-4:]
	if waiting {
		requested = g.notAfter(at(daysAgo(g.today, r.IntN(20)), r))
		b.add(tBankChanges, changeID, rec.id, "initial", rec.org.LegalName, change.SortCode, change.AccountNumber, nullIfEmpty(change.RollNumber), change.SortCodeLast2, change.AccountLast4,
			remittance, g.modulus.Version(), rec.user.ID, rec.user.Name, requested, "pending_verification", nil, nil, nil, nil, nil, nil,
			nil, requested.AddDate(0, 0, 30), nil, 1)
		return nil
	}
	verified := g.notAfter(requested.Add(time.Duration(r.between(2, 72)) * time.Hour))
	approved := g.notAfter(verified.Add(time.Duration(r.between(1, 48)) * time.Hour))
	effective := approved.Truncate(24 * time.Hour)
	b.add(tBankChanges, changeID, rec.id, "initial", rec.org.LegalName, change.SortCode, change.AccountNumber, nullIfEmpty(change.RollNumber), change.SortCodeLast2, change.AccountLast4,
		remittance, g.modulus.Version(), rec.user.ID, rec.user.Name, requested, "approved", verifier.ID, verifier.Name, verified,
		approver.ID, approver.Name, approved, dateText(effective), requested.AddDate(0, 0, 30), approved, 3)
	b.add(tBankCalls, changeID, verifier.ID, verifier.Name, rec.contacts.KeyContactName, rec.contacts.KeyContactPhone, verified,
		"confirmed", "Confirmed the sort code and account number with the key contact, using the number on file.")
	details, err := sealFor(g.vault, "payment_details", detailsID, rec.bank)
	if err != nil {
		return err
	}
	b.add(tPaymentDetails, detailsID, rec.id, changeID, rec.org.LegalName, details.SortCode, details.AccountNumber, nullIfEmpty(details.RollNumber), details.SortCodeLast2, details.AccountLast4,
		remittance, dateText(effective), dateText(effective.AddDate(0, 0, firstPaymentHoldDays)), "active", rec.user.ID, verifier.ID,
		verifier.Name, approver.ID, approver.Name, approved)
	b.add(tAudit, approver.ID, approver.Email, "finance", "finance.bank_change.approved", "bank_detail_change", changeID,
		jsonText(map[string]any{"organisation_id": rec.id, "payment_details_id": detailsID, "effective_from": dateText(effective),
			"sort_code_last2": last2, "account_last4": last4}))
	return nil
}
