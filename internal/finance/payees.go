package finance

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Payee is one row of a payment export: a provider with the details in force on the day,
// opened, and its standing data from the approved record.
type Payee struct {
	DetailsID      string
	OrganisationID string
	SupplierRef    string
	Status         provider.Status
	Account        ClearAccount
	EffectiveFrom  time.Time
	HoldUntil      *time.Time
	ApprovedAt     time.Time
	// FirstEffectiveFrom is when the council first had verified details for the provider:
	// the creditor's set-up date for the National Fraud Initiative.
	FirstEffectiveFrom time.Time
	Standing           *provider.SupplierStanding
	// PaymentSortCode and PaymentAccountNumber are the 6 and 8 digits a payment system
	// takes (ukid.PaymentAccount); both are empty when the account on file cannot be
	// converted (a 10-digit number approved before the rule), so no file pays a wrong
	// account, and SupplierStatus then says the details need checking.
	PaymentSortCode, PaymentAccountNumber string
	// SupplierStatus is the status a finance system records: Active, Suspended, Inactive
	// (no longer payable), or "Check bank details".
	SupplierStatus string
}

// Supplier statuses in the payment file.
const (
	SupplierActive           = "Active"
	SupplierSuspended        = "Suspended"
	SupplierInactive         = "Inactive"
	SupplierCheckBankDetails = "Check bank details"
)

// convert fills the payment pair and the supplier status from the account and status.
func (p *Payee) convert() {
	p.SupplierStatus = SupplierActive
	if p.Status == provider.StatusSuspended {
		p.SupplierStatus = SupplierSuspended
	}
	sc, acc, ok := p.Account.Payable()
	if !ok {
		p.SupplierStatus = SupplierCheckBankDetails
		return
	}
	p.PaymentSortCode, p.PaymentAccountNumber = sc, acc
}

// accountAsIssued is the sort code and account as the bank issued them ("090128
// 279336043"), when they differ from the pair the file pays.
func (p *Payee) accountAsIssued() string {
	if p.Account.SortCode == "" || (p.Account.SortCode == p.PaymentSortCode && p.Account.AccountNumber == p.PaymentAccountNumber) {
		return ""
	}
	return p.Account.SortCode + " " + p.Account.AccountNumber
}

// postcode is the address's postcode.
func (p *Payee) postcode() string {
	if p.Standing.Postal.Postcode != "" {
		return p.Standing.Postal.Postcode
	}
	return p.Standing.Postcode
}

// country is GB for an address on file: the address section takes UK postcodes only.
func (p *Payee) country() string {
	if p.postcode() == "" && p.Standing.Postal.Line1 == "" {
		return ""
	}
	return "GB"
}

// effectiveFrom is the date the details took effect, or nil for a supplier no longer paid.
func (p *Payee) effectiveFrom() *time.Time {
	if p.EffectiveFrom.IsZero() {
		return nil
	}
	return &p.EffectiveFrom
}

// payeeBatch is how many rows are opened and matched to the record at a time: enough to keep
// the lookups few, few enough that memory does not grow with the file.
const payeeBatch = 500

type payeeRow struct {
	accountRow
	Status             string     `db:"status"`
	EffectiveFrom      time.Time  `db:"effective_from"`
	HoldUntil          *time.Time `db:"hold_until"`
	ApprovedAt         time.Time  `db:"approved_at"`
	FirstEffectiveFrom time.Time  `db:"first_effective_from"`
}

// eachPayee calls fn for every provider in one of statuses with verified, approved details
// in force on asOf, in supplier reference order. Rows come from a cursor and are handled a
// batch at a time, so memory stays flat however many providers there are. It returns how
// many rows fn was given.
func (s *Service) eachPayee(ctx context.Context, asOf time.Time, statuses []provider.Status, fn func(*Payee) error) (int, error) {
	names := make([]string, len(statuses))
	for i, st := range statuses {
		names[i] = string(st)
	}
	rows, err := s.DB.QueryxContext(ctx, `
		SELECT pd.id, pd.organisation_id, o.supplier_ref, o.status, pd.account_name, pd.sort_code_sealed, pd.account_number_sealed,
		       pd.roll_number_sealed, pd.sort_code_last2, pd.account_last4, pd.remittance_email, pd.effective_from, pd.hold_until,
		       pd.approved_at,
		       (SELECT min(p2.effective_from) FROM payment_details p2 WHERE p2.organisation_id = pd.organisation_id) AS first_effective_from
		FROM payment_details pd JOIN organisations o ON o.id = pd.organisation_id
		WHERE pd.effective_from <= $1::date AND (pd.superseded_on IS NULL OR pd.superseded_on > $1::date) AND o.status = ANY($2)
		ORDER BY length(o.supplier_ref), o.supplier_ref, pd.id`, asOf.Format(time.DateOnly), pq.StringArray(names))
	if err != nil {
		return 0, fmt.Errorf("payees: %w", err)
	}
	defer rows.Close()
	return eachWithStanding(ctx, s, rows, "payee", func(r *payeeRow) *accountRow { return &r.accountRow },
		func(r *payeeRow, st *provider.SupplierStanding, account ClearAccount) error {
			p := Payee{DetailsID: r.DetailsID, OrganisationID: r.OrganisationID, SupplierRef: r.SupplierRef,
				Status: provider.Status(r.Status), Account: account, EffectiveFrom: r.EffectiveFrom, HoldUntil: r.HoldUntil,
				ApprovedAt: r.ApprovedAt, FirstEffectiveFrom: r.FirstEffectiveFrom, Standing: st}
			p.convert()
			return fn(&p)
		})
}

// accountRow is what every supplier-by-supplier read of payment details starts with: the
// details' row, its organisation and the sealed account.
type accountRow struct {
	DetailsID      string `db:"id"`
	OrganisationID string `db:"organisation_id"`
	SupplierRef    string `db:"supplier_ref"`
	Account
}

// eachWithStanding reads rows of R from a cursor a batch at a time, reads each batch's
// standing data from the record in one query and opens each row's account, then calls fn
// for each row in order, so memory stays flat however many suppliers there are. key gives a
// row's accountRow; what names the rows in errors. It returns how many rows fn was given.
func eachWithStanding[R any](ctx context.Context, s *Service, rows *sqlx.Rows, what string, key func(*R) *accountRow,
	fn func(*R, *provider.SupplierStanding, ClearAccount) error) (int, error) {
	n := 0
	batch := make([]R, 0, payeeBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		ids := make([]string, len(batch))
		for i := range batch {
			ids[i] = key(&batch[i]).OrganisationID
		}
		standing, err := provider.SupplierStandingFor(ctx, s.DB, ids)
		if err != nil {
			return err
		}
		for i := range batch {
			k := key(&batch[i])
			account, err := s.open("payment_details", k.DetailsID, k.Account)
			if err != nil {
				return err
			}
			st := standing[k.OrganisationID]
			if st == nil {
				st = &provider.SupplierStanding{OrganisationID: k.OrganisationID, SupplierRef: k.SupplierRef}
			}
			if err := fn(&batch[i], st, account); err != nil {
				return err
			}
			n++
		}
		batch = batch[:0]
		return nil
	}
	for rows.Next() {
		var r R
		if err := rows.StructScan(&r); err != nil {
			return n, fmt.Errorf("%s: %w", what, err)
		}
		if batch = append(batch, r); len(batch) == payeeBatch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("%ss: %w", what, err)
	}
	return n, flush()
}

// line returns the i-th non-empty address line (from 0), or "".
func (p *Payee) line(i int) string {
	if i < len(p.Standing.Address) {
		return p.Standing.Address[i]
	}
	return ""
}
