package provider

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/document"
	"github.com/jmoiron/sqlx"
)

// DiscardUnusedCertificate deletes a certificate uploaded with a save that then failed, so
// a failed request leaves nothing behind, and reports whether it did. A certificate any
// section of any record refers to is kept: the provider record, not the documents table,
// knows what is in use.
func (s *Service) DiscardUnusedCertificate(ctx context.Context, store document.Store, id string) (bool, error) {
	var deleted bool
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var used bool
		if err := tx.GetContext(ctx, &used, `SELECT EXISTS (SELECT 1 FROM provider_sections
			WHERE data::text LIKE '%' || $1 || '%' OR approved_data::text LIKE '%' || $1 || '%')`, id); err != nil {
			return fmt.Errorf("find uses of certificate: %w", err)
		}
		if used {
			return nil
		}
		var err error
		deleted, err = store.Delete(ctx, tx, id)
		return err
	})
	return deleted, err
}
