package importer

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// existingOrg is a stored organisation a row's supplier reference names, with what the
// checks need of its bank details.
type existingOrg struct {
	ID       string `db:"id"`
	Ref      string `db:"supplier_ref"`
	Imported bool   `db:"imported"`
	// BankSection is the bank section in force (approved, else working), or nil.
	BankSection []byte `db:"bank_section"`
	// The active verified payment details, if any.
	DetailsID       *string `db:"details_id"`
	DetailsName     *string `db:"details_account_name"`
	DetailsSortCode *string `db:"details_sort_code_sealed"`
	DetailsAccount  *string `db:"details_account_number_sealed"`
	DetailsRoll     *string `db:"details_roll_number_sealed"`
	OpenChange      bool    `db:"open_change"`
}

// loadExisting reads the organisations the file's references name; lock holds them until the
// import commits.
func loadExisting(ctx context.Context, tx *sqlx.Tx, refs []string, lock bool) (map[string]*existingOrg, error) {
	q := `SELECT o.id, o.supplier_ref, o.imported_at IS NOT NULL AS imported,
			(SELECT coalesce(s.approved_data, s.data) FROM provider_sections s
			 WHERE s.organisation_id = o.id AND s.section = 'bank-details') AS bank_section,
			pd.id AS details_id, pd.account_name AS details_account_name, pd.sort_code_sealed AS details_sort_code_sealed,
			pd.account_number_sealed AS details_account_number_sealed, pd.roll_number_sealed AS details_roll_number_sealed,
			EXISTS (SELECT 1 FROM bank_detail_changes c WHERE c.organisation_id = o.id
				AND c.status IN ('pending_verification', 'verified') AND c.expires_at > now()) AS open_change
		FROM organisations o LEFT JOIN payment_details pd ON pd.organisation_id = o.id AND pd.status = 'active'
		WHERE o.supplier_ref = ANY($1)`
	if lock {
		q += ` FOR UPDATE OF o`
	}
	var rows []existingOrg
	if err := sqlx.SelectContext(ctx, tx, &rows, q, pq.StringArray(refs)); err != nil {
		return nil, fmt.Errorf("import: existing suppliers: %w", err)
	}
	out := make(map[string]*existingOrg, len(rows))
	for i := range rows {
		out[rows[i].Ref] = &rows[i]
	}
	return out, nil
}

// bankAction is what an import does with a row's bank details.
type bankAction int

const (
	// bankNone: the row gives no bank details; the stored ones stay.
	bankNone bankAction = iota
	// bankKeep: the row gives the account already stored; nothing changes.
	bankKeep
	// bankSection: the account goes into the record's bank section, for finance to verify.
	bankSection
	// bankVerified: the account goes into the bank section and becomes the verified
	// payment details, on the operator's word that it comes from the finance system of record.
	bankVerified
)

// Messages for bank details an import may not change.
const (
	msgBankUnderFinance = "These bank details differ from the ones finance has verified or is verifying. Finance changes them through a bank details change, or import them as verified from the finance system of record"
	msgBankOpenChange   = "A change to this supplier's bank details is waiting for finance to verify it. Finance must decide it before bank details can be imported"
	msgRegistered       = "This supplier reference belongs to a provider who registered through the portal, so an import cannot change their record"
)

// checkAgainstRecords finishes each good row's checks against what is stored: a reference
// of a provider who registered themselves is refused, and bank details are compared with
// the ones stored and verified, to decide what the import does with them.
func (r *importRun) checkAgainstRecords(ctx context.Context, tx *sqlx.Tx) error {
	var refs []string
	for i := range r.recs {
		if r.recs[i].ref != "" && !r.rep.Rows[i].Failed() {
			refs = append(refs, r.recs[i].ref)
		}
	}
	existing, err := loadExisting(ctx, tx, refs, !r.opts.DryRun)
	if err != nil {
		return err
	}
	r.existing = existing
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
		action, msg, err := r.decideBank(rec, e)
		if err != nil {
			return err
		}
		if msg != "" {
			row.Errors["account_number"] = msg
			continue
		}
		r.bank[i] = action
	}
	return nil
}

// decideBank says what to do with a row's bank details. An account that differs from the
// verified one (or one finance is verifying) changes only on the operator's word that it
// comes from the finance system of record: otherwise finance's change control applies.
func (r *importRun) decideBank(rec *rowRecord, e *existingOrg) (bankAction, string, error) {
	if rec.bank == nil {
		return bankNone, "", nil
	}
	if e == nil {
		if r.opts.BankVerified {
			return bankVerified, "", nil
		}
		return bankSection, "", nil
	}
	sectionSame, err := r.sameAsSection(rec.bank, e)
	if err != nil {
		return 0, "", err
	}
	activeSame, err := r.sameAsDetails(rec.bank, e)
	if err != nil {
		return 0, "", err
	}
	switch {
	case r.opts.BankVerified && activeSame && sectionSame:
		return bankKeep, "", nil
	case r.opts.BankVerified && activeSame:
		return bankSection, "", nil
	case r.opts.BankVerified && e.OpenChange:
		return 0, msgBankOpenChange, nil
	case r.opts.BankVerified:
		return bankVerified, "", nil
	case sectionSame:
		return bankKeep, "", nil
	case e.DetailsID != nil || e.OpenChange:
		return 0, msgBankUnderFinance, nil
	}
	return bankSection, "", nil
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

// sameAsSection opens the record's stored bank section and compares it with the row's.
func (r *importRun) sameAsSection(b *provider.BankAnswers, e *existingOrg) (bool, error) {
	if len(e.BankSection) == 0 {
		return false, nil
	}
	var stored provider.BankAnswers
	if err := json.Unmarshal(e.BankSection, &stored); err != nil {
		return false, fmt.Errorf("import: %s bank section: %w", e.Ref, err)
	}
	if stored.AccountNumberSealed == "" {
		return false, nil
	}
	aad := sectionAAD(e.ID, provider.SectionBank)
	a := account{name: stored.AccountName}
	var err error
	if a.sortCode, err = r.s.Vault.Open(stored.SortCodeSealed, aad+":sort_code"); err != nil {
		return false, fmt.Errorf("import: open %s bank section: %w", e.Ref, err)
	}
	if a.number, err = r.s.Vault.Open(stored.AccountNumberSealed, aad+":account_number"); err != nil {
		return false, fmt.Errorf("import: open %s bank section: %w", e.Ref, err)
	}
	if stored.HasRollNumber {
		if a.roll, err = r.s.Vault.Open(stored.RollNumberSealed, aad+":roll_number"); err != nil {
			return false, fmt.Errorf("import: open %s bank section: %w", e.Ref, err)
		}
	}
	return a.matches(b), nil
}

// sameAsDetails opens the active verified payment details and compares them with the row's.
func (r *importRun) sameAsDetails(b *provider.BankAnswers, e *existingOrg) (bool, error) {
	if e.DetailsID == nil {
		return false, nil
	}
	aad := func(col string) string { return financeAAD("payment_details", *e.DetailsID, col) }
	a := account{name: deref(e.DetailsName)}
	var err error
	if a.sortCode, err = r.s.Vault.Open(deref(e.DetailsSortCode), aad("sort_code")); err != nil {
		return false, fmt.Errorf("import: open %s payment details: %w", e.Ref, err)
	}
	if a.number, err = r.s.Vault.Open(deref(e.DetailsAccount), aad("account_number")); err != nil {
		return false, fmt.Errorf("import: open %s payment details: %w", e.Ref, err)
	}
	if e.DetailsRoll != nil && *e.DetailsRoll != "" {
		if a.roll, err = r.s.Vault.Open(*e.DetailsRoll, aad("roll_number")); err != nil {
			return false, fmt.Errorf("import: open %s payment details: %w", e.Ref, err)
		}
	}
	return a.matches(b), nil
}

// sectionAAD binds a sealed value to its record's section, exactly as the provider package
// seals a section (provider_sections:<organisation>:<section>), so the forms and finance
// open what an import stores.
func sectionAAD(orgID string, key provider.SectionKey) string {
	return "provider_sections:" + orgID + ":" + string(key)
}

// financeAAD binds a sealed value to a row and column of finance's tables, exactly as the
// finance package seals them (<table>:<id>:<column>).
func financeAAD(table, id, column string) string { return table + ":" + id + ":" + column }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
