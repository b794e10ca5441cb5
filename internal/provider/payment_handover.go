package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// This file is what finance (internal/finance) needs of the provider record: the supplier
// identity its exports carry, and the hand-back of bank details it has verified and
// approved, so the provider's own record shows the account the council pays.

// RecordVerifiedBankDetails puts bank details that finance has verified and approved into
// the provider's bank section, as both the working and the approved answers, sealed as the
// section seals them. It runs in finance's approval transaction. answers holds the account
// in clear (SortCode, AccountNumber, RollNumber) and is cleared by sealing.
func (s *Service) RecordVerifiedBankDetails(ctx context.Context, tx *sqlx.Tx, orgID string, answers *BankAnswers) error {
	if err := answers.Seal(s.Vault, SealRow(orgID, SectionBank)); err != nil {
		return err
	}
	data, err := json.Marshal(answers)
	if err != nil {
		return fmt.Errorf("encode bank details: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed)
		VALUES ($1, $2, $3, $3, true)
		ON CONFLICT (organisation_id, section) DO UPDATE SET data = $3, approved_data = $3, completed = true,
			pending_review = false, version = provider_sections.version + 1, updated_at = now()`,
		orgID, string(SectionBank), data)
	if err != nil {
		return fmt.Errorf("record verified bank details: %w", err)
	}
	return nil
}

// SupplierStanding is a provider's identity as finance's files carry it, from the approved
// record.
type SupplierStanding struct {
	OrganisationID       string
	SupplierRef          string
	Status               Status
	LegalName            string
	TradingName          string
	VATNumber            string
	CompaniesHouseNumber string
	// Address is where post goes (the correspondence address), as lines without the postcode.
	Address  []string
	Postcode string
	// Postal is the same address in fixed parts, so a file can give each its own column
	// whichever lines were left empty.
	Postal PostalAddress
	// KeyContact is the key contact from the approved contacts section.
	KeyContactName, KeyContactPhone, KeyContactEmail string
}

// PostalAddress is an address in the parts the address section asks for.
type PostalAddress struct {
	Line1, Line2, Town, County, Postcode string
}

// SupplierStandingFor returns the standing data of the given organisations, keyed by id;
// ids that name nothing are left out. Exports call it for a batch of rows at a time, so a
// file of any size reads the record in bounded memory.
func SupplierStandingFor(ctx context.Context, q sqlx.QueryerContext, ids []string) (map[string]*SupplierStanding, error) {
	out := make(map[string]*SupplierStanding, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// Driven by the ids, with a scalar subquery (one index probe) per section: written as
	// joins or "id = ANY", the planner scans every organisation and section for each batch.
	rows, err := q.QueryxContext(ctx, `
		SELECT o.id, o.supplier_ref, o.status, coalesce(nullif(o.legal_name, ''), o.name), coalesce(o.trading_name, ''),
		       coalesce(o.vat_number, ''), coalesce(o.companies_house_number, ''),
		       (SELECT coalesce(s.approved_data, s.data) FROM provider_sections s WHERE s.organisation_id = o.id AND s.section = 'addresses'),
		       (SELECT coalesce(s.approved_data, s.data) FROM provider_sections s WHERE s.organisation_id = o.id AND s.section = 'contacts')
		FROM unnest($1::uuid[]) AS wanted(id) JOIN organisations o ON o.id = wanted.id`, pq.StringArray(ids))
	if err != nil {
		return nil, fmt.Errorf("supplier standing data: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s SupplierStanding
		var addresses, contacts []byte
		if err := rows.Scan(&s.OrganisationID, &s.SupplierRef, &s.Status, &s.LegalName, &s.TradingName, &s.VATNumber,
			&s.CompaniesHouseNumber, &addresses, &contacts); err != nil {
			return nil, fmt.Errorf("supplier standing data: %w", err)
		}
		if len(addresses) > 0 {
			var a AddressesAnswers
			if err := json.Unmarshal(addresses, &a); err != nil {
				return nil, fmt.Errorf("supplier %s addresses: %w", s.SupplierRef, err)
			}
			lines := a.Correspondence()
			if a.CorrespondenceSame != "no" {
				s.Postcode = a.RegPostcode
			} else {
				s.Postcode = a.CorrPostcode
			}
			if n := len(lines); n > 0 && lines[n-1] == s.Postcode {
				lines = lines[:n-1]
			}
			s.Address = lines
			if a.CorrespondenceSame != "no" {
				s.Postal = PostalAddress{a.RegLine1, a.RegLine2, a.RegTown, a.RegCounty, a.RegPostcode}
			} else {
				s.Postal = PostalAddress{a.CorrLine1, a.CorrLine2, a.CorrTown, a.CorrCounty, a.CorrPostcode}
			}
		}
		if len(contacts) > 0 {
			var c ContactsAnswers
			if err := json.Unmarshal(contacts, &c); err != nil {
				return nil, fmt.Errorf("supplier %s contacts: %w", s.SupplierRef, err)
			}
			s.KeyContactName, s.KeyContactPhone, s.KeyContactEmail = c.KeyContactName, c.KeyContactPhone, c.KeyContactEmail
		}
		out[s.OrganisationID] = &s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("supplier standing data: %w", err)
	}
	return out, nil
}
