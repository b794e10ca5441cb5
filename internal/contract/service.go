package contract

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// Service changes contracts, KPIs and monitoring returns. Every change is checked, runs in
// one transaction with its audit event and the mail it causes, and names the version it
// read where two people could edit the same thing.
type Service struct {
	DB        *sqlx.DB
	Documents document.Store
	// BaseURL makes the links in emails and OCDS documents.
	BaseURL *url.URL
	// Now is the clock; time.Now when nil. It decides "today" (overdue, open periods) and
	// stamps when a return was submitted and accepted, so tests and demo data can make
	// returns on time or late.
	Now func() time.Time
	// Publishing is the OCDS publication settings from the configuration; those set there
	// take the place of the stored settings (OCDSSettings).
	Publishing Publishing
	// AcceptedChanged, when set, runs in the transaction that accepts a monitoring return,
	// with the provider's organisation id, so what is derived from accepted KPI values
	// changes with them: the wiring sets it to refresh the stored compliance rating.
	AcceptedChanged func(ctx context.Context, tx sqlx.ExtContext, orgID string) error
	// Assessments finds the performance assessments that need a contract performance
	// notice; until the wiring sets it, no performance notice falls due (ProcurementNotices).
	Assessments PerformanceAssessments
}

func (svc *Service) now() time.Time {
	if svc.Now != nil {
		return svc.Now()
	}
	return time.Now()
}

// Today is the UK date now, as midnight UTC (how the database returns dates).
func (svc *Service) Today() time.Time { return ukDate(svc.now()) }

func (svc *Service) documents() document.Store {
	if svc.Documents != nil {
		return svc.Documents
	}
	return document.PostgresStore{}
}

// Contract returns a contract with its status as of today, or NotFound.
func (svc *Service) Contract(ctx context.Context, id string) (*Contract, error) {
	c, err := ContractByID(ctx, svc.DB, id)
	if err != nil {
		return nil, err
	}
	return c, svc.setStatus(ctx, c)
}

// ProviderContract returns a contract of the provider organisation orgID, or NotFound for
// any other organisation's contract and for drafts, which are not agreed yet.
func (svc *Service) ProviderContract(ctx context.Context, orgID, id string) (*Contract, error) {
	if !db.IsUUID(orgID) {
		return nil, apperr.New(apperr.NotFound, "Contract not found")
	}
	c, err := contractWhere(ctx, svc.DB, `c.id = $1 AND c.organisation_id = $2 AND c.status <> 'draft'`, id, orgID)
	if err != nil {
		return nil, err
	}
	return c, svc.setStatus(ctx, c)
}

// List lists contracts as Contracts does, for today and the expiring setting.
func (svc *Service) List(ctx context.Context, f Filter) ([]Contract, int, error) {
	settings, err := LoadSettings(ctx, svc.DB)
	if err != nil {
		return nil, 0, err
	}
	f.Today, f.ExpiringDays = svc.Today(), settings.ExpiringWithinDays
	return Contracts(ctx, svc.DB, f)
}

func (svc *Service) setStatus(ctx context.Context, c *Contract) error {
	settings, err := LoadSettings(ctx, svc.DB)
	if err != nil {
		return err
	}
	c.Status = c.StatusOn(svc.Today(), settings.ExpiringWithinDays)
	return nil
}

// ConflictError says someone else saved the contract since the editor opened it. It
// carries the contract as it is now, so the form can show what changed.
type ConflictError struct {
	Current *Contract
}

func (e *ConflictError) Error() string { return "the contract was changed by someone else" }

// Unwrap makes a conflict an apperr.Conflict for callers that only care about the kind.
func (e *ConflictError) Unwrap() error {
	return apperr.New(apperr.Conflict, "Someone else changed this contract while you were editing it")
}

// CreateContract checks the form and stores a new contract for an approved provider.
func (svc *Service) CreateContract(ctx context.Context, f ContractForm) (*Contract, error) {
	var id string
	err := db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		v, orgID, err := svc.check(ctx, tx, &f, nil)
		if err != nil {
			return err
		}
		by := nullable(audit.ActorFrom(ctx).UserID)
		err = tx.GetContext(ctx, &id, `INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route,
			framework_name, lot, start_date, end_date, extension_options, extension_months, total_value_pence, annual_value_pence,
			payment_terms, manager_id, status, date_signed, termination_reason, terminated_on, created_by, updated_by,
			award_procedure, light_touch, cpv_codes, supplier_ppon, published_on, estimated_value_pence, maximum_value_pence, kpi_exemption)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
				CASE WHEN $16 = 'terminated' THEN $19::date END, $20, $20, $21, $22, $23, $24, $25, $26, $27, $28) RETURNING id`,
			v.Reference, v.Title, orgID, v.ServiceCategory, string(v.Route), v.FrameworkName, v.Lot, v.StartDate, v.EndDate,
			v.ExtensionOptions, v.ExtensionMonths, v.TotalValuePence, v.AnnualValuePence, v.PaymentTerms, v.ManagerID,
			string(v.Status), v.DateSigned, v.TerminationReason, svc.Today(), by,
			string(v.Procedure), v.LightTouch, stringArray(nonNil(v.CPVCodes)), v.SupplierPPON, v.PublishedOn, v.EstimatedValuePence,
			v.MaximumValuePence, v.KPIExemption)
		if db.IsCode(err, db.CodeUniqueViolation) {
			return apperr.InvalidFields(map[string]string{"reference": "A contract with this reference already exists"})
		}
		if err != nil {
			return fmt.Errorf("create contract: %w", err)
		}
		c, err := ContractByID(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.created", ObjectType: "contract", ObjectID: id,
			Summary: map[string]any{"organisation_id": orgID, "contract": contractSummary(c)}})
	})
	if err != nil {
		return nil, err
	}
	return svc.Contract(ctx, id)
}

// UpdateContract changes a contract. version is the one the editor read: a mismatch is a
// *ConflictError and nothing changes. Moving the dates moves the KPIs' periods, unless a
// return has been made for a period that would move or go.
func (svc *Service) UpdateContract(ctx context.Context, id string, version int, f ContractForm) error {
	return db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		current, err := lockContract(ctx, tx, id)
		if err != nil {
			return err
		}
		if current.Version != version {
			if err := svc.setStatus(ctx, current); err != nil {
				return err
			}
			return &ConflictError{Current: current}
		}
		v, orgID, err := svc.check(ctx, tx, &f, current)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE contracts SET reference = $2, title = $3, organisation_id = $4, service_category = $5,
			procurement_route = $6, framework_name = $7, lot = $8, start_date = $9, end_date = $10, extension_options = $11,
			extension_months = $12, total_value_pence = $13, annual_value_pence = $14, payment_terms = $15, manager_id = $16,
			status = $17, date_signed = $18, termination_reason = $19,
			terminated_on = CASE WHEN $17 <> 'terminated' THEN NULL WHEN status = 'terminated' THEN terminated_on ELSE $20::date END,
			award_procedure = $22, light_touch = $23, cpv_codes = $24, supplier_ppon = $25, published_on = $26,
			estimated_value_pence = $27, maximum_value_pence = $28, kpi_exemption = $29,
			version = version + 1, updated_at = now(), updated_by = $21 WHERE id = $1`,
			id, v.Reference, v.Title, orgID, v.ServiceCategory, string(v.Route), v.FrameworkName, v.Lot, v.StartDate, v.EndDate,
			v.ExtensionOptions, v.ExtensionMonths, v.TotalValuePence, v.AnnualValuePence, v.PaymentTerms, v.ManagerID,
			string(v.Status), v.DateSigned, v.TerminationReason, svc.Today(), nullable(audit.ActorFrom(ctx).UserID),
			string(v.Procedure), v.LightTouch, stringArray(nonNil(v.CPVCodes)), v.SupplierPPON, v.PublishedOn, v.EstimatedValuePence,
			v.MaximumValuePence, v.KPIExemption)
		if db.IsCode(err, db.CodeUniqueViolation) {
			return apperr.InvalidFields(map[string]string{"reference": "A contract with this reference already exists"})
		}
		if err != nil {
			return fmt.Errorf("update contract: %w", err)
		}
		if !v.StartDate.Equal(dateOf(current.StartDate)) || !v.EndDate.Equal(dateOf(current.EndDate)) {
			if err := svc.movePeriods(ctx, tx, id, v, current); err != nil {
				return err
			}
		}
		if err := syncAssessmentDue(ctx, tx, id); err != nil {
			return err
		}
		after, err := ContractByID(ctx, tx, id)
		if err != nil {
			return err
		}
		action := "contract.updated"
		if after.Stored != current.Stored {
			action = "contract.status." + string(after.Stored)
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, ObjectType: "contract", ObjectID: id,
			Summary: map[string]any{"organisation_id": orgID, "changes": changes(contractSummary(current), contractSummary(after))}})
	})
}

// movePeriods follows a change of the contract's dates in every KPI's periods.
func (svc *Service) movePeriods(ctx context.Context, tx *sqlx.Tx, id string, v contractValues, current *Contract) error {
	kpis, err := KPIs(ctx, tx, id)
	if err != nil {
		return err
	}
	settings, err := LoadSettings(ctx, tx)
	if err != nil {
		return err
	}
	for i := range kpis {
		err := syncPeriods(ctx, tx, &kpis[i], v.StartDate, v.EndDate, settings.ReturnDueDays)
		if errors.Is(err, errReturnsMade) {
			if !v.StartDate.Equal(dateOf(current.StartDate)) {
				return apperr.InvalidFields(map[string]string{"start_date": "The start date cannot change: returns have already been made for the periods it counts from"})
			}
			return apperr.InvalidFields(map[string]string{"end_date": "The end date cannot be earlier than the last period a return has been made for"})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// check validates the form against the database: the provider exists and is approved
// (a contract already held may stay with a provider suspended since), the manager is an
// officer, and no other contract has the reference. It returns every message at once.
func (svc *Service) check(ctx context.Context, tx *sqlx.Tx, f *ContractForm, current *Contract) (contractValues, string, error) {
	v, errs := f.validate(svc.Today())
	var org struct {
		ID     string          `db:"id"`
		Status provider.Status `db:"status"`
	}
	if errs["provider"] == "" {
		err := tx.GetContext(ctx, &org, `SELECT id, status FROM organisations WHERE upper(supplier_ref) = $1`, v.SupplierRef)
		switch {
		case db.IsNoRows(err):
			errs["provider"] = "No provider has this supplier reference. Enter a supplier reference like SUP1001"
		case err != nil:
			return v, "", fmt.Errorf("contract provider: %w", err)
		case org.Status != provider.StatusApproved && (current == nil || current.OrganisationID != org.ID):
			errs["provider"] = fmt.Sprintf("%s is not an approved provider. Only approved providers can hold contracts", v.SupplierRef)
		}
	}
	if errs["manager"] == "" {
		var n int
		if db.IsUUID(v.ManagerID) {
			if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM users WHERE id = $1 AND 'officer' = ANY(roles) AND disabled_at IS NULL`, v.ManagerID); err != nil {
				return v, "", fmt.Errorf("contract manager: %w", err)
			}
		}
		if n == 0 {
			errs["manager"] = "Select the contract manager from the list"
		}
	}
	if errs["reference"] == "" {
		exceptID := ""
		if current != nil {
			exceptID = current.ID
		}
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM contracts WHERE upper(reference) = $1 AND id::text <> $2`, v.Reference, exceptID); err != nil {
			return v, "", fmt.Errorf("contract reference: %w", err)
		}
		if n > 0 {
			errs["reference"] = "A contract with this reference already exists"
		}
	}
	if len(errs) > 0 {
		return v, "", apperr.InvalidFields(errs)
	}
	return v, org.ID, nil
}

// contractSummary is a contract as the audit trail records it, field by field.
func contractSummary(c *Contract) map[string]string {
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	manager := ""
	if c.ManagerID != nil {
		manager = *c.ManagerID
	}
	return map[string]string{
		"reference": c.Reference, "title": c.Title, "organisation_id": c.OrganisationID, "service_category": c.ServiceCategory,
		"procurement_route": string(c.Route), "framework_name": c.FrameworkName, "lot": c.Lot,
		"start_date": date(&c.StartDate), "end_date": date(&c.EndDate), "extension_options": c.ExtensionOptions,
		"extension_months": strconv.Itoa(c.ExtensionMonths), "total_value_pence": strconv.FormatInt(c.TotalValuePence, 10),
		"annual_value_pence": strconv.FormatInt(c.AnnualValuePence, 10), "payment_terms": c.PaymentTerms, "manager_id": manager,
		"status": string(c.Stored), "date_signed": date(c.DateSigned), "termination_reason": c.TerminationReason,
		"terminated_on":   date(c.TerminatedOn),
		"award_procedure": string(c.Procedure), "light_touch": strconv.FormatBool(c.LightTouch), "cpv_codes": c.CPVText(),
		"supplier_ppon": c.SupplierPPON, "published_on": date(c.PublishedOn), "estimated_value_pence": pence(c.EstimatedValuePence),
		"maximum_value_pence": pence(c.MaximumValuePence), "kpi_exemption": c.KPIExemption,
	}
}

func pence(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// nonNil makes an empty list an empty array, not NULL, for a NOT NULL array column.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
