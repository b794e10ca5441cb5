package contract

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// contractColumns reads a contract with its provider's name, its manager and the sum of its
// variations.
const contractColumns = `c.id, c.reference, c.title, c.organisation_id,
	coalesce(nullif(o.legal_name, ''), o.name) AS provider_name, o.supplier_ref,
	c.service_category, c.procurement_route, c.framework_name, c.lot, c.start_date, c.end_date,
	c.extension_options, c.extension_months, c.total_value_pence, c.annual_value_pence, c.payment_terms,
	c.manager_id, m.name AS manager_name, m.email::text AS manager_email, c.status, c.date_signed,
	c.termination_reason, c.terminated_on, c.award_procedure, c.light_touch, c.cpv_codes, c.supplier_ppon, c.published_on,
	c.estimated_value_pence, c.maximum_value_pence, c.kpi_exemption,
	coalesce((SELECT sum(v.value_change_pence) FROM contract_variations v WHERE v.contract_id = c.id), 0)::bigint AS variations_pence,
	c.version, c.created_at, c.updated_at`

const contractFrom = ` FROM contracts c JOIN organisations o ON o.id = c.organisation_id LEFT JOIN users m ON m.id = c.manager_id`

// ContractByID returns a contract, or NotFound. Callers check the reader may see it; its
// Status is the stored one until the service sets the day's.
func ContractByID(ctx context.Context, q sqlx.QueryerContext, id string) (*Contract, error) {
	return contractWhere(ctx, q, `c.id = $1`, id)
}

func contractWhere(ctx context.Context, q sqlx.QueryerContext, where string, id string, more ...any) (*Contract, error) {
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "Contract not found")
	}
	var c Contract
	err := sqlx.GetContext(ctx, q, &c, `SELECT `+contractColumns+contractFrom+` WHERE `+where, append([]any{id}, more...)...)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Contract not found")
	}
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	c.Status = c.Stored
	return &c, nil
}

// lockContract reads a contract FOR UPDATE, so changes to it and its KPIs are serialised.
func lockContract(ctx context.Context, tx *sqlx.Tx, id string) (*Contract, error) {
	return contractWhere(ctx, tx, `c.id = $1 FOR UPDATE OF c`, id)
}

// Filter selects contracts for a list. Status may be StatusExpiring, which needs Today and
// ExpiringDays; so do active and ended, which an active contract leaves by its dates.
type Filter struct {
	// Query matches part of the reference, the title or the provider's name.
	Query           string
	Status          Status
	OrganisationID  string
	ServiceCategory string
	Route           Route
	ManagerID       string
	// VisibleToProvider leaves out drafts, which the council has not agreed with the provider.
	VisibleToProvider bool
	// Published keeps the contracts the open data publishes (Published).
	Published     bool
	Today         time.Time
	ExpiringDays  int
	Limit, Offset int
}

// Contracts lists one page of contracts, soonest ending first, and how many match in all.
func Contracts(ctx context.Context, q sqlx.QueryerContext, f Filter) ([]Contract, int, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Query != "" {
		p := arg("%" + escapeLike(f.Query) + "%")
		conds = append(conds, fmt.Sprintf("(c.reference ILIKE %[1]s OR c.title ILIKE %[1]s OR o.legal_name ILIKE %[1]s OR o.name ILIKE %[1]s)", p))
	}
	if f.OrganisationID != "" {
		if !db.IsUUID(f.OrganisationID) {
			return nil, 0, nil
		}
		conds = append(conds, "c.organisation_id = "+arg(f.OrganisationID))
	}
	if f.ServiceCategory != "" {
		conds = append(conds, "c.service_category = "+arg(f.ServiceCategory))
	}
	if f.Route != "" {
		conds = append(conds, "c.procurement_route = "+arg(string(f.Route)))
	}
	if f.ManagerID != "" {
		if !db.IsUUID(f.ManagerID) {
			return nil, 0, nil
		}
		conds = append(conds, "c.manager_id = "+arg(f.ManagerID))
	}
	if f.VisibleToProvider {
		conds = append(conds, "c.status <> 'draft'")
	}
	if f.Published {
		conds = append(conds, publishedSQL)
	}
	if f.Status != "" {
		today := dateOf(f.Today).Format(time.DateOnly)
		switch f.Status {
		case StatusDraft, StatusTerminated:
			conds = append(conds, "c.status = "+arg(string(f.Status)))
		case StatusActive:
			conds = append(conds, fmt.Sprintf("c.status = 'active' AND c.end_date > %s::date + %s::int", arg(today), arg(f.ExpiringDays)))
		case StatusExpiring:
			conds = append(conds, fmt.Sprintf("c.status = 'active' AND c.end_date >= %[1]s::date AND c.end_date <= %[1]s::date + %[2]s::int", arg(today), arg(f.ExpiringDays)))
		case StatusEnded:
			conds = append(conds, fmt.Sprintf("(c.status = 'ended' OR (c.status = 'active' AND c.end_date < %s::date))", arg(today)))
		default:
			return nil, 0, nil
		}
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	limit, offset := arg(f.Limit), arg(f.Offset)
	var rows []struct {
		Contract
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+contractColumns+`, COUNT(*) OVER () AS total`+contractFrom+where+
		` ORDER BY c.end_date, c.reference LIMIT `+limit+` OFFSET `+offset, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list contracts: %w", err)
	}
	out := make([]Contract, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.Contract, r.Total
		out[i].Status = out[i].StatusOn(dateOf(f.Today), f.ExpiringDays)
	}
	if len(rows) == 0 && f.Offset > 0 {
		// Past the last page: still say how many there are, for the pager.
		args = args[:len(args)-2]
		if err := sqlx.GetContext(ctx, q, &total, `SELECT count(*)`+contractFrom+where, args...); err != nil {
			return nil, 0, fmt.Errorf("count contracts: %w", err)
		}
	}
	return out, total, nil
}

// ExpiringContracts lists the active contracts ending from one day to another (both
// included), soonest first: for the dashboard's 30, 60 and 90 day lists and the reminders.
func ExpiringContracts(ctx context.Context, q sqlx.QueryerContext, from, to time.Time, limit, offset int) ([]Contract, int, error) {
	var rows []struct {
		Contract
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+contractColumns+`, COUNT(*) OVER () AS total`+contractFrom+`
		WHERE c.status = 'active' AND c.end_date BETWEEN $1::date AND $2::date ORDER BY c.end_date, c.reference LIMIT $3 OFFSET $4`,
		dateOf(from).Format(time.DateOnly), dateOf(to).Format(time.DateOnly), limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("expiring contracts: %w", err)
	}
	out := make([]Contract, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.Contract, r.Total
		out[i].Status = StatusExpiring
	}
	return out, total, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Variations lists a contract's variations, oldest first.
func Variations(ctx context.Context, q sqlx.QueryerContext, contractID string) ([]Variation, error) {
	var out []Variation
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, contract_id, varied_on, description, value_change_pence, recorded_by_name, recorded_at
		FROM contract_variations WHERE contract_id = $1 ORDER BY varied_on, recorded_at`, contractID)
	if err != nil {
		return nil, fmt.Errorf("variations: %w", err)
	}
	return out, nil
}

// Documents lists a contract's documents, newest first.
func Documents(ctx context.Context, q sqlx.QueryerContext, contractID string) ([]Document, error) {
	var out []Document
	err := sqlx.SelectContext(ctx, q, &out, `SELECT cd.contract_id, cd.document_id, cd.title, cd.document_type, d.filename, d.content_type,
		d.size_bytes, cd.added_at, cd.public FROM contract_documents cd JOIN documents d ON d.id = cd.document_id
		WHERE cd.contract_id = $1 ORDER BY cd.added_at DESC, d.filename`, contractID)
	if err != nil {
		return nil, fmt.Errorf("contract documents: %w", err)
	}
	return out, nil
}

// Officers are the people who may manage a contract: every enabled user with the officer role.
func Officers(ctx context.Context, q sqlx.QueryerContext) ([]provider.Option, error) {
	var rows []struct {
		ID    string `db:"id"`
		Name  string `db:"name"`
		Email string `db:"email"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT id, name, email::text AS email FROM users
		WHERE 'officer' = ANY(roles) AND disabled_at IS NULL ORDER BY name, email`); err != nil {
		return nil, fmt.Errorf("officers: %w", err)
	}
	out := make([]provider.Option, len(rows))
	for i, r := range rows {
		out[i] = provider.Option{Value: r.ID, Label: r.Name + " (" + r.Email + ")"}
	}
	return out, nil
}
