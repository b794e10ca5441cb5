package contract

import (
	"context"
	"fmt"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/jmoiron/sqlx"
)

// IDByReference returns the id of the contract whose reference (in any case: references are
// unique regardless of case) or id is ref, or NotFound.
func IDByReference(ctx context.Context, q sqlx.QueryerContext, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	var ids []string
	if err := sqlx.SelectContext(ctx, q, &ids, `SELECT id::text FROM contracts WHERE id::text = $1 OR upper(reference) = upper($1) LIMIT 2`,
		ref); err != nil {
		return "", fmt.Errorf("find contract: %w", err)
	}
	if len(ids) != 1 {
		return "", apperr.New(apperr.NotFound, "Contract not found")
	}
	return ids[0], nil
}

// ReferencesByID maps the ids of the contracts given to their references; an id no contract
// has is left out.
func ReferencesByID(ctx context.Context, q sqlx.QueryerContext, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID  string `db:"id"`
		Ref string `db:"reference"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT id::text AS id, reference FROM contracts WHERE id::text = ANY($1)`,
		stringArray(ids)); err != nil {
		return nil, fmt.Errorf("contract references: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Ref
	}
	return out, nil
}

// OrganisationsWithContracts reports which of the organisations given have at least one
// contract, in any status.
func OrganisationsWithContracts(ctx context.Context, q sqlx.QueryerContext, orgIDs []string) (map[string]bool, error) {
	out := make(map[string]bool, len(orgIDs))
	if len(orgIDs) == 0 {
		return out, nil
	}
	var with []string
	if err := sqlx.SelectContext(ctx, q, &with, `SELECT DISTINCT organisation_id::text FROM contracts WHERE organisation_id::text = ANY($1)`,
		stringArray(orgIDs)); err != nil {
		return nil, fmt.Errorf("organisations with contracts: %w", err)
	}
	for _, id := range with {
		out[id] = true
	}
	return out, nil
}
