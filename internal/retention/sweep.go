package retention

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Proposal statuses.
const (
	ProposalOpen      = "proposed"
	ProposalDestroyed = "destroyed"
	ProposalLapsed    = "lapsed" // nothing was due any more when the sweep looked again
)

// Proposal is what the sweep found due in one category, waiting for the data protection
// officer's approval.
type Proposal struct {
	ID             string     `db:"id"`
	Category       string     `db:"category"`
	Status         string     `db:"status"`
	RuleMonths     int        `db:"rule_months"`
	RuleTrigger    string     `db:"rule_trigger"`
	Cutoff         *time.Time `db:"cutoff"`
	ItemCount      int        `db:"item_count"`
	ProposedAt     time.Time  `db:"proposed_at"`
	RefreshedAt    time.Time  `db:"refreshed_at"`
	DecidedAt      *time.Time `db:"decided_at"`
	DestroyedCount *int       `db:"destroyed_count"`
	Version        int        `db:"version"`
	// FirstApprovedBy is the first of the two people a TwoPeople category needs, once one
	// has approved; FirstApproverName is their name, for the page.
	FirstApprovedBy   *string    `db:"first_approved_by"`
	FirstApprovedAt   *time.Time `db:"first_approved_at"`
	FirstApproverName *string    `db:"first_approver_name"`
}

// CategoryInfo is the proposal's category definition.
func (p Proposal) CategoryInfo() Category {
	c, _ := CategoryByKey(p.Category)
	return c
}

// Rule is the rule the proposal was made under.
func (p Proposal) Rule() Rule {
	return Rule{Category: p.Category, Months: p.RuleMonths, Trigger: p.RuleTrigger}
}

const proposalColumns = `id, category, status, rule_months, rule_trigger, cutoff, item_count, proposed_at, refreshed_at,
	decided_at, destroyed_count, version, first_approved_by, first_approved_at,
	(SELECT name FROM users WHERE id = first_approved_by) AS first_approver_name`

// SweepResult is how many records (or rows of a log) each category has due after a sweep.
type SweepResult struct {
	Due map[string]int
}

// Sweep looks at every scheduled category and brings its open proposal up to date with what
// is due now and under no legal hold: it opens one when something is due, refreshes it
// (a new version when what is due changed), and lets it lapse when nothing is due any more.
// It destroys nothing. Each category is swept in its own transaction, audited when its
// proposal changed.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	res := SweepResult{Due: map[string]int{}}
	for _, c := range ScheduledCategories() {
		n, err := s.sweepCategory(ctx, c)
		if err != nil {
			return res, fmt.Errorf("sweep %s: %w", c.Key, err)
		}
		res.Due[c.Key] = n
	}
	return res, nil
}

// due finds what is due in a category under rule e.Rule: the items not under a hold, or for a
// bulk category the number of rows and the cutoff.
func (s *Service) due(ctx context.Context, q sqlx.QueryerContext, c Category, e env) ([]Item, int, error) {
	if c.bulk != nil {
		n, err := c.bulk.count(ctx, q, e)
		return nil, n, err
	}
	items, err := c.records.find(ctx, q, e)
	if err != nil {
		return nil, 0, err
	}
	h, err := loadHeld(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	items = slices.DeleteFunc(items, h.covers)
	return items, len(items), nil
}

func (s *Service) sweepCategory(ctx context.Context, c Category) (int, error) {
	var count int
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('retention:' || $1))`, c.Key); err != nil {
			return fmt.Errorf("lock category: %w", err)
		}
		rule, err := RuleFor(ctx, tx, c.Key)
		if err != nil {
			return err
		}
		e := s.envFor(rule)
		items, n, err := s.due(ctx, tx, c, e)
		if err != nil {
			return err
		}
		count = n
		var cutoff *time.Time
		if c.bulk != nil {
			cutoff = &e.Cutoff
		}
		var open Proposal
		err = tx.GetContext(ctx, &open, `SELECT `+proposalColumns+` FROM retention_proposals
			WHERE category = $1 AND status = 'proposed' FOR UPDATE`, c.Key)
		hasOpen := err == nil
		if err != nil && !db.IsNoRows(err) {
			return fmt.Errorf("open proposal: %w", err)
		}
		switch {
		case n == 0 && !hasOpen:
			return nil
		case n == 0:
			if _, err := tx.ExecContext(ctx, `UPDATE retention_proposals SET status = 'lapsed', decided_at = now(), version = version + 1
				WHERE id = $1`, open.ID); err != nil {
				return fmt.Errorf("lapse proposal: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM retention_proposal_items WHERE proposal_id = $1`, open.ID); err != nil {
				return fmt.Errorf("clear proposal: %w", err)
			}
			return audit.Record(ctx, tx, audit.Event{Action: "retention.proposal.lapsed", ObjectType: "retention_proposal", ObjectID: open.ID,
				Summary: map[string]any{"category": c.Key}})
		case !hasOpen:
			if err := tx.GetContext(ctx, &open.ID, `INSERT INTO retention_proposals (category, rule_months, rule_trigger, cutoff, item_count)
				VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.Key, rule.Months, rule.Trigger, cutoff, n); err != nil {
				return fmt.Errorf("open proposal: %w", err)
			}
			if err := insertItems(ctx, tx, open.ID, items); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Event{Action: "retention.proposal.opened", ObjectType: "retention_proposal", ObjectID: open.ID,
				Summary: map[string]any{"category": c.Key, "due": n, "rule_months": rule.Months, "rule_trigger": rule.Trigger}})
		}
		changed, err := itemsChanged(ctx, tx, open.ID, items)
		if err != nil {
			return err
		}
		// A bulk category's cutoff moves on every day; while the count stays the same the rows
		// are the same, so the proposal keeps the cutoff the reviewer saw and its version.
		changed = changed || n != open.ItemCount || open.RuleMonths != rule.Months || open.RuleTrigger != rule.Trigger ||
			(cutoff != nil && open.Cutoff == nil)
		if !changed {
			_, err := tx.ExecContext(ctx, `UPDATE retention_proposals SET refreshed_at = now() WHERE id = $1`, open.ID)
			return err
		}
		// What is due changed, so a first approval of the old proposal no longer counts.
		if _, err := tx.ExecContext(ctx, `UPDATE retention_proposals SET rule_months = $2, rule_trigger = $3, cutoff = $4, item_count = $5,
				refreshed_at = now(), version = version + 1, first_approved_by = NULL, first_approved_at = NULL WHERE id = $1`, open.ID, rule.Months, rule.Trigger, cutoff, n); err != nil {
			return fmt.Errorf("refresh proposal: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM retention_proposal_items WHERE proposal_id = $1`, open.ID); err != nil {
			return fmt.Errorf("refresh proposal: %w", err)
		}
		if err := insertItems(ctx, tx, open.ID, items); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "retention.proposal.refreshed", ObjectType: "retention_proposal", ObjectID: open.ID,
			Summary: map[string]any{"category": c.Key, "due": n, "rule_months": rule.Months, "rule_trigger": rule.Trigger}})
	})
	return count, err
}

// insertItems stores a proposal's items in one statement.
func insertItems(ctx context.Context, tx *sqlx.Tx, proposalID string, items []Item) error {
	if len(items) == 0 {
		return nil
	}
	types, ids, refs, orgs, contracts, due := make([]string, len(items)), make([]string, len(items)), make([]string, len(items)),
		make([]*string, len(items)), make([]*string, len(items)), make([]string, len(items))
	for i, it := range items {
		types[i], ids[i], refs[i], orgs[i], contracts[i], due[i] = it.ObjectType, it.ObjectID, it.Ref, it.OrganisationID, it.ContractID,
			it.DueSince.Format(time.DateOnly)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO retention_proposal_items (proposal_id, object_type, object_id, item_ref, organisation_id, contract_id, due_since)
		SELECT $1, t, i, r, o::uuid, c::uuid, d::date FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(t, i, r, o, c, d)
		ON CONFLICT DO NOTHING`,
		proposalID, pq.StringArray(types), pq.StringArray(ids), pq.StringArray(refs), pq.Array(orgs), pq.Array(contracts), pq.StringArray(due))
	if err != nil {
		return fmt.Errorf("store proposal items: %w", err)
	}
	return nil
}

// storedItems reads a proposal's items.
func storedItems(ctx context.Context, q sqlx.QueryerContext, proposalID string) ([]Item, error) {
	var items []Item
	err := sqlx.SelectContext(ctx, q, &items, `SELECT object_type, object_id, item_ref, organisation_id::text AS organisation_id,
		contract_id::text AS contract_id, due_since FROM retention_proposal_items WHERE proposal_id = $1
		ORDER BY due_since, object_type, object_id, item_ref`, proposalID)
	if err != nil {
		return nil, fmt.Errorf("proposal items: %w", err)
	}
	return items, nil
}

// itemsChanged reports whether the stored items differ from items.
func itemsChanged(ctx context.Context, q sqlx.QueryerContext, proposalID string, items []Item) (bool, error) {
	stored, err := storedItems(ctx, q, proposalID)
	if err != nil {
		return false, err
	}
	if len(stored) != len(items) {
		return true, nil
	}
	have := make(map[string]bool, len(stored))
	for _, it := range stored {
		have[it.key()] = true
	}
	for _, it := range items {
		if !have[it.key()] {
			return true, nil
		}
	}
	return false, nil
}

// Proposals lists proposals: the open ones first, then the newest, a page at a time.
func Proposals(ctx context.Context, q sqlx.QueryerContext, limit, offset int) ([]Proposal, int, error) {
	var rows []struct {
		Proposal
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+proposalColumns+`, count(*) OVER () AS total FROM retention_proposals
		ORDER BY status <> 'proposed', refreshed_at DESC, id LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("proposals: %w", err)
	}
	out := make([]Proposal, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.Proposal, r.Total
	}
	return out, total, nil
}

// ProposalByID returns one proposal, or NotFound.
func ProposalByID(ctx context.Context, q sqlx.QueryerContext, id string) (*Proposal, error) {
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "Proposal not found")
	}
	var p Proposal
	err := sqlx.GetContext(ctx, q, &p, `SELECT `+proposalColumns+` FROM retention_proposals WHERE id = $1`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Proposal not found")
	}
	if err != nil {
		return nil, fmt.Errorf("proposal: %w", err)
	}
	return &p, nil
}

// ProposalItems lists a page of a proposal's items, each labelled for the reviewer with the
// provider's supplier reference and name or the contract's reference, never a person's name.
func (s *Service) ProposalItems(ctx context.Context, q sqlx.QueryerContext, proposalID string, limit, offset int) ([]Item, error) {
	var items []Item
	err := sqlx.SelectContext(ctx, q, &items, `SELECT object_type, object_id, item_ref, organisation_id::text AS organisation_id,
		contract_id::text AS contract_id, due_since FROM retention_proposal_items WHERE proposal_id = $1
		ORDER BY due_since, object_type, object_id, item_ref LIMIT $2 OFFSET $3`, proposalID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("proposal items: %w", err)
	}
	var orgs, contracts []string
	for _, it := range items {
		if it.OrganisationID != nil {
			orgs = append(orgs, *it.OrganisationID)
		}
		if it.ContractID != nil {
			contracts = append(contracts, *it.ContractID)
		}
	}
	orgLabels, err := organisationLabels(ctx, q, orgs)
	if err != nil {
		return nil, err
	}
	contractLabels, err := s.contractLabels(ctx, q, contracts)
	if err != nil {
		return nil, err
	}
	for i := range items {
		it := &items[i]
		org := ""
		if it.OrganisationID != nil {
			org = orDefault(orgLabels[*it.OrganisationID], "a provider no longer on the portal")
		}
		switch it.ObjectType {
		case "organisation":
			it.Label = "Registration of " + org
		case "supplier":
			it.Label = "Record of former supplier " + org
		case "contract":
			it.Label = "Contract " + orDefault(contractLabels[it.ObjectID], it.ObjectID) + " of " + org
		case "staff_member":
			it.Label = "DBS record of a member of staff of " + org + " (record " + it.Ref + ")"
		default:
			it.Label = it.ObjectType + " " + it.ObjectID
		}
	}
	return items, nil
}
