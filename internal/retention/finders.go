package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Item is one record due for destruction: what it is, what it belongs to (for legal holds),
// and the date it became due. It holds identifiers only, never a name.
type Item struct {
	ObjectType     string    `db:"object_type"` // organisation, contract, staff_member
	ObjectID       string    `db:"object_id"`
	Ref            string    `db:"item_ref"` // the staff member's ref within their organisation's record
	OrganisationID *string   `db:"organisation_id"`
	ContractID     *string   `db:"contract_id"`
	DueSince       time.Time `db:"due_since"`
	// Label describes the item for the reviewer; filled when listing a proposal.
	Label string `db:"-"`
}

func (it Item) key() string { return it.ObjectType + "\x00" + it.ObjectID + "\x00" + it.Ref }

func stringArray(s []string) pq.StringArray { return pq.StringArray(s) }

func ptr(s string) *string { return &s }

// findRejectedRegistrations: organisations turned down, by the date of the decision. One
// that has contracts is left to the contract rules: its contracts outlive the registration.
func findRejectedRegistrations(ctx context.Context, q sqlx.QueryerContext, e env) ([]Item, error) {
	var rows []struct {
		ID        string    `db:"id"`
		DecidedAt time.Time `db:"decided_at"`
	}
	noContracts := ""
	if e.Contracts != nil {
		noContracts = fmt.Sprintf(` AND NOT EXISTS (SELECT 1 FROM %s c WHERE c.%s = o.id)`,
			e.Contracts.table(), pq.QuoteIdentifier(e.Contracts.Organisation))
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT o.id::text AS id, o.decided_at FROM organisations o
		WHERE o.status = 'rejected' AND o.decided_at IS NOT NULL AND o.decided_at <= $1`+noContracts+`
		ORDER BY o.decided_at, o.id`, e.Cutoff)
	if err != nil {
		return nil, fmt.Errorf("find rejected registrations: %w", err)
	}
	out := make([]Item, 0, len(rows))
	for _, r := range rows {
		out = append(out, Item{ObjectType: "organisation", ObjectID: r.ID, OrganisationID: ptr(r.ID),
			DueSince: ukDate(r.DecidedAt.AddDate(0, e.Rule.Months, 0))})
	}
	return out, nil
}

// destroyRejectedRegistrations deletes each organisation (still rejected) with everything of
// it. Rows that refer to its documents under ON DELETE RESTRICT go first (a bank-detail change
// request's evidence, a QA response's evidence), then the organisation, whose other rows
// cascade. Provider users who belong to no other organisation go too.
func destroyRejectedRegistrations(ctx context.Context, tx *sqlx.Tx, _ env, items []Item) (int, error) {
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ObjectID)
	}
	var orgs []string
	if err := tx.SelectContext(ctx, &orgs, `SELECT id::text FROM organisations WHERE id::text = ANY($1) AND status = 'rejected' FOR UPDATE`,
		stringArray(ids)); err != nil {
		return 0, fmt.Errorf("lock rejected registrations: %w", err)
	}
	if len(orgs) == 0 {
		return 0, nil
	}
	arr := stringArray(orgs)
	for _, stmt := range []struct{ table, sql string }{
		{"users", `DELETE FROM users u WHERE u.roles = ARRAY['provider']
			AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.organisation_id::text = ANY($1))
			AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND NOT (m.organisation_id::text = ANY($1)))`},
		{"bank_detail_changes", `UPDATE bank_detail_changes SET payment_details_id = NULL WHERE organisation_id::text = ANY($1)`},
		{"payment_details", `DELETE FROM payment_details WHERE organisation_id::text = ANY($1)`},
		{"bank_detail_changes", `DELETE FROM bank_detail_changes WHERE organisation_id::text = ANY($1)`},
		{"qa_action_responses", `DELETE FROM qa_action_responses WHERE organisation_id::text = ANY($1)`},
		{"organisations", `DELETE FROM organisations WHERE id::text = ANY($1)`},
	} {
		if ok, err := tableExists(ctx, tx, stmt.table); err != nil || !ok {
			if err != nil {
				return 0, err
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, stmt.sql, arr); err != nil {
			return 0, fmt.Errorf("destroy rejected registrations (%s): %w", stmt.table, err)
		}
	}
	return len(orgs), nil
}

// tableExists reports whether a table is in the database: some rows destroyed with a record
// live in other capabilities' tables, which may not be there in every deployment.
func tableExists(ctx context.Context, q sqlx.QueryerContext, table string) (bool, error) {
	var ok bool
	if err := sqlx.GetContext(ctx, q, &ok, `SELECT to_regclass($1) IS NOT NULL`, table); err != nil {
		return false, fmt.Errorf("find table %s: %w", table, err)
	}
	return ok, nil
}

// findEndedContracts: contracts whose end (or termination) date is on or before the cutoff.
func findEndedContracts(ctx context.Context, q sqlx.QueryerContext, e env) ([]Item, error) {
	if e.Contracts == nil {
		return nil, nil
	}
	var rows []struct {
		ID    string    `db:"id"`
		Org   string    `db:"organisation_id"`
		Ended time.Time `db:"ended"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, e.Contracts.endedContractsSQL(), e.CutoffDate); err != nil {
		return nil, fmt.Errorf("find ended contracts: %w", err)
	}
	out := make([]Item, 0, len(rows))
	for _, r := range rows {
		out = append(out, Item{ObjectType: "contract", ObjectID: r.ID, OrganisationID: ptr(r.Org), ContractID: ptr(r.ID),
			DueSince: r.Ended.AddDate(0, e.Rule.Months, 0)})
	}
	return out, nil
}

// destroyContracts deletes the contracts; their variations, KPIs and returns cascade, and
// the documents attached to them (signed contracts, return evidence) are deleted with them
// unless another contract still holds them.
func destroyContracts(ctx context.Context, tx *sqlx.Tx, e env, items []Item) (int, error) {
	if e.Contracts == nil || len(items) == 0 {
		return 0, nil
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ObjectID)
	}
	arr := stringArray(ids)
	var docs []string
	for _, src := range []struct {
		tables []string
		sql    string
	}{
		{[]string{"contract_documents"}, `SELECT document_id::text FROM contract_documents WHERE contract_id::text = ANY($1)`},
		{[]string{"monitoring_returns", "kpis"}, `SELECT r.evidence_document_id::text FROM monitoring_returns r JOIN kpis k ON k.id = r.kpi_id
			WHERE k.contract_id::text = ANY($1) AND r.evidence_document_id IS NOT NULL`},
	} {
		present := true
		for _, t := range src.tables {
			ok, err := tableExists(ctx, tx, t)
			if err != nil {
				return 0, err
			}
			present = present && ok
		}
		if !present {
			continue
		}
		var found []string
		if err := tx.SelectContext(ctx, &found, src.sql, arr); err != nil {
			return 0, fmt.Errorf("contract documents: %w", err)
		}
		docs = append(docs, found...)
	}
	res, err := tx.ExecContext(ctx, e.Contracts.deleteSQL(), arr)
	if err != nil {
		return 0, fmt.Errorf("destroy contracts: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if len(docs) > 0 {
		stillUsed := ""
		if ok, err := tableExists(ctx, tx, "contract_documents"); err != nil {
			return 0, err
		} else if ok {
			stillUsed = ` AND NOT EXISTS (SELECT 1 FROM contract_documents cd WHERE cd.document_id = d.id)`
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM documents d WHERE d.id::text = ANY($1)`+stillUsed, stringArray(docs)); err != nil {
			return 0, fmt.Errorf("destroy contract documents: %w", err)
		}
	}
	return int(n), nil
}

// countSignInRecords: sessions last used, and sign-in attempts made, before the cutoff.
func countSignInRecords(ctx context.Context, q sqlx.QueryerContext, e env) (int, error) {
	var n int
	err := sqlx.GetContext(ctx, q, &n, `SELECT (SELECT count(*) FROM sessions WHERE last_seen_at <= $1)
		+ (SELECT count(*) FROM signin_attempts WHERE at <= $1)`, e.Cutoff)
	if err != nil {
		return 0, fmt.Errorf("count sign-in records: %w", err)
	}
	return n, nil
}

func purgeSignInRecords(ctx context.Context, tx *sqlx.Tx, e env) (int, error) {
	return deleteAll(ctx, tx, "sign-in records", e.Cutoff,
		`DELETE FROM sessions WHERE last_seen_at <= $1`,
		`DELETE FROM signin_attempts WHERE at <= $1`)
}

// countEmailsSent: emails sent, or last tried, before the cutoff.
func countEmailsSent(ctx context.Context, q sqlx.QueryerContext, e env) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM outbox WHERE coalesce(sent_at, created_at) <= $1`, e.Cutoff); err != nil {
		return 0, fmt.Errorf("count emails sent: %w", err)
	}
	return n, nil
}

func purgeEmailsSent(ctx context.Context, tx *sqlx.Tx, e env) (int, error) {
	return deleteAll(ctx, tx, "emails sent", e.Cutoff, `DELETE FROM outbox WHERE coalesce(sent_at, created_at) <= $1`)
}

// notHeldOrganisation is the condition that a row's organisation_id is under no active hold.
const notHeldOrganisation = `(organisation_id IS NULL OR NOT EXISTS (SELECT 1 FROM legal_holds h
	WHERE h.released_at IS NULL AND h.object_type = 'organisation' AND h.object_id = organisation_id))`

// countDisclosures: disclosures made on or before the cutoff date, none about a held provider.
func countDisclosures(ctx context.Context, q sqlx.QueryerContext, e env) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM disclosures WHERE disclosed_on <= $1 AND `+notHeldOrganisation, e.CutoffDate); err != nil {
		return 0, fmt.Errorf("count disclosures: %w", err)
	}
	return n, nil
}

func purgeDisclosures(ctx context.Context, tx *sqlx.Tx, e env) (int, error) {
	return deleteAll(ctx, tx, "disclosures", e.CutoffDate, `DELETE FROM disclosures WHERE disclosed_on <= $1 AND `+notHeldOrganisation)
}

// countBreaches: breaches closed before the cutoff, none about a held provider.
func countBreaches(ctx context.Context, q sqlx.QueryerContext, e env) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM breaches WHERE closed_at <= $1 AND `+notHeldOrganisation, e.Cutoff); err != nil {
		return 0, fmt.Errorf("count breaches: %w", err)
	}
	return n, nil
}

func purgeBreaches(ctx context.Context, tx *sqlx.Tx, e env) (int, error) {
	return deleteAll(ctx, tx, "breaches", e.Cutoff, `DELETE FROM breaches WHERE closed_at <= $1 AND `+notHeldOrganisation)
}

// auditCutoff is the cutoff for the audit trail: the rule's, or earlier, so that the run of
// events removed stops before the first event about a provider or contract under a hold.
func auditCutoff(ctx context.Context, q sqlx.QueryerContext, e env) (time.Time, error) {
	var first *time.Time
	err := sqlx.GetContext(ctx, q, &first, `SELECT min(a.at) FROM audit_events a JOIN legal_holds h
		ON h.released_at IS NULL AND a.object_type = h.object_type AND a.object_id = h.object_id::text
		WHERE a.at < $1`, e.Cutoff)
	if err != nil {
		return time.Time{}, fmt.Errorf("held audit events: %w", err)
	}
	if first != nil && first.Before(e.Cutoff) {
		return *first, nil
	}
	return e.Cutoff, nil
}

// countAuditEvents counts what audit_expire would remove: events before the cutoff, never the newest.
func countAuditEvents(ctx context.Context, q sqlx.QueryerContext, e env) (int, error) {
	cutoff, err := auditCutoff(ctx, q, e)
	if err != nil {
		return 0, err
	}
	var n int
	err = sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM audit_events
		WHERE id < coalesce((SELECT min(id) FROM audit_events WHERE at >= $1), (SELECT max(id) FROM audit_events))
		  AND id < (SELECT max(id) FROM audit_events)`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("count audit events: %w", err)
	}
	return n, nil
}

// purgeAuditEvents removes them through audit_expire, which keeps the chain's anchor.
func purgeAuditEvents(ctx context.Context, tx *sqlx.Tx, e env) (int, error) {
	cutoff, err := auditCutoff(ctx, tx, e)
	if err != nil {
		return 0, err
	}
	// audit_expire locks the trail against writers while it cuts; waiting behind a long
	// reader (a verification, an export) should fail this approval, not stall every writer.
	if _, err := tx.ExecContext(ctx, `SET LOCAL lock_timeout = '30s'`); err != nil {
		return 0, fmt.Errorf("expire audit events: %w", err)
	}
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT audit_expire($1)`, cutoff); err != nil {
		return 0, fmt.Errorf("expire audit events: %w", err)
	}
	return n, nil
}

// deleteAll runs each DELETE with the cutoff and adds up the rows removed.
func deleteAll(ctx context.Context, tx *sqlx.Tx, what string, cutoff time.Time, stmts ...string) (int, error) {
	total := 0
	for _, stmt := range stmts {
		res, err := tx.ExecContext(ctx, stmt, cutoff)
		if err != nil {
			return 0, fmt.Errorf("destroy %s: %w", what, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		total += int(n)
	}
	return total, nil
}
