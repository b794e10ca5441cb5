package finance

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// changeColumns reads a request with its organisation's name. A request still open after its
// expiry reads as expired even before the expiry job has marked it, so no page offers an
// action on it.
const changeColumns = `c.id, c.organisation_id, c.kind, c.account_name, c.sort_code_sealed, c.account_number_sealed,
	c.roll_number_sealed, c.sort_code_last2, c.account_last4, c.remittance_email, c.modulus_version, c.reason,
	c.evidence_document_id, c.requested_by, c.requested_by_name, c.requested_at,
	CASE WHEN c.status IN ('pending_verification','verified') AND c.expires_at <= now() THEN 'expired' ELSE c.status END AS status,
	c.verified_by, c.verified_by_name, c.verified_at, c.approved_by, c.approved_by_name, c.approved_at, c.effective_from,
	c.rejected_by, c.rejected_by_name, c.rejected_at, c.rejection_reason, c.suspected_fraud, c.withdrawn_by, c.withdrawn_at,
	c.expires_at, c.closed_at, c.payment_details_id, c.version,
	coalesce(nullif(o.legal_name, ''), o.name) AS organisation_name, o.supplier_ref`

const changeFrom = ` FROM bank_detail_changes c JOIN organisations o ON o.id = c.organisation_id`

// ChangeByID returns a request, or NotFound.
func ChangeByID(ctx context.Context, q sqlx.QueryerContext, id string) (*Change, error) {
	return changeWhere(ctx, q, "c.id = $1", id)
}

func changeWhere(ctx context.Context, q sqlx.QueryerContext, where string, args ...any) (*Change, error) {
	if len(args) > 0 {
		if id, ok := args[0].(string); ok && !db.IsUUID(id) {
			return nil, apperr.New(apperr.NotFound, "Bank details change not found")
		}
	}
	var c Change
	err := sqlx.GetContext(ctx, q, &c, `SELECT `+changeColumns+changeFrom+` WHERE `+where, args...)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Bank details change not found")
	}
	if err != nil {
		return nil, fmt.Errorf("bank details change: %w", err)
	}
	return &c, nil
}

// lockChange reads a request FOR UPDATE of its row, so decisions on it are serialised.
func lockChange(ctx context.Context, tx *sqlx.Tx, id string) (*Change, error) {
	return changeWhere(ctx, tx, "c.id = $1 FOR UPDATE OF c", id)
}

// ChangeFilter selects requests for a list.
type ChangeFilter struct {
	OrganisationID string
	// Open lists only requests still waiting (pending verification or verified, not expired).
	Open bool
	// ClosedSince lists only requests decided, withdrawn or expired since then.
	ClosedSince *time.Time
	Limit       int
}

// Changes lists requests, newest first.
func Changes(ctx context.Context, q sqlx.QueryerContext, f ChangeFilter) ([]Change, error) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if f.OrganisationID != "" {
		if !db.IsUUID(f.OrganisationID) {
			return nil, nil
		}
		add("c.organisation_id = $%d", f.OrganisationID)
	}
	if f.Open {
		conds = append(conds, "c.status IN ('pending_verification','verified') AND c.expires_at > now()")
	}
	if f.ClosedSince != nil {
		add("coalesce(c.closed_at, CASE WHEN c.status IN ('pending_verification','verified') AND c.expires_at <= now() THEN c.expires_at END) >= $%d", *f.ClosedSince)
	}
	where := ""
	for i, c := range conds {
		if i == 0 {
			where = " WHERE " + c
		} else {
			where += " AND " + c
		}
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	order := " ORDER BY c.requested_at DESC, c.id"
	if f.Open {
		order = " ORDER BY c.requested_at, c.id" // the oldest waiting first
	}
	args = append(args, limit)
	var out []Change
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+changeColumns+changeFrom+where+order+fmt.Sprintf(" LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("bank details changes: %w", err)
	}
	return out, nil
}

// Calls lists the verification calls made about a request, oldest first.
func Calls(ctx context.Context, q sqlx.QueryerContext, changeID string) ([]Call, error) {
	var out []Call
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, change_id, called_by_name, contact_name, number_used, called_at, outcome, notes
		FROM bank_detail_calls WHERE change_id = $1 ORDER BY called_at, id`, changeID)
	if err != nil {
		return nil, fmt.Errorf("verification calls: %w", err)
	}
	return out, nil
}

const detailsColumns = `id, organisation_id, change_id, account_name, sort_code_sealed, account_number_sealed, roll_number_sealed,
	sort_code_last2, account_last4, remittance_email, effective_from, hold_until, status, superseded_on,
	verified_by_name, approved_by_name, approved_at`

// ErrNoActiveDetails is ActiveDetails' answer for a provider with no approved details yet.
var ErrNoActiveDetails = apperr.New(apperr.NotFound, "No bank details have been approved for this provider yet")

// ActiveDetails returns the newest approved details of an organisation, or
// ErrNoActiveDetails (an apperr.NotFound) when none were approved yet. They may take effect in the future: see PaymentDetails.InForce.
func ActiveDetails(ctx context.Context, q sqlx.QueryerContext, orgID string) (*PaymentDetails, error) {
	if !db.IsUUID(orgID) {
		return nil, ErrNoActiveDetails
	}
	var p PaymentDetails
	err := sqlx.GetContext(ctx, q, &p, `SELECT `+detailsColumns+` FROM payment_details WHERE organisation_id = $1 AND status = 'active'`, orgID)
	if db.IsNoRows(err) {
		return nil, ErrNoActiveDetails
	}
	if err != nil {
		return nil, fmt.Errorf("payment details: %w", err)
	}
	return &p, nil
}

// DetailsInForce returns the details the council pays a provider on day (approved, in
// effect from on or before day, not superseded by then), or an apperr.NotFound. Approved
// details that take effect later are UpcomingDetails, not these.
func DetailsInForce(ctx context.Context, q sqlx.QueryerContext, orgID string, day time.Time) (*PaymentDetails, error) {
	history, err := DetailsHistory(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	for i := range history {
		if history[i].InForce(day) {
			return &history[i], nil
		}
	}
	return nil, apperr.New(apperr.NotFound, "This provider has no verified payment details in force today")
}

// UpcomingDetails returns approved details that take effect after day, or an
// apperr.NotFound: shown beside the details in force, never as them.
func UpcomingDetails(ctx context.Context, q sqlx.QueryerContext, orgID string, day time.Time) (*PaymentDetails, error) {
	history, err := DetailsHistory(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	for i := range history {
		if history[i].EffectiveFrom.After(day) && history[i].SupersededOn == nil {
			return &history[i], nil
		}
	}
	return nil, apperr.New(apperr.NotFound, "No approved bank details are waiting to take effect")
}

// DetailsHistory lists every approved set of an organisation, newest first.
func DetailsHistory(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]PaymentDetails, error) {
	if !db.IsUUID(orgID) {
		return nil, nil
	}
	var out []PaymentDetails
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+detailsColumns+` FROM payment_details WHERE organisation_id = $1
		ORDER BY effective_from DESC, approved_at DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("payment details history: %w", err)
	}
	return out, nil
}

// DetailsByID returns one approved set, or NotFound.
func DetailsByID(ctx context.Context, q sqlx.QueryerContext, id string) (*PaymentDetails, error) {
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "Payment details not found")
	}
	var p PaymentDetails
	err := sqlx.GetContext(ctx, q, &p, `SELECT `+detailsColumns+` FROM payment_details WHERE id = $1`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Payment details not found")
	}
	if err != nil {
		return nil, fmt.Errorf("payment details: %w", err)
	}
	return &p, nil
}

// ProvidersWithoutDetails lists approved and suspended providers that have no approved
// payment details, with the request that is open for them, if any: the council cannot pay them.
func ProvidersWithoutDetails(ctx context.Context, q sqlx.QueryerContext, limit int) ([]ProviderWithoutDetails, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var out []ProviderWithoutDetails
	err := sqlx.SelectContext(ctx, q, &out, `
		SELECT o.id AS organisation_id, coalesce(nullif(o.legal_name, ''), o.name) AS organisation_name, o.supplier_ref, o.status, o.decided_at,
		       c.id AS open_change_id, c.status AS open_status
		FROM organisations o
		LEFT JOIN bank_detail_changes c ON c.organisation_id = o.id
		     AND c.status IN ('pending_verification','verified') AND c.expires_at > now()
		WHERE o.status IN ('approved','suspended')
		  AND NOT EXISTS (SELECT 1 FROM payment_details p WHERE p.organisation_id = o.id)
		ORDER BY o.decided_at NULLS FIRST, o.id
		LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("providers without payment details: %w", err)
	}
	return out, nil
}

// LoadSettings returns finance's settings.
func LoadSettings(ctx context.Context, q sqlx.QueryerContext) (*Settings, error) {
	var s Settings
	err := sqlx.GetContext(ctx, q, &s, `SELECT first_payment_hold_days, change_expiry_days, version, updated_at FROM finance_settings`)
	if err != nil {
		return nil, fmt.Errorf("finance settings: %w", err)
	}
	if s.DormantMonths, err = dormantMonths(ctx, q); err != nil {
		return nil, err
	}
	return &s, nil
}
