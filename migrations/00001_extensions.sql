-- +goose Up
-- pgcrypto gives gen_random_uuid() on PostgreSQL 12 and digest() for the audit hash chain.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS citext;

-- +goose Down
DROP EXTENSION IF EXISTS citext;
DROP EXTENSION IF EXISTS pgcrypto;
