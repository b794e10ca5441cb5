package retention

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ContractSource says where contracts are kept and which columns the retention rules read:
// the contract's id, its organisation, its end date and, when there is one, its termination
// date and reference. Contracts belong to the commissioning capability; retention only reads
// when they ended and deletes them when they are due.
type ContractSource struct {
	Table        string
	ID           string
	Organisation string
	End          string
	Terminated   string // "" when contracts have no termination date
	Reference    string // "" when contracts have no reference
}

// The column names DetectContracts accepts, most likely first. Only these names ever reach
// SQL, quoted, so the detected columns cannot inject anything.
var (
	organisationColumns = []string{"organisation_id", "provider_id"}
	endColumns          = []string{"ends_on", "end_date", "end_on", "ends_at", "end_at"}
	terminatedColumns   = []string{"terminated_on", "terminated_at", "termination_date"}
	referenceColumns    = []string{"reference", "ref", "contract_reference"}
)

// DetectContracts finds the contracts table and its columns, or returns nil when contracts
// are not recorded (yet): the contract rules then find nothing.
func DetectContracts(ctx context.Context, q sqlx.QueryerContext) (*ContractSource, error) {
	var exists bool
	if err := sqlx.GetContext(ctx, q, &exists, `SELECT to_regclass('contracts') IS NOT NULL`); err != nil {
		return nil, fmt.Errorf("find contracts table: %w", err)
	}
	if !exists {
		return nil, nil
	}
	var cols []string
	if err := sqlx.SelectContext(ctx, q, &cols, `SELECT column_name::text FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = 'contracts'`); err != nil {
		return nil, fmt.Errorf("contracts columns: %w", err)
	}
	pick := func(candidates []string) string {
		for _, c := range candidates {
			if slices.Contains(cols, c) {
				return c
			}
		}
		return ""
	}
	src := &ContractSource{Table: "contracts", ID: pick([]string{"id"}), Organisation: pick(organisationColumns),
		End: pick(endColumns), Terminated: pick(terminatedColumns), Reference: pick(referenceColumns)}
	if src.ID == "" || src.Organisation == "" || src.End == "" {
		return nil, nil
	}
	return src, nil
}

// endedExpr is the date a contract ended: its termination date if it was terminated, else its end date.
func (c *ContractSource) endedExpr() string {
	end := pq.QuoteIdentifier(c.End) + "::date"
	if c.Terminated == "" {
		return end
	}
	return "coalesce(" + pq.QuoteIdentifier(c.Terminated) + "::date, " + end + ")"
}

func (c *ContractSource) table() string { return pq.QuoteIdentifier(c.Table) }

// endedContractsSQL selects id, organisation and end date of every contract that ended on or
// before $1.
func (c *ContractSource) endedContractsSQL() string {
	return fmt.Sprintf(`SELECT %s::text AS id, %s::text AS organisation_id, %s AS ended FROM %s WHERE %s <= $1`,
		pq.QuoteIdentifier(c.ID), pq.QuoteIdentifier(c.Organisation), c.endedExpr(), c.table(), c.endedExpr())
}

// lastContractEndSQL selects, for each organisation whose every contract has an end date on
// or before $1 (today), the date its last contract ended.
func (c *ContractSource) lastContractEndSQL() string {
	return fmt.Sprintf(`SELECT %s::text AS organisation_id, max(%s) AS ended FROM %s GROUP BY %s
		HAVING bool_and(%s IS NOT NULL AND %s <= $1)`,
		pq.QuoteIdentifier(c.Organisation), c.endedExpr(), c.table(), pq.QuoteIdentifier(c.Organisation), c.endedExpr(), c.endedExpr())
}

// referenceSQL selects the reference (or the id, when there is none) of the contracts with ids in $1.
func (c *ContractSource) referenceSQL() string {
	ref := pq.QuoteIdentifier(c.ID) + "::text"
	if c.Reference != "" {
		ref = pq.QuoteIdentifier(c.Reference) + "::text"
	}
	return fmt.Sprintf(`SELECT %s::text AS id, %s AS reference FROM %s WHERE %s::text = ANY($1)`,
		pq.QuoteIdentifier(c.ID), ref, c.table(), pq.QuoteIdentifier(c.ID))
}

// findSQL selects the id and organisation of the contract whose id or reference is $1.
func (c *ContractSource) findSQL() string {
	cond := pq.QuoteIdentifier(c.ID) + "::text = $1"
	if c.Reference != "" {
		cond += " OR " + pq.QuoteIdentifier(c.Reference) + "::text = $1"
	}
	return fmt.Sprintf(`SELECT %s::text AS id, %s::text AS organisation_id FROM %s WHERE %s LIMIT 2`,
		pq.QuoteIdentifier(c.ID), pq.QuoteIdentifier(c.Organisation), c.table(), cond)
}

// deleteSQL deletes the contracts with ids in $1.
func (c *ContractSource) deleteSQL() string {
	return fmt.Sprintf(`DELETE FROM %s WHERE %s::text = ANY($1)`, c.table(), pq.QuoteIdentifier(c.ID))
}
