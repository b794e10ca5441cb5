package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Creditor is what the council's finance system calls a supplier: its creditor number and,
// where the finance system keeps several addresses per creditor, the site id of the one
// the portal's address is. The National Fraud Initiative joins the standing data finance
// sends from here to the payment history the finance system sends, by these two fields, so
// they must be the finance system's own.
type Creditor struct {
	OrganisationID string    `db:"organisation_id"`
	Number         string    `db:"creditor_number"`
	SiteID         string    `db:"site_id"`
	Version        int       `db:"version"`
	UpdatedAt      time.Time `db:"updated_at"`
}

var (
	creditorNumberPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9/._-]{0,29}$`)
	siteIDPattern         = regexp.MustCompile(`^[A-Z0-9/._-]{0,20}$`)
)

// Messages for a creditor number or site id finance cannot use, shared by the page and the
// import so both say the same.
const (
	MsgCreditorNumberFormat = "Enter the creditor number as the finance system shows it: up to 30 letters, numbers, hyphens, slashes, full stops or underscores, starting with a letter or number"
	MsgSiteIDFormat         = "Enter the site ID as the finance system shows it: up to 20 letters, numbers, hyphens, slashes, full stops or underscores, or leave it empty"
	MsgCreditorNumberTaken  = "Another supplier already has this creditor number. Each creditor number belongs to one supplier: check the finance system"
)

// NormaliseCreditorNumber is how a creditor number or site id is stored: trimmed, in
// capitals, so "c-1042" and "C-1042 " are the one creditor.
func NormaliseCreditorNumber(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// CheckCreditorNumber returns a message when number (normalised) is not one finance can
// store, or "".
func CheckCreditorNumber(number string) string {
	if !creditorNumberPattern.MatchString(number) {
		return MsgCreditorNumberFormat
	}
	return ""
}

// CheckSiteID returns a message when site (normalised) is not one finance can store, or "".
func CheckSiteID(site string) string {
	if !siteIDPattern.MatchString(site) {
		return MsgSiteIDFormat
	}
	return ""
}

// CreditorOf returns the organisation's creditor number, or NotFound when finance has not
// recorded one.
func CreditorOf(ctx context.Context, q sqlx.QueryerContext, orgID string) (*Creditor, error) {
	if !db.IsUUID(orgID) {
		return nil, apperr.New(apperr.NotFound, "Provider not found")
	}
	var c Creditor
	err := sqlx.GetContext(ctx, q, &c, `SELECT organisation_id, creditor_number, site_id, version, updated_at
		FROM finance_creditors WHERE organisation_id = $1`, orgID)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "No creditor number recorded")
	}
	if err != nil {
		return nil, fmt.Errorf("creditor number: %w", err)
	}
	return &c, nil
}

// CreditorNumberHolders returns, for those of numbers (normalised) that a supplier already
// has, the supplier's organisation id: the import checks a file against them before it
// writes.
func CreditorNumberHolders(ctx context.Context, q sqlx.QueryerContext, numbers []string) (map[string]string, error) {
	out := map[string]string{}
	if len(numbers) == 0 {
		return out, nil
	}
	rows, err := q.QueryxContext(ctx, `SELECT creditor_number, organisation_id FROM finance_creditors WHERE creditor_number = ANY($1)`,
		pq.StringArray(numbers))
	if err != nil {
		return nil, fmt.Errorf("creditor numbers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var number, org string
		if err := rows.Scan(&number, &org); err != nil {
			return nil, fmt.Errorf("creditor numbers: %w", err)
		}
		out[number] = org
	}
	return out, rows.Err()
}

// CreditorInput is finance's creditor number form. Version is the one the form was shown
// with: 0 when the supplier had no number then.
type CreditorInput struct {
	Number  string
	SiteID  string
	Version int
}

// SetCreditor records (or, with an empty number, removes) the finance system's creditor
// number and site id of an approved or suspended supplier. Only a finance officer calls it
// (the route's rule); it is audited with the values before and after, refuses a number
// another supplier has (Invalid, on the field), and refuses a stale form (Conflict).
func (s *Service) SetCreditor(ctx context.Context, orgID string, in CreditorInput) error {
	number, site := NormaliseCreditorNumber(in.Number), NormaliseCreditorNumber(in.SiteID)
	errs := map[string]string{}
	if number != "" {
		if msg := CheckCreditorNumber(number); msg != "" {
			errs["creditor_number"] = msg
		}
	} else if site != "" {
		errs["creditor_number"] = "Enter the creditor number the site ID belongs to, or leave both empty"
	}
	if msg := CheckSiteID(site); msg != "" {
		errs["site_id"] = msg
	}
	if len(errs) > 0 {
		return apperr.InvalidFields(errs)
	}
	org, err := provider.OrganisationByID(ctx, s.DB, orgID)
	if err != nil {
		return err
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		before, err := CreditorOf(ctx, tx, org.ID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return err
		}
		stale := apperr.New(apperr.Conflict, "Someone else changed this supplier's creditor number since you opened the page. Look at it again")
		switch {
		case before == nil && in.Version != 0, before != nil && before.Version != in.Version:
			return stale
		case before != nil && before.Number == number && before.SiteID == site:
			return nil // nothing changed: no new "last amended" date
		}
		var res sql.Result
		switch {
		case number == "":
			if before == nil {
				return nil
			}
			res, err = tx.ExecContext(ctx, `DELETE FROM finance_creditors WHERE organisation_id = $1 AND version = $2`, org.ID, in.Version)
		case before == nil:
			res, err = tx.ExecContext(ctx, `INSERT INTO finance_creditors (organisation_id, creditor_number, site_id, updated_by)
				VALUES ($1, $2, $3, NULLIF($4, '')::uuid)`, org.ID, number, site, audit.ActorFrom(ctx).UserID)
		default:
			res, err = tx.ExecContext(ctx, `UPDATE finance_creditors SET creditor_number = $2, site_id = $3, version = version + 1,
				updated_at = now(), updated_by = NULLIF($4, '')::uuid WHERE organisation_id = $1 AND version = $5`,
				org.ID, number, site, audit.ActorFrom(ctx).UserID, in.Version)
		}
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && string(pqErr.Code) == db.CodeUniqueViolation {
			if pqErr.Constraint == "finance_creditors_pkey" {
				return stale // someone recorded a number for this supplier meanwhile
			}
			return apperr.InvalidFields(map[string]string{"creditor_number": MsgCreditorNumberTaken})
		}
		if err != nil {
			return fmt.Errorf("set creditor number: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return stale
		}
		from := map[string]string{}
		if before != nil {
			from = map[string]string{"creditor_number": before.Number, "site_id": before.SiteID}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "finance.creditor_number.set", ObjectType: "organisation", ObjectID: org.ID,
			Summary: map[string]any{"supplier_ref": org.SupplierRef, "from": from,
				"to": map[string]string{"creditor_number": number, "site_id": site}}})
	})
}

// ImportedCreditor is a creditor number an import row gives for a supplier.
type ImportedCreditor struct {
	OrganisationID string
	Number         string
}

// SetImportedCreditors records the creditor numbers an import gives, in the import's
// transaction (which audits each supplier). The importer has checked each number's form and
// that no other supplier holds it; a number that collides all the same fails the import
// whole. A supplier's site id is kept; an unchanged number is left as it is, so its
// "last amended" date does not move.
func (s *Service) SetImportedCreditors(ctx context.Context, tx *sqlx.Tx, creditors []ImportedCreditor) error {
	if len(creditors) == 0 {
		return nil
	}
	orgs := make([]string, len(creditors))
	numbers := make([]string, len(creditors))
	for i, c := range creditors {
		orgs[i], numbers[i] = c.OrganisationID, NormaliseCreditorNumber(c.Number)
		if msg := CheckCreditorNumber(numbers[i]); msg != "" {
			return apperr.New(apperr.Invalid, "%s", msg)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO finance_creditors (organisation_id, creditor_number, updated_by)
		SELECT o, n, NULLIF($3, '')::uuid FROM unnest($1::uuid[], $2::text[]) AS given(o, n)
		ON CONFLICT (organisation_id) DO UPDATE SET creditor_number = EXCLUDED.creditor_number, version = finance_creditors.version + 1,
			updated_at = now(), updated_by = EXCLUDED.updated_by
		WHERE finance_creditors.creditor_number <> EXCLUDED.creditor_number`,
		pq.StringArray(orgs), pq.StringArray(numbers), audit.ActorFrom(ctx).UserID)
	if db.IsCode(err, db.CodeUniqueViolation) {
		return apperr.New(apperr.Conflict, "%s", MsgCreditorNumberTaken)
	}
	if err != nil {
		return fmt.Errorf("import creditor numbers: %w", err)
	}
	return nil
}
