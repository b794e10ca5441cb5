-- +goose Up
-- The provider record. The organisation row carries the workflow status and a few columns
-- copied from the sections for searching; each section of the record is a typed document
-- (internal/provider) in provider_sections, with the approved copy kept beside the working
-- one so that an edit after approval waits for an officer while the approved one stays in force.
CREATE SEQUENCE supplier_ref_seq START 1001;

ALTER TABLE organisations
    ADD COLUMN status text NOT NULL DEFAULT 'draft' CHECK (status IN
        ('draft','submitted','changes_requested','resubmitted','approved','rejected','suspended')),
    ADD COLUMN version int NOT NULL DEFAULT 1,
    ADD COLUMN supplier_ref text UNIQUE,
    ADD COLUMN submitted_at timestamptz,
    ADD COLUMN decided_at timestamptz,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN legal_name text,
    ADD COLUMN trading_name text,
    ADD COLUMN postcode text,
    ADD COLUMN vat_number text,
    ADD COLUMN companies_house_number text,
    ADD COLUMN charity_number text,
    ADD COLUMN ofsted_urns text[] NOT NULL DEFAULT '{}',
    ADD COLUMN cqc_provider_id text,
    ADD COLUMN service_categories text[] NOT NULL DEFAULT '{}';
UPDATE organisations SET supplier_ref = 'SUP' || nextval('supplier_ref_seq') WHERE supplier_ref IS NULL;
ALTER TABLE organisations ALTER COLUMN supplier_ref SET DEFAULT 'SUP' || nextval('supplier_ref_seq');
ALTER TABLE organisations ALTER COLUMN supplier_ref SET NOT NULL;
CREATE INDEX organisations_status ON organisations (status, submitted_at);
COMMENT ON COLUMN organisations.legal_name IS 'copied from the organisation section for search; the section is the record';

CREATE TABLE provider_sections (
    organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    section         text NOT NULL,
    data            jsonb NOT NULL,
    approved_data   jsonb,
    completed       boolean NOT NULL DEFAULT false,
    pending_review  boolean NOT NULL DEFAULT false,
    version         int NOT NULL DEFAULT 1,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    PRIMARY KEY (organisation_id, section)
);
CREATE INDEX provider_sections_pending ON provider_sections (updated_at) WHERE pending_review;
COMMENT ON COLUMN provider_sections.data IS 'the working copy; secrets (bank account, DBS numbers) are sealed by internal/vault';
COMMENT ON COLUMN provider_sections.approved_data IS 'the copy in force since the last approval or accepted change';

CREATE TABLE provider_status_history (
    id              bigserial PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    from_status     text,
    to_status       text NOT NULL,
    reason          text NOT NULL DEFAULT '',
    by_user         uuid REFERENCES users(id) ON DELETE SET NULL,
    by_name         text NOT NULL DEFAULT '',
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provider_status_history_org ON provider_status_history (organisation_id, at);

CREATE TABLE provider_section_comments (
    id              bigserial PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    section         text NOT NULL,
    comment         text NOT NULL,
    by_user         uuid REFERENCES users(id) ON DELETE SET NULL,
    by_name         text NOT NULL DEFAULT '',
    at              timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz
);
CREATE INDEX provider_section_comments_org ON provider_section_comments (organisation_id, section, at);

-- Uploaded files (insurance certificates, policies). Kept in PostgreSQL behind
-- internal/document's Store interface, so an object store can replace it.
CREATE TABLE documents (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind            text NOT NULL,
    filename        text NOT NULL,
    content_type    text NOT NULL CHECK (content_type IN ('application/pdf','image/png','image/jpeg')),
    size_bytes      int NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 10485760),
    sha256          bytea NOT NULL,
    content         bytea NOT NULL,
    uploaded_by     uuid REFERENCES users(id) ON DELETE SET NULL,
    uploaded_at     timestamptz NOT NULL DEFAULT now(),
    expires_on      date
);
CREATE INDEX documents_org ON documents (organisation_id, kind);

-- Invitations to join an organisation, by email, for people who may not have an account yet.
CREATE TABLE membership_invitations (
    token_hash      bytea PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    email           citext NOT NULL,
    invited_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    accepted_at     timestamptz
);
CREATE INDEX membership_invitations_org ON membership_invitations (organisation_id);

-- +goose Down
DROP TABLE membership_invitations;
DROP TABLE documents;
DROP TABLE provider_section_comments;
DROP TABLE provider_status_history;
DROP TABLE provider_sections;
ALTER TABLE organisations DROP COLUMN status, DROP COLUMN version, DROP COLUMN supplier_ref,
    DROP COLUMN submitted_at, DROP COLUMN decided_at, DROP COLUMN updated_at, DROP COLUMN legal_name,
    DROP COLUMN trading_name, DROP COLUMN postcode, DROP COLUMN vat_number, DROP COLUMN companies_house_number,
    DROP COLUMN charity_number, DROP COLUMN ofsted_urns, DROP COLUMN cqc_provider_id, DROP COLUMN service_categories;
DROP SEQUENCE supplier_ref_seq;
