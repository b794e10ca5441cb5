-- +goose Up
-- Suppliers imported from the council's own list (internal/importer). The supplier reference
-- they are matched on is organisations.supplier_ref, already unique (00006): importing a
-- reference again updates that record. These columns say which records an import made, so
-- an import updates only those (never a provider who registered themselves), and when their
-- key contacts were last invited to claim them.
ALTER TABLE organisations
    ADD COLUMN imported_at       timestamptz,
    ADD COLUMN import_updated_at timestamptz,
    ADD COLUMN claim_invited_at  timestamptz;
CREATE INDEX organisations_imported ON organisations (imported_at) WHERE imported_at IS NOT NULL;
COMMENT ON COLUMN organisations.imported_at IS 'when an import created the record from the council''s supplier list; NULL for providers who registered';
COMMENT ON COLUMN organisations.import_updated_at IS 'when an import last updated the record';
COMMENT ON COLUMN organisations.claim_invited_at IS 'when the key contact was last invited, in bulk, to claim the imported record';

-- +goose Down
DROP INDEX organisations_imported;
ALTER TABLE organisations DROP COLUMN claim_invited_at, DROP COLUMN import_updated_at, DROP COLUMN imported_at;
