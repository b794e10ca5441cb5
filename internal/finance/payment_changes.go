package finance

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// A finance system that has loaded the full payment file needs, afterwards, only what
// changed: new suppliers, suppliers whose name, address, bank details or status changed, and
// suppliers that stopped being payable (with their status, so the system can close them).
// Comparing each supplier's last change time with the last export's time would miss a
// supplier that stopped being payable (nothing of theirs changes when their details run out
// or their record is suspended) and would resend a supplier whose unrelated sections
// changed; so each CSV file records what it said about every supplier it covered, and the
// next changes file compares with that.

// sentSupplier is what the last CSV payment file said about a supplier: a fingerprint of its
// row and its supplier status.
type sentSupplier struct {
	OrganisationID string `db:"organisation_id"`
	Fingerprint    []byte `db:"fingerprint"`
	Status         string `db:"status"`
}

// fingerprint is a SHA-256 of everything the payment file says about the payee. The bank
// details are represented by the id of their payment_details row, which changes whenever
// they do (an approved change is a new row), so no account number is hashed.
func (p *Payee) fingerprint() []byte {
	st := p.Standing
	hold := ""
	if p.HoldUntil != nil {
		hold = p.HoldUntil.Format(time.DateOnly)
	}
	parts := []string{p.DetailsID, p.SupplierRef, string(p.Status), p.SupplierStatus, st.LegalName, st.TradingName, st.VATNumber,
		st.CompaniesHouseNumber, st.Postal.Line1, st.Postal.Line2, st.Postal.Town, st.Postal.County, p.postcode(),
		p.Account.AccountName, p.Account.RemittanceEmail, p.EffectiveFrom.Format(time.DateOnly), hold}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return sum[:]
}

// lastSent is the baseline: each supplier as the last CSV payment file gave it.
func (s *Service) lastSent(ctx context.Context) (map[string]sentSupplier, error) {
	var rows []sentSupplier
	if err := s.DB.SelectContext(ctx, &rows, `SELECT organisation_id, fingerprint, status FROM payment_file_suppliers`); err != nil {
		return nil, fmt.Errorf("last payment file: %w", err)
	}
	out := make(map[string]sentSupplier, len(rows))
	for _, r := range rows {
		out[r.OrganisationID] = r
	}
	return out, nil
}

// eachStopped writes a row for every supplier in the last file that is not payable now,
// with its standing data, its status and no bank details, in supplier reference order.
func (s *Service) eachStopped(ctx context.Context, last map[string]sentSupplier, seen map[string]bool, write func(*Payee) error) (int, error) {
	var ids []string
	for id := range last {
		if !seen[id] {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	var stopped []*provider.SupplierStanding
	for chunk := range slices.Chunk(ids, payeeBatch) {
		standing, err := provider.SupplierStandingFor(ctx, s.DB, chunk)
		if err != nil {
			return 0, err
		}
		for _, st := range standing {
			stopped = append(stopped, st)
		}
	}
	slices.SortFunc(stopped, func(a, b *provider.SupplierStanding) int {
		if len(a.SupplierRef) != len(b.SupplierRef) {
			return len(a.SupplierRef) - len(b.SupplierRef)
		}
		return strings.Compare(a.SupplierRef, b.SupplierRef)
	})
	n := 0
	for _, st := range stopped {
		p := &Payee{OrganisationID: st.OrganisationID, SupplierRef: st.SupplierRef, Status: st.Status, Standing: st,
			SupplierStatus: SupplierInactive}
		if st.Status == provider.StatusSuspended {
			p.SupplierStatus = SupplierSuspended
		}
		if err := write(p); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// recordSent makes the file just written the baseline, and logs it, in the transaction
// that records its completion: a file cut short changes nothing.
func (s *Service) recordSent(ctx context.Context, tx *sqlx.Tx, kind string, rows int, sent []sentSupplier) error {
	// Two files finishing together take turns, so the second replaces the first's baseline
	// whole rather than colliding with the rows it inserted.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('payment_file_suppliers'))`); err != nil {
		return fmt.Errorf("payment file baseline: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM payment_file_suppliers`); err != nil {
		return fmt.Errorf("payment file baseline: %w", err)
	}
	at := s.now()
	for chunk := range slices.Chunk(sent, 5000) {
		ids, prints, statuses := make([]string, len(chunk)), make([][]byte, len(chunk)), make([]string, len(chunk))
		for i, r := range chunk {
			ids[i], prints[i], statuses[i] = r.OrganisationID, r.Fingerprint, r.Status
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO payment_file_suppliers (organisation_id, fingerprint, status, exported_at)
			SELECT * , $4::timestamptz FROM unnest($1::uuid[], $2::bytea[], $3::text[])`,
			pq.StringArray(ids), pq.ByteaArray(prints), pq.StringArray(statuses), at); err != nil {
			return fmt.Errorf("payment file baseline: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO payment_file_exports (kind, rows, exported_at, exported_by)
		VALUES ($1, $2, $3, NULLIF($4, '')::uuid)`, kind, rows, at, audit.ActorFrom(ctx).UserID); err != nil {
		return fmt.Errorf("payment file log: %w", err)
	}
	return nil
}

// LastPaymentFile is when the last CSV payment file (full or changes) was written, or nil
// if none has been: what a changes file is compared with.
func LastPaymentFile(ctx context.Context, q sqlx.QueryerContext) (*time.Time, error) {
	var at []time.Time
	if err := sqlx.SelectContext(ctx, q, &at, `SELECT exported_at FROM payment_file_exports ORDER BY exported_at DESC LIMIT 1`); err != nil {
		return nil, fmt.Errorf("last payment file: %w", err)
	}
	if len(at) == 0 {
		return nil, nil
	}
	return &at[0], nil
}

// FormulaName is a payee's name that begins with a character a spreadsheet reads as the
// start of a formula, so spreadsheet downloads show it with an apostrophe in front.
type FormulaName struct {
	SupplierRef string `db:"supplier_ref"`
	// Field says which name: "Legal name", "Trading name" or "Account name".
	Field string `db:"field"`
	Name  string `db:"name"`
}

// FormulaNames lists, in supplier reference order, the names in the payment file (legal,
// trading and account names of approved or suspended providers with details in force on
// asOf) that begin with =, +, -, @, a tab, CR or LF: spreadsheet downloads neutralise
// them with a leading apostrophe; a layout for a system writes them as stored.
func (s *Service) FormulaNames(ctx context.Context) ([]FormulaName, error) {
	var out []FormulaName
	err := s.DB.SelectContext(ctx, &out, `
		SELECT o.supplier_ref, n.field, n.name
		FROM payment_details pd JOIN organisations o ON o.id = pd.organisation_id
		CROSS JOIN LATERAL (VALUES (1, 'Legal name', coalesce(nullif(o.legal_name, ''), o.name)),
		                           (2, 'Trading name', coalesce(o.trading_name, '')),
		                           (3, 'Account name', pd.account_name)) AS n(ord, field, name)
		WHERE pd.effective_from <= $1::date AND (pd.superseded_on IS NULL OR pd.superseded_on > $1::date)
		  AND o.status IN ('approved', 'suspended') AND left(n.name, 1) = ANY($2)
		ORDER BY length(o.supplier_ref), o.supplier_ref, n.ord
		LIMIT 500`, s.Today().Format(time.DateOnly), pq.StringArray{"=", "+", "-", "@", "\t", "\r", "\n"})
	if err != nil {
		return nil, fmt.Errorf("formula names: %w", err)
	}
	return out, nil
}
