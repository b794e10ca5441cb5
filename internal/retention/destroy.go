package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// Destruction is one entry of the destruction log. It holds no personal data of the people
// whose records were destroyed: the category, how many, the rule, who approved and when.
type Destruction struct {
	ID          int64     `db:"id"`
	Category    string    `db:"category"`
	Method      string    `db:"method"`
	Destroyed   int       `db:"destroyed"`
	RuleMonths  int       `db:"rule_months"`
	RuleTrigger string    `db:"rule_trigger"`
	ProposalID  *string   `db:"proposal_id"`
	ApprovedBy  *string   `db:"approved_by"`
	DestroyedAt time.Time `db:"destroyed_at"`
	// ApproverName is looked up from the user account when the log is shown; it is not stored in the log.
	ApproverName *string `db:"approver_name"`
}

// CategoryInfo is the entry's category definition.
func (d Destruction) CategoryInfo() Category {
	c, _ := CategoryByKey(d.Category)
	return c
}

// Rule is the rule the records were destroyed under.
func (d Destruction) Rule() Rule {
	return Rule{Category: d.Category, Months: d.RuleMonths, Trigger: d.RuleTrigger}
}

// Approval is the outcome of approving a proposal: the destruction it carried out, or, for
// a category that takes two people, Awaiting when this was the first of the two approvals.
type Approval struct {
	*Destruction
	Awaiting bool
}

// Approve carries out an open proposal, in one transaction: it checks again what is due under
// the rule in force now and under no legal hold (a hold placed since the sweep still stops
// destruction; nothing is destroyed that the reviewer did not see), deletes or anonymises it,
// writes the destruction log entry and the audit event, and closes the proposal. version is
// the one the reviewer saw; a sweep since then is a Conflict. Only a signed-in user approves.
// A TwoPeople category (the audit trail) needs two different people: the first approval
// is recorded and audited, and only the second destroys.
func (s *Service) Approve(ctx context.Context, proposalID string, version int) (*Approval, error) {
	actor := audit.ActorFrom(ctx)
	if actor.UserID == "" {
		return nil, apperr.New(apperr.Forbidden, "Destruction must be approved by a person")
	}
	if !db.IsUUID(proposalID) {
		return nil, apperr.New(apperr.NotFound, "Proposal not found")
	}
	var entry Destruction
	awaiting := false
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var p Proposal
		err := tx.GetContext(ctx, &p, `SELECT `+proposalColumns+` FROM retention_proposals WHERE id = $1 FOR UPDATE`, proposalID)
		if db.IsNoRows(err) {
			return apperr.New(apperr.NotFound, "Proposal not found")
		}
		if err != nil {
			return fmt.Errorf("proposal: %w", err)
		}
		if p.Status != ProposalOpen {
			return apperr.New(apperr.Conflict, "This proposal has already been dealt with")
		}
		if p.Version != version {
			return apperr.New(apperr.Conflict, "The sweep has changed this proposal since you opened it. Review it again before you approve")
		}
		c, ok := CategoryByKey(p.Category)
		if !ok || !c.HasRule() {
			return apperr.New(apperr.Conflict, "This proposal is for a category the portal no longer has")
		}
		if c.TwoPeople {
			switch {
			case p.FirstApprovedBy == nil:
				if _, err := tx.ExecContext(ctx, `UPDATE retention_proposals SET first_approved_by = $2, first_approved_at = now()
					WHERE id = $1`, p.ID, actor.UserID); err != nil {
					return fmt.Errorf("first approval: %w", err)
				}
				awaiting = true
				return audit.Record(ctx, tx, audit.Event{Action: "retention.approved.first", ObjectType: "retention_proposal", ObjectID: p.ID,
					Summary: map[string]any{"category": c.Key, "due": p.ItemCount}})
			case *p.FirstApprovedBy == actor.UserID:
				return apperr.New(apperr.Forbidden, "You have already approved this. Another person must approve it before anything is destroyed")
			}
		}
		rule, err := RuleFor(ctx, tx, c.Key)
		if err != nil {
			return err
		}
		e := s.envFor(rule)
		n, err := s.destroy(ctx, tx, c, p, e)
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &entry, `INSERT INTO destruction_log (category, method, destroyed, rule_months, rule_trigger, proposal_id, approved_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			RETURNING id, category, method, destroyed, rule_months, rule_trigger, proposal_id, approved_by, destroyed_at`,
			c.Key, string(c.Method), n, rule.Months, rule.Trigger, p.ID, actor.UserID)
		if err != nil {
			return fmt.Errorf("destruction log: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE retention_proposals SET status = 'destroyed', decided_at = now(), approved_by = $2,
			destroyed_count = $3, version = version + 1 WHERE id = $1`, p.ID, actor.UserID, n); err != nil {
			return fmt.Errorf("close proposal: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM retention_proposal_items WHERE proposal_id = $1`, p.ID); err != nil {
			return fmt.Errorf("clear proposal: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "retention.destroyed", ObjectType: "retention_proposal", ObjectID: p.ID,
			Summary: map[string]any{"category": c.Key, "destroyed": n, "method": string(c.Method), "rule_months": rule.Months,
				"rule_trigger": rule.Trigger, "destruction_log_id": entry.ID}})
	})
	if err != nil {
		return nil, err
	}
	if awaiting {
		return &Approval{Awaiting: true}, nil
	}
	return &Approval{Destruction: &entry}, nil
}

// destroy removes what is both in the proposal and still due now. For a bulk category the
// earlier of the proposal's cutoff and today's is used, so nothing newer than the reviewer saw goes.
func (s *Service) destroy(ctx context.Context, tx *sqlx.Tx, c Category, p Proposal, e env) (int, error) {
	if c.bulk != nil {
		if p.Cutoff != nil && p.Cutoff.Before(e.Cutoff) {
			e.Cutoff = *p.Cutoff
			e.CutoffDate = ukDate(*p.Cutoff)
		}
		return c.bulk.purge(ctx, tx, e)
	}
	proposed, err := storedItems(ctx, tx, p.ID)
	if err != nil {
		return 0, err
	}
	due, _, err := s.due(ctx, tx, c, e)
	if err != nil {
		return 0, err
	}
	stillDue := make(map[string]bool, len(due))
	for _, it := range due {
		stillDue[it.key()] = true
	}
	var items []Item
	for _, it := range proposed {
		if stillDue[it.key()] {
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		return 0, nil
	}
	return c.records.destroy(ctx, tx, e, items)
}

// DestructionLog lists the log, newest first, a page at a time, with the approver's name as
// their account has it now.
func DestructionLog(ctx context.Context, q sqlx.QueryerContext, limit, offset int) ([]Destruction, int, error) {
	var rows []struct {
		Destruction
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT l.id, l.category, l.method, l.destroyed, l.rule_months, l.rule_trigger,
			l.proposal_id, l.approved_by, l.destroyed_at, u.name AS approver_name, count(*) OVER () AS total
		FROM destruction_log l LEFT JOIN users u ON u.id = l.approved_by
		ORDER BY l.destroyed_at DESC, l.id DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("destruction log: %w", err)
	}
	out := make([]Destruction, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.Destruction, r.Total
	}
	return out, total, nil
}
