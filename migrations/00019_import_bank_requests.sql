-- Imported bank details no longer skip finance's dual control: each one opens a request
-- pending verification (internal/finance, OpenImportRequests). The job's "these come from
-- the finance system of record" flag, which made them verified at once, goes with that path.

-- +goose Up
ALTER TABLE import_jobs DROP COLUMN bank_verified;

-- +goose Down
ALTER TABLE import_jobs ADD COLUMN bank_verified boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN import_jobs.bank_verified IS 'the operator ticked that the bank details come from the finance system of record';
