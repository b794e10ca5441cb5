package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/notify"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/privacy/subject"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
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
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT o.id::text AS id, o.decided_at FROM organisations o
		WHERE o.status = 'rejected' AND o.decided_at IS NOT NULL AND o.decided_at <= $1
		ORDER BY o.decided_at, o.id`, e.Cutoff)
	if err != nil {
		return nil, fmt.Errorf("find rejected registrations: %w", err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	withContracts, err := contract.OrganisationsWithContracts(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Item, 0, len(rows))
	for _, r := range rows {
		if withContracts[r.ID] {
			continue
		}
		out = append(out, Item{ObjectType: "organisation", ObjectID: r.ID, OrganisationID: ptr(r.ID),
			DueSince: ukDate(r.DecidedAt.AddDate(0, e.Rule.Months, 0))})
	}
	return out, nil
}

// destroyRejectedRegistrations destroys each organisation (still rejected) with everything of
// it, asking each owner in turn: provider locks the registrations still turned down; auth
// removes the provider users who belong to no other organisation (while their memberships
// still say so); finance and quality remove what they hold, including the rows that keep
// documents under ON DELETE RESTRICT (a bank-detail change's evidence, a QA response's);
// then provider deletes the organisations, whose other rows and documents cascade.
func destroyRejectedRegistrations(ctx context.Context, tx *sqlx.Tx, _ env, items []Item) (int, error) {
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.ObjectID)
	}
	orgs, err := provider.LockRejectedOrganisations(ctx, tx, ids)
	if err != nil || len(orgs) == 0 {
		return 0, err
	}
	if _, err := auth.DestroyProviderUsersOnlyOf(ctx, tx, orgs); err != nil {
		return 0, err
	}
	if err := finance.DestroyForOrganisations(ctx, tx, orgs); err != nil {
		return 0, err
	}
	if err := quality.DestroyForOrganisations(ctx, tx, orgs); err != nil {
		return 0, err
	}
	return provider.DestroyRejectedOrganisations(ctx, tx, orgs)
}

// findEndedContracts: contracts whose end (or termination) date is on or before the cutoff.
func findEndedContracts(ctx context.Context, q sqlx.QueryerContext, e env) ([]Item, error) {
	ended, err := contract.EndedOnOrBefore(ctx, q, e.CutoffDate)
	if err != nil {
		return nil, err
	}
	out := make([]Item, 0, len(ended))
	for _, c := range ended {
		out = append(out, Item{ObjectType: "contract", ObjectID: c.ID, OrganisationID: ptr(c.OrganisationID), ContractID: ptr(c.ID),
			DueSince: c.Ended.AddDate(0, e.Rule.Months, 0)})
	}
	return out, nil
}

// destroyContracts has the contract package delete the contracts, with what belongs to them
// and the documents attached to them that nothing else still uses. It first remembers the
// day each supplier's destroyed contracts ended, which the rule for former suppliers runs
// from once the contracts themselves are gone.
func destroyContracts(ctx context.Context, tx *sqlx.Tx, e env, items []Item) (int, error) {
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.ObjectID)
	}
	if err := rememberLastContractEnds(ctx, tx, ids, e.CutoffDate); err != nil {
		return 0, err
	}
	return contract.DestroyEnded(ctx, tx, ids, e.CutoffDate)
}

// Sign-in records: sessions last used, and sign-in attempts made, before the cutoff.
func countSignInRecords(ctx context.Context, q sqlx.QueryerContext, e env) (int, error) {
	return auth.CountSignInRecordsBefore(ctx, q, e.Cutoff)
}

func purgeSignInRecords(ctx context.Context, tx *sqlx.Tx, e env) (int, error) {
	return auth.DestroySignInRecordsBefore(ctx, tx, e.Cutoff)
}

// Emails sent: emails sent, or last tried, before the cutoff.
func countEmailsSent(ctx context.Context, q sqlx.QueryerContext, e env) (int, error) {
	return notify.CountSentBefore(ctx, q, e.Cutoff)
}

func purgeEmailsSent(ctx context.Context, tx *sqlx.Tx, e env) (int, error) {
	return notify.DestroySentBefore(ctx, tx, e.Cutoff)
}

// Disclosures made on or before the cutoff date, none about a held provider.
func countDisclosures(ctx context.Context, q sqlx.QueryerContext, e env) (int, error) {
	h, err := loadHeld(ctx, q)
	if err != nil {
		return 0, err
	}
	return privacy.CountDisclosuresBefore(ctx, q, e.CutoffDate, h.organisationIDs())
}

func purgeDisclosures(ctx context.Context, tx *sqlx.Tx, e env) (int, error) {
	h, err := loadHeld(ctx, tx)
	if err != nil {
		return 0, err
	}
	return privacy.DestroyDisclosuresBefore(ctx, tx, e.CutoffDate, h.organisationIDs())
}

// Breaches closed before the cutoff, none about a held provider.
func countBreaches(ctx context.Context, q sqlx.QueryerContext, e env) (int, error) {
	h, err := loadHeld(ctx, q)
	if err != nil {
		return 0, err
	}
	return privacy.CountBreachesClosedBefore(ctx, q, e.Cutoff, h.organisationIDs())
}

func purgeBreaches(ctx context.Context, tx *sqlx.Tx, e env) (int, error) {
	h, err := loadHeld(ctx, tx)
	if err != nil {
		return 0, err
	}
	return privacy.DestroyBreachesClosedBefore(ctx, tx, e.Cutoff, h.organisationIDs())
}

// Subject access requests closed on or before the cutoff date. They name no provider, so no
// legal hold covers them.
func countSubjectAccessCases(ctx context.Context, q sqlx.QueryerContext, e env) (int, error) {
	return subject.CountClosedBefore(ctx, q, e.CutoffDate)
}

func purgeSubjectAccessCases(ctx context.Context, tx *sqlx.Tx, e env) (int, error) {
	return subject.DestroyClosedBefore(ctx, tx, e.CutoffDate)
}

// auditCutoff is the cutoff for the audit trail: the rule's, or earlier, so that the run of
// events removed stops before the first event about a provider or contract under a hold.
func auditCutoff(ctx context.Context, q sqlx.QueryerContext, e env) (time.Time, error) {
	h, err := loadHeld(ctx, q)
	if err != nil {
		return time.Time{}, err
	}
	first, err := audit.FirstEventAbout(ctx, q, e.Cutoff, h.objects())
	if apperr.Is(err, apperr.NotFound) {
		return e.Cutoff, nil // nothing held was recorded before the cutoff
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("held audit events: %w", err)
	}
	if first.Before(e.Cutoff) {
		return first, nil
	}
	return e.Cutoff, nil
}

// countAuditEvents counts what purgeAuditEvents would remove: events before the cutoff, never the newest.
func countAuditEvents(ctx context.Context, q sqlx.QueryerContext, e env) (int, error) {
	cutoff, err := auditCutoff(ctx, q, e)
	if err != nil {
		return 0, err
	}
	return audit.CountExpirable(ctx, q, cutoff)
}

// purgeAuditEvents has the audit package expire them, which keeps the chain's anchor.
func purgeAuditEvents(ctx context.Context, tx *sqlx.Tx, e env) (int, error) {
	cutoff, err := auditCutoff(ctx, tx, e)
	if err != nil {
		return 0, err
	}
	return audit.ExpireBefore(ctx, tx, cutoff)
}
