package importer

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/council/provider-portal/internal/vault"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// systemOfRecord names, in finance's records, who requested and verified details an
// operator imported as verified: the council's finance system, not a person.
const systemOfRecord = "Finance system of record (import)"

// verifiedAccount is an imported account that becomes verified payment details.
type verifiedAccount struct {
	orgID, ref                      string
	name, sortCode, number, roll    string
	modulusVersion, remittanceEmail string
	changeID, detailsID             string
	sortCodeLast2, accountLast4     string
	change, details                 sealedAccount
}

type sealedAccount struct {
	sortCode, number string
	roll             sql.NullString
}

// seal encrypts the account for a row of finance's table, bound to that row and column as
// finance binds its own.
func (a *verifiedAccount) seal(v *vault.Vault, table, id string) (sealedAccount, error) {
	var out sealedAccount
	var err error
	if out.sortCode, err = v.Seal(a.sortCode, financeAAD(table, id, "sort_code")); err != nil {
		return out, err
	}
	if out.number, err = v.Seal(a.number, financeAAD(table, id, "account_number")); err != nil {
		return out, err
	}
	if a.roll != "" {
		roll, err := v.Seal(a.roll, financeAAD(table, id, "roll_number"))
		if err != nil {
			return out, err
		}
		out.roll = sql.NullString{String: roll, Valid: true}
	}
	return out, nil
}

// writeVerified records imported accounts as finance records a change it has verified and
// approved: a closed "initial" bank details change and the active payment details it made,
// superseding any details that were active. The requester and verifier are the finance
// system of record and the approver is the operator who confirmed the source, so the
// segregation of duties finance enforces between people holds, and the audit trail says
// whose word made the details verified. There is no first-payment hold: the hold guards a
// change of account, and this is the account the council already pays.
func writeVerified(ctx context.Context, tx *sqlx.Tx, v *vault.Vault, accounts []*verifiedAccount, who actor, today string, events *auditRows) error {
	var org, changeIDs, detailsIDs, names, emails, modulus, last2, last4 []string
	var cSort, cNumber, dSort, dNumber []string
	var cRoll, dRoll []sql.NullString
	for _, a := range accounts {
		a.changeID, a.detailsID = uuid.NewString(), uuid.NewString()
		a.sortCodeLast2, a.accountLast4 = a.sortCode[len(a.sortCode)-2:], a.number[len(a.number)-4:]
		var err error
		if a.change, err = a.seal(v, "bank_detail_changes", a.changeID); err != nil {
			return err
		}
		if a.details, err = a.seal(v, "payment_details", a.detailsID); err != nil {
			return err
		}
		org, changeIDs, detailsIDs = append(org, a.orgID), append(changeIDs, a.changeID), append(detailsIDs, a.detailsID)
		names, emails, modulus = append(names, a.name), append(emails, a.remittanceEmail), append(modulus, a.modulusVersion)
		last2, last4 = append(last2, a.sortCodeLast2), append(last4, a.accountLast4)
		cSort, cNumber, cRoll = append(cSort, a.change.sortCode), append(cNumber, a.change.number), append(cRoll, a.change.roll)
		dSort, dNumber, dRoll = append(dSort, a.details.sortCode), append(dNumber, a.details.number), append(dRoll, a.details.roll)
		events.add("finance.bank_details.imported_as_verified", "payment_details", a.detailsID, map[string]any{
			"organisation_id": a.orgID, "supplier_ref": a.ref, "bank_detail_change_id": a.changeID,
			"sort_code_last2": a.sortCodeLast2, "account_last4": a.accountLast4, "effective_from": today,
			"source": "finance system of record", "confirmed_by": who.name})
	}
	if _, err := tx.ExecContext(ctx, `UPDATE payment_details SET status = 'superseded', superseded_on = $2::date
		WHERE organisation_id = ANY($1::uuid[]) AND status = 'active'`, pq.StringArray(org), today); err != nil {
		return fmt.Errorf("import: supersede payment details: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO bank_detail_changes (id, organisation_id, kind, account_name, sort_code_sealed,
			account_number_sealed, roll_number_sealed, sort_code_last2, account_last4, remittance_email, modulus_version, reason,
			requested_by_name, requested_at, status, verified_by_name, verified_at, approved_by, approved_by_name, approved_at,
			effective_from, closed_at, expires_at)
		SELECT u.id::uuid, u.org::uuid, 'initial', u.name, u.sort_code, u.number, u.roll, u.last2, u.last4, u.email, u.modulus,
			'Imported as verified: the operator confirmed the details come from the finance system of record',
			$11, now(), 'approved', $11, now(), NULLIF($12, '')::uuid, $13, now(), $14::date, now(), now()
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
			$10::text[]) AS u(id, org, name, sort_code, number, roll, last2, last4, email, modulus)`,
		pq.StringArray(changeIDs), pq.StringArray(org), pq.StringArray(names), pq.StringArray(cSort), pq.StringArray(cNumber),
		pq.Array(cRoll), pq.StringArray(last2), pq.StringArray(last4), pq.StringArray(emails), pq.StringArray(modulus),
		systemOfRecord, who.id, who.name, today); err != nil {
		return fmt.Errorf("import: verified bank details change: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO payment_details (id, organisation_id, change_id, account_name, sort_code_sealed,
			account_number_sealed, roll_number_sealed, sort_code_last2, account_last4, remittance_email, effective_from,
			verified_by_name, approved_by, approved_by_name, approved_at)
		SELECT u.id::uuid, u.org::uuid, u.change::uuid, u.name, u.sort_code, u.number, u.roll, u.last2, u.last4, u.email,
			$11::date, $12, NULLIF($13, '')::uuid, $14, now()
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
			$10::text[]) AS u(id, org, change, name, sort_code, number, roll, last2, last4, email)`,
		pq.StringArray(detailsIDs), pq.StringArray(org), pq.StringArray(changeIDs), pq.StringArray(names), pq.StringArray(dSort),
		pq.StringArray(dNumber), pq.Array(dRoll), pq.StringArray(last2), pq.StringArray(last4), pq.StringArray(emails),
		today, systemOfRecord, who.id, who.name); err != nil {
		return fmt.Errorf("import: verified payment details: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE bank_detail_changes c SET payment_details_id = u.details::uuid
		FROM unnest($1::text[], $2::text[]) AS u(change, details) WHERE c.id = u.change::uuid`,
		pq.StringArray(changeIDs), pq.StringArray(detailsIDs)); err != nil {
		return fmt.Errorf("import: link payment details: %w", err)
	}
	return nil
}
