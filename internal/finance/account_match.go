package finance

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"

	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Two suppliers giving the same bank account, or the same phone number to call for
// verification, is a classic sign of mandate fraud (a fraudster's account or phone behind
// several "suppliers"). Accounts are compared by a keyed hash kept beside each sealed account,
// so no one's details are decrypted to compare them; the key (MatchKey) comes from the
// portal's configuration, never the database, so the hash cannot be tried against guessed
// account numbers by someone who reads the table.

// MatchKeyFrom derives the account-matching key from PORTAL_AUDIT_KEY, domain-separated
// from its use for the audit seals. Without an audit key there is no matching.
func MatchKeyFrom(auditKey []byte) []byte {
	if len(auditKey) == 0 {
		return nil
	}
	m := hmac.New(sha256.New, auditKey)
	m.Write([]byte("portal bank account match v1"))
	return m.Sum(nil)
}

// accountMatch is the keyed hash of an account, or nil without a key.
func (s *Service) accountMatch(sortCode, account string) []byte {
	if len(s.MatchKey) == 0 {
		return nil
	}
	m := hmac.New(sha256.New, s.MatchKey)
	m.Write([]byte(sortCode + ":" + account))
	return m.Sum(nil)
}

// recordChangeMatch and recordDetailsMatch keep a row's account hash, in its transaction.
func (s *Service) recordChangeMatch(ctx context.Context, tx *sqlx.Tx, ids []string, accounts []ClearAccount) error {
	matches := make([][]byte, len(ids))
	for i, a := range accounts {
		matches[i] = s.accountMatch(a.SortCode, a.AccountNumber)
	}
	if len(s.MatchKey) == 0 || len(ids) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE bank_detail_changes c SET account_match = m.h
		FROM unnest($1::uuid[], $2::bytea[]) AS m(id, h) WHERE c.id = m.id`, pq.StringArray(ids), pq.ByteaArray(matches)); err != nil {
		return fmt.Errorf("account match: %w", err)
	}
	return nil
}

func (s *Service) recordDetailsMatch(ctx context.Context, tx *sqlx.Tx, id string, a ClearAccount) error {
	h := s.accountMatch(a.SortCode, a.AccountNumber)
	if h == nil {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE payment_details SET account_match = $2 WHERE id = $1`, id, h); err != nil {
		return fmt.Errorf("account match: %w", err)
	}
	return nil
}

// FillAccountMatches gives up to limit rows written before matching began their account
// hash, opening each once; a periodic job runs it until none are left. It returns how many
// it filled.
func (s *Service) FillAccountMatches(ctx context.Context, limit int) (int, error) {
	if len(s.MatchKey) == 0 {
		return 0, nil
	}
	filled := 0
	var changes []Change
	if err := sqlx.SelectContext(ctx, s.DB, &changes, `SELECT `+changeColumns+changeFrom+`
		WHERE c.account_match IS NULL ORDER BY c.requested_at DESC LIMIT $1`, limit); err != nil {
		return 0, fmt.Errorf("changes without a match: %w", err)
	}
	for _, c := range changes {
		a, err := s.open("bank_detail_changes", c.ID, c.Account)
		if err != nil {
			return filled, err
		}
		if _, err := s.DB.ExecContext(ctx, `UPDATE bank_detail_changes SET account_match = $2 WHERE id = $1 AND account_match IS NULL`,
			c.ID, s.accountMatch(a.SortCode, a.AccountNumber)); err != nil {
			return filled, fmt.Errorf("fill account match: %w", err)
		}
		filled++
	}
	var details []PaymentDetails
	if err := sqlx.SelectContext(ctx, s.DB, &details, `SELECT `+detailsColumns+` FROM payment_details
		WHERE account_match IS NULL ORDER BY approved_at DESC LIMIT $1`, limit); err != nil {
		return filled, fmt.Errorf("details without a match: %w", err)
	}
	for _, p := range details {
		a, err := s.open("payment_details", p.ID, p.Account)
		if err != nil {
			return filled, err
		}
		if _, err := s.DB.ExecContext(ctx, `UPDATE payment_details SET account_match = $2 WHERE id = $1 AND account_match IS NULL`,
			p.ID, s.accountMatch(a.SortCode, a.AccountNumber)); err != nil {
			return filled, fmt.Errorf("fill account match: %w", err)
		}
		filled++
	}
	return filled, nil
}

// FraudFlag is something a finance officer should look at before trusting bank details:
// another supplier giving the same account, or sharing a phone number on file.
type FraudFlag struct {
	Kind        string // "account" or "phone"
	SupplierRef string
	Name        string
	Detail      string
}

// Message says the flag in words.
func (f FraudFlag) Message() string {
	if f.Kind == "phone" {
		return fmt.Sprintf("The phone number %s on file is also on the record of %s (%s)", f.Detail, f.Name, f.SupplierRef)
	}
	return fmt.Sprintf("The same sort code and account number are given by %s (%s)", f.Name, f.SupplierRef)
}

// FraudFlags lists, for each organisation, the other suppliers whose open requests or
// approved details give the same account as its own, or who share a phone number on file.
func FraudFlags(ctx context.Context, q sqlx.QueryerContext, orgIDs []string) (map[string][]FraudFlag, error) {

	out := map[string][]FraudFlag{}
	if len(orgIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		Org  string `db:"org"`
		Ref  string `db:"supplier_ref"`
		Name string `db:"name"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `
		WITH asked AS (SELECT DISTINCT unnest($1::uuid[]) AS org),
		mine AS (
			SELECT c.organisation_id AS org, c.account_match FROM asked JOIN bank_detail_changes c ON c.organisation_id = asked.org
			WHERE c.status IN ('pending_verification', 'verified') AND c.account_match IS NOT NULL
			UNION
			SELECT p.organisation_id, p.account_match FROM asked JOIN payment_details p ON p.organisation_id = asked.org
			WHERE p.status = 'active' AND p.account_match IS NOT NULL),
		theirs AS (
			SELECT organisation_id AS other, account_match FROM bank_detail_changes
			WHERE status IN ('pending_verification', 'verified') AND account_match IN (SELECT account_match FROM mine)
			UNION
			SELECT organisation_id, account_match FROM payment_details
			WHERE status = 'active' AND account_match IN (SELECT account_match FROM mine))
		SELECT DISTINCT m.org, o.supplier_ref, coalesce(nullif(o.legal_name, ''), o.name) AS name
		FROM mine m JOIN theirs t ON t.account_match = m.account_match AND t.other <> m.org
		JOIN organisations o ON o.id = t.other ORDER BY 1, 2`, pq.StringArray(orgIDs))
	if err != nil {
		return nil, fmt.Errorf("shared accounts: %w", err)
	}
	for _, r := range rows {
		out[r.Org] = append(out[r.Org], FraudFlag{Kind: "account", SupplierRef: r.Ref, Name: r.Name})
	}
	shared, err := provider.SharedPhones(ctx, q, orgIDs)
	if err != nil {
		return nil, err
	}
	for org, shares := range shared {
		for _, sh := range shares {
			out[org] = append(out[org], FraudFlag{Kind: "phone", SupplierRef: sh.SupplierRef, Name: sh.Name, Detail: sh.Phone})
		}
	}
	return out, nil
}
