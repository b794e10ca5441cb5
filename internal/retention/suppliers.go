package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/jmoiron/sqlx"
)

// rememberLastContractEnds records, for each supplier of the contracts ids that ended on or
// before day, the latest day one of them ended, keeping a later day already recorded. The
// contracts are about to be destroyed under their own rule, and without this a supplier
// whose contracts were all destroyed would look as if it never had one, and be kept for ever.
func rememberLastContractEnds(ctx context.Context, tx *sqlx.Tx, ids []string, day time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	ended, err := contract.EndedOnOrBefore(ctx, tx, day)
	if err != nil {
		return err
	}
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	last := map[string]time.Time{}
	for _, c := range ended {
		if want[c.ID] && c.Ended.After(last[c.OrganisationID]) {
			last[c.OrganisationID] = c.Ended
		}
	}
	for org, end := range last {
		if _, err := tx.ExecContext(ctx, `INSERT INTO supplier_last_contract_ends (organisation_id, ended_on) VALUES ($1, $2)
			ON CONFLICT (organisation_id) DO UPDATE SET ended_on = greatest(supplier_last_contract_ends.ended_on, excluded.ended_on)`,
			org, end.Format(time.DateOnly)); err != nil {
			return fmt.Errorf("remember last contract end: %w", err)
		}
	}
	return nil
}

// rememberedLastContractEnds maps suppliers to the last day one of their destroyed contracts ended.
func rememberedLastContractEnds(ctx context.Context, q sqlx.QueryerContext) (map[string]time.Time, error) {
	var rows []struct {
		Org   string    `db:"organisation_id"`
		Ended time.Time `db:"ended_on"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT organisation_id::text AS organisation_id, ended_on FROM supplier_last_contract_ends`); err != nil {
		return nil, fmt.Errorf("remembered contract ends: %w", err)
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		out[r.Org] = r.Ended
	}
	return out, nil
}

// formerSupplierCutoff is the day a former supplier's last contract must have ended by: the
// rule's cutoff, or the rule for contract records' when that one is longer, because a
// supplier is destroyed with its contracts and none may go before its own rule allows.
func formerSupplierCutoff(ctx context.Context, q sqlx.QueryerContext, e env) (time.Time, int, error) {
	contractMonths, err := contractRecordsMonths(ctx, q)
	if err != nil {
		return time.Time{}, 0, err
	}
	months := max(e.Rule.Months, contractMonths)
	return e.Today.AddDate(0, -months, 0), months, nil
}

// contractRecordsMonths is the period of the rule for contract records in force. It reads
// the rule itself rather than through RuleFor, which reads Categories, where this finder is
// named: the two would refer to each other as they are initialised.
func contractRecordsMonths(ctx context.Context, q sqlx.QueryerContext) (int, error) {
	var months int
	err := sqlx.GetContext(ctx, q, &months, `SELECT months FROM retention_rules WHERE category = $1`, CategoryContractRecords)
	if db.IsNoRows(err) {
		return contractRecordsDefaultMonths, nil
	}
	if err != nil {
		return 0, fmt.Errorf("rule for contract records: %w", err)
	}
	return months, nil
}

// findFormerSuppliers: approved (or suspended) suppliers with no contract still running,
// whose last contract ended on or before the cutoff; the day it ended comes from the
// contracts still kept or, once they are destroyed, from what destroyContracts remembered.
// A supplier that never had a contract is left alone: it is on the council's list, and
// nothing has ended. One with a contract under a legal hold is left out here, since its
// items name only the organisation; the sweep leaves out organisations under a hold.
func findFormerSuppliers(ctx context.Context, q sqlx.QueryerContext, e env) ([]Item, error) {
	orgs, err := provider.ApprovedOrganisations(ctx, q)
	if err != nil || len(orgs) == 0 {
		return nil, err
	}
	cutoff, months, err := formerSupplierCutoff(ctx, q, e)
	if err != nil {
		return nil, err
	}
	withContracts, err := contract.OrganisationsWithContracts(ctx, q, orgs)
	if err != nil {
		return nil, err
	}
	allEnded, err := contract.LastContractEnds(ctx, q, e.Today)
	if err != nil {
		return nil, err
	}
	remembered, err := rememberedLastContractEnds(ctx, q)
	if err != nil {
		return nil, err
	}
	ended, err := contract.EndedOnOrBefore(ctx, q, e.Today)
	if err != nil {
		return nil, err
	}
	h, err := loadHeld(ctx, q)
	if err != nil {
		return nil, err
	}
	heldContract := map[string]bool{}
	for _, c := range ended {
		if h.contracts[c.ID] {
			heldContract[c.OrganisationID] = true
		}
	}
	var out []Item
	for _, org := range orgs {
		last, done := allEnded[org]
		if withContracts[org] && !done {
			continue // a contract is still running
		}
		if r := remembered[org]; r.After(last) {
			last = r
		}
		if last.IsZero() || last.After(cutoff) || heldContract[org] {
			continue
		}
		out = append(out, Item{ObjectType: "supplier", ObjectID: org, OrganisationID: ptr(org), DueSince: last.AddDate(0, months, 0)})
	}
	return out, nil
}

// destroyFormerSuppliers destroys each supplier (still approved or suspended) with its
// contracts and everything else of it, asking each owner in turn, as for registrations turned
// down: provider locks the suppliers; contract destroys their contracts that ended by the
// cutoff, and a supplier left with a contract (one made since the sweep) is kept; auth
// removes the provider users who belong to no other organisation; finance and quality remove
// what they hold; then provider deletes the organisations.
func destroyFormerSuppliers(ctx context.Context, tx *sqlx.Tx, e env, items []Item) (int, error) {
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.ObjectID)
	}
	orgs, err := provider.LockApprovedOrganisations(ctx, tx, ids)
	if err != nil || len(orgs) == 0 {
		return 0, err
	}
	cutoff, _, err := formerSupplierCutoff(ctx, tx, e)
	if err != nil {
		return 0, err
	}
	ended, err := contract.EndedOnOrBefore(ctx, tx, cutoff)
	if err != nil {
		return 0, err
	}
	locked := make(map[string]bool, len(orgs))
	for _, o := range orgs {
		locked[o] = true
	}
	var contracts []string
	for _, c := range ended {
		if locked[c.OrganisationID] {
			contracts = append(contracts, c.ID)
		}
	}
	if _, err := contract.DestroyEnded(ctx, tx, contracts, cutoff); err != nil {
		return 0, err
	}
	still, err := contract.OrganisationsWithContracts(ctx, tx, orgs)
	if err != nil {
		return 0, err
	}
	due := orgs[:0]
	for _, o := range orgs {
		if !still[o] {
			due = append(due, o)
		}
	}
	if len(due) == 0 {
		return 0, nil
	}
	if _, err := auth.DestroyProviderUsersOnlyOf(ctx, tx, due); err != nil {
		return 0, err
	}
	if err := finance.DestroyForOrganisations(ctx, tx, due); err != nil {
		return 0, err
	}
	if err := quality.DestroyForOrganisations(ctx, tx, due); err != nil {
		return 0, err
	}
	return provider.DestroyApprovedOrganisations(ctx, tx, due)
}
