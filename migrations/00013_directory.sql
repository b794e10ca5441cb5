-- +goose Up
-- Indexes for the officers' provider directory (internal/directory) and dashboard, so a
-- search, a filter and each sort order stay fast at 100,000 providers. The directory pages
-- by keyset (the last row's sort key and id), so every sort order has a btree index on
-- exactly the expressions it orders by, ending in the id; the expressions below are
-- repeated word for word in internal/directory/query.go, and a test there checks that the
-- planner can use each index.

-- Trigram indexes make "name contains" (ILIKE '%...%') an index search. pg_trgm is in
-- PostgreSQL's contrib and is a trusted extension: a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Name search: the legal name, trading name and registered name as one text.
CREATE INDEX organisations_directory_search ON organisations
    USING gin ((coalesce(legal_name, '') || ' ' || coalesce(trading_name, '') || ' ' || name) gin_trgm_ops);

-- Sort by name (the legal name once given, else the name given at registration).
CREATE INDEX organisations_directory_name ON organisations ((lower(coalesce(nullif(legal_name, ''), name))), id);

-- Sort by status, in workflow order, then name; and a status filter with the name order.
CREATE INDEX organisations_directory_status_rank ON organisations ((CASE status
    WHEN 'draft' THEN 1 WHEN 'submitted' THEN 2 WHEN 'resubmitted' THEN 3 WHEN 'changes_requested' THEN 4
    WHEN 'approved' THEN 5 WHEN 'suspended' THEN 6 WHEN 'rejected' THEN 7 ELSE 8 END),
    (lower(coalesce(nullif(legal_name, ''), name))), id);
CREATE INDEX organisations_directory_status_name ON organisations (status, (lower(coalesce(nullif(legal_name, ''), name))), id);

-- Sort by last updated, newest first (the index is read backwards).
CREATE INDEX organisations_directory_updated ON organisations (updated_at, id);

-- Identifier search: each column holds the one normalised form internal/ukid returns, so
-- a search is an equality (the postcode also a prefix, for an outward code like "NN1").
CREATE INDEX organisations_directory_postcode ON organisations (postcode text_pattern_ops);
CREATE INDEX organisations_directory_vat ON organisations (vat_number);
CREATE INDEX organisations_directory_company ON organisations (companies_house_number);
CREATE INDEX organisations_directory_cqc ON organisations (cqc_provider_id);
CREATE INDEX organisations_directory_ofsted ON organisations USING gin (ofsted_urns);
CREATE INDEX organisations_directory_categories ON organisations USING gin (service_categories);

-- Filter by Ofsted judgement or CQC rating: a containment search in the regulation section,
-- the approved answers where there are some, else the working ones.
CREATE INDEX provider_sections_directory_ratings ON provider_sections
    USING gin ((coalesce(approved_data, data)) jsonb_path_ops) WHERE section = 'regulation';

-- Filter by the framework or procurement route of any of the provider's contracts.
CREATE INDEX contracts_directory_framework ON contracts (framework_name, organisation_id);
CREATE INDEX contracts_directory_route ON contracts (procurement_route, organisation_id);

-- +goose Down
DROP INDEX contracts_directory_route;
DROP INDEX contracts_directory_framework;
DROP INDEX provider_sections_directory_ratings;
DROP INDEX organisations_directory_categories;
DROP INDEX organisations_directory_ofsted;
DROP INDEX organisations_directory_cqc;
DROP INDEX organisations_directory_company;
DROP INDEX organisations_directory_vat;
DROP INDEX organisations_directory_postcode;
DROP INDEX organisations_directory_updated;
DROP INDEX organisations_directory_status_name;
DROP INDEX organisations_directory_status_rank;
DROP INDEX organisations_directory_name;
DROP INDEX organisations_directory_search;
DROP EXTENSION IF EXISTS pg_trgm;
