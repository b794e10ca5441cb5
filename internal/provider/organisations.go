package provider

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The organisations table is this package's: the functions here are how the packages
// above (membership, importer, privacy) make, lock, mark and find organisations.

// MaxOrganisationNameLength matches the organisations table's check on a name.
const MaxOrganisationNameLength = 300

// CreateOrganisation stores a new provider organisation with the name its first user gave,
// in the caller's transaction, and returns its id. The caller checks the name (at most
// MaxOrganisationNameLength characters) and audits why the organisation was made.
func CreateOrganisation(ctx context.Context, tx *sqlx.Tx, name string) (string, error) {
	var id string
	if err := tx.GetContext(ctx, &id, `INSERT INTO organisations (name) VALUES ($1) RETURNING id`, name); err != nil {
		return "", fmt.Errorf("create organisation: %w", err)
	}
	return id, nil
}

// LockOrganisation returns an organisation, holding its row until the transaction ends, so
// changes to one organisation (its workflow, who belongs to it) happen one at a time.
// It is NotFound for an unknown or malformed id.
func LockOrganisation(ctx context.Context, tx *sqlx.Tx, id string) (*Organisation, error) {
	return lockOrganisation(ctx, tx, id)
}

// MarkClaimInvited records that the key contacts of the organisations have been invited,
// now, to claim their imported records.
func MarkClaimInvited(ctx context.Context, q sqlx.ExecerContext, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := q.ExecContext(ctx, `UPDATE organisations SET claim_invited_at = now() WHERE id = ANY($1::uuid[])`,
		pq.StringArray(ids)); err != nil {
		return fmt.Errorf("mark claim invited: %w", err)
	}
	return nil
}

// OrganisationIDsBySupplierRef returns the ids of the organisations with the council's
// supplier reference ref, compared in any case: none, or (references being unique) one.
func OrganisationIDsBySupplierRef(ctx context.Context, q sqlx.QueryerContext, ref string) ([]string, error) {
	if ref == "" {
		return nil, nil
	}
	var ids []string
	err := sqlx.SelectContext(ctx, q, &ids, `SELECT id::text FROM organisations WHERE upper(supplier_ref) = upper($1) ORDER BY id`, ref)
	if err != nil {
		return nil, fmt.Errorf("organisation by supplier reference: %w", err)
	}
	return ids, nil
}

// OrganisationLabel is how the registers of other packages name an organisation.
type OrganisationLabel struct {
	ID          string `db:"id"`
	SupplierRef string `db:"supplier_ref"`
	// Name is the display name: the legal name once given, else the name given at registration.
	Name string `db:"name"`
}

// OrganisationLabels returns the labels of the organisations with those ids, by id. Ids of
// no organisation (and "") are left out of the map.
func OrganisationLabels(ctx context.Context, q sqlx.QueryerContext, ids []string) (map[string]OrganisationLabel, error) {
	var keys []string
	for _, id := range ids {
		if db.IsUUID(id) {
			keys = append(keys, id)
		}
	}
	out := make(map[string]OrganisationLabel, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	var rows []OrganisationLabel
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT id::text AS id, supplier_ref, coalesce(nullif(legal_name, ''), name) AS name
		FROM organisations WHERE id = ANY ($1::uuid[])`, pq.StringArray(keys))
	if err != nil {
		return nil, fmt.Errorf("organisation labels: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}
