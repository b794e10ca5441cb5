package contract

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Manager is the officer who manages one of a provider's contracts, to be told of news
// about the provider.
type Manager struct {
	OrganisationID string `db:"organisation_id"`
	Name           string `db:"name"`
	Email          string `db:"email"`
}

// ManagersOf lists the managers of the given providers' contracts that are not over (draft or
// active), one row per provider and manager, by provider and then email.
func ManagersOf(ctx context.Context, q sqlx.QueryerContext, orgIDs []string) ([]Manager, error) {
	out := []Manager{}
	if len(orgIDs) == 0 {
		return out, nil
	}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT DISTINCT c.organisation_id, u.name, u.email::text AS email
		FROM contracts c JOIN users u ON u.id = c.manager_id
		WHERE c.organisation_id = ANY($1::uuid[]) AND c.status IN ('draft','active') AND u.disabled_at IS NULL
		ORDER BY c.organisation_id, email`, pq.Array(orgIDs))
	if err != nil {
		return nil, fmt.Errorf("contract managers: %w", err)
	}
	return out, nil
}
