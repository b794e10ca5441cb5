package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// tableID names a table the seeder writes; tables lists them in an order that satisfies
// every foreign key, so a batch is copied table by table in that order.
type tableID int

const (
	tUsers tableID = iota
	tOrganisations
	tMemberships
	tNoticeAcks
	tDocuments
	tSections
	tStatusHistory
	tSectionComments
	tBankChanges
	tBankCalls
	tPaymentDetails
	tContracts
	tKPIs
	tReturns
	tReturnNotes
	tVisits
	tVisitOfficers
	tActions
	tActionResponses
	tAudit
	tableCount
)

// table is a table and the columns the seeder gives; the others take their defaults
// (organisations.supplier_ref its sequence, audit_events its hash chain from the trigger).
type table struct {
	name    string
	columns []string
}

var tables = [tableCount]table{
	tUsers:           {"users", []string{"id", "email", "name", "password_hash", "roles", "email_confirmed_at", "created_at"}},
	tOrganisations:   {"organisations", []string{"id", "name", "status", "version", "submitted_at", "decided_at", "created_at", "updated_at", "legal_name", "trading_name", "postcode", "vat_number", "companies_house_number", "charity_number", "ofsted_urns", "cqc_provider_id", "service_categories"}},
	tMemberships:     {"memberships", []string{"user_id", "organisation_id", "created_at"}},
	tNoticeAcks:      {"notice_acknowledgements", []string{"user_id", "notice_id", "acknowledged_at"}},
	tDocuments:       {"documents", []string{"id", "organisation_id", "kind", "filename", "content_type", "size_bytes", "sha256", "content", "uploaded_by", "uploaded_at"}},
	tSections:        {"provider_sections", []string{"organisation_id", "section", "data", "approved_data", "completed", "pending_review", "version", "updated_at", "updated_by"}},
	tStatusHistory:   {"provider_status_history", []string{"organisation_id", "from_status", "to_status", "reason", "by_user", "by_name", "at"}},
	tSectionComments: {"provider_section_comments", []string{"organisation_id", "section", "comment", "by_user", "by_name", "at"}},
	tBankChanges: {"bank_detail_changes", []string{"id", "organisation_id", "kind", "account_name", "sort_code_sealed", "account_number_sealed",
		"roll_number_sealed", "sort_code_last2", "account_last4", "remittance_email", "modulus_version", "requested_by", "requested_by_name",
		"requested_at", "status", "verified_by", "verified_by_name", "verified_at", "approved_by", "approved_by_name", "approved_at",
		"effective_from", "expires_at", "closed_at", "version"}},
	tBankCalls: {"bank_detail_calls", []string{"change_id", "called_by", "called_by_name", "contact_name", "number_used", "called_at", "outcome", "notes"}},
	tPaymentDetails: {"payment_details", []string{"id", "organisation_id", "change_id", "account_name", "sort_code_sealed", "account_number_sealed",
		"roll_number_sealed", "sort_code_last2", "account_last4", "remittance_email", "effective_from", "hold_until", "status",
		"requested_by", "verified_by", "verified_by_name", "approved_by", "approved_by_name", "approved_at"}},
	tContracts: {"contracts", []string{"id", "reference", "title", "organisation_id", "service_category", "procurement_route", "framework_name", "lot",
		"start_date", "end_date", "extension_options", "extension_months", "total_value_pence", "annual_value_pence", "payment_terms",
		"manager_id", "status", "date_signed", "termination_reason", "terminated_on", "created_at", "created_by", "updated_at", "updated_by",
		"award_procedure", "light_touch", "cpv_codes", "estimated_value_pence", "maximum_value_pence"}},
	tKPIs: {"kpis", []string{"id", "contract_id", "name", "unit", "measure", "target", "direction", "amber_threshold", "red_threshold", "frequency", "created_at", "updated_at"}},
	tReturns: {"monitoring_returns", []string{"id", "kpi_id", "period_start", "period_end", "due_date", "status", "value", "commentary",
		"submitted_at", "submitted_by", "submitted_by_name", "accepted_at", "accepted_by", "accepted_by_name", "version", "updated_at"}},
	tReturnNotes:   {"monitoring_return_notes", []string{"return_id", "kind", "body", "by_user", "by_name", "at"}},
	tVisits:        {"qa_visits", []string{"id", "organisation_id", "visited_on", "announced", "areas", "findings", "grade", "created_by", "created_by_name", "created_at", "updated_at"}},
	tVisitOfficers: {"qa_visit_officers", []string{"visit_id", "user_id", "officer_name"}},
	tActions: {"qa_actions", []string{"id", "visit_id", "organisation_id", "description", "owner_name", "owner_email", "due_on", "status",
		"closing_note", "closed_by", "closed_by_name", "closed_at", "created_by", "created_by_name", "created_at", "updated_at"}},
	tActionResponses: {"qa_action_responses", []string{"action_id", "organisation_id", "response", "status", "by_user", "by_name", "at"}},
	tAudit:           {"audit_events", []string{"actor_id", "actor_email", "actor_role", "action", "object_type", "object_id", "summary"}},
}

// batch holds the rows of a number of providers, by table, ready to copy.
type batch struct {
	rows      [tableCount][][]any
	providers int
}

func (b *batch) add(t tableID, values ...any) {
	if len(values) != len(tables[t].columns) {
		panic(fmt.Sprintf("seed: %d values for the %d columns of %s", len(values), len(tables[t].columns), tables[t].name))
	}
	b.rows[t] = append(b.rows[t], values)
}

// count is how many rows of a table the batch holds.
func (b *batch) count(t tableID) int { return len(b.rows[t]) }

// copyBatch writes a batch with one COPY per table, in the foreign keys' order. COPY is
// PostgreSQL's bulk path: rows stream without a round trip each, and row triggers (the audit
// hash chain, the due-date tables) still fire as for an INSERT.
// It adds the time each table took to took.
func copyBatch(ctx context.Context, tx *sqlx.Tx, b *batch, took map[string]time.Duration) error {
	for t := range tableCount {
		rows := b.rows[t]
		if len(rows) == 0 {
			continue
		}
		start := time.Now()
		var lastEvent int64
		if t == tAudit {
			if err := tx.GetContext(ctx, &lastEvent, `SELECT coalesce(max(id), 0) FROM audit_events`); err != nil {
				return fmt.Errorf("audit events so far: %w", err)
			}
		}
		if err := copyRows(ctx, tx, tables[t], rows); err != nil {
			return err
		}
		if t == tAudit {
			// Sealed as the portal seals what it records, so the trail verifies.
			if err := audit.SealCopied(ctx, tx, lastEvent); err != nil {
				return err
			}
		}
		took[tables[t].name] += time.Since(start)
	}
	return nil
}

func copyRows(ctx context.Context, tx *sqlx.Tx, t table, rows [][]any) error {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn(t.name, t.columns...))
	if err != nil {
		return fmt.Errorf("copy %s: %w", t.name, err)
	}
	defer stmt.Close()
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r...); err != nil {
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy %s: %w", t.name, err)
	}
	return nil
}
