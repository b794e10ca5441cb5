-- +goose Up
-- Before a subject access export, the data protection officer decides on every record the
-- search found: about the requester (included, perhaps with other people's details in it
-- redacted) or left out, and why. One row per request and record; hit_key names the record
-- as the search finds it (its id, or a digest of everything shown of it), so a record that
-- has changed since is a new record needing a new decision. description says what kind of
-- record it was and where, never whose: what was left out is about other people, and the
-- case keeps the reason, not their details.
CREATE TABLE sar_decisions (
    id               bigserial PRIMARY KEY,
    request_id       uuid NOT NULL REFERENCES sar_requests(id) ON DELETE CASCADE,
    hit_key          text NOT NULL CHECK (length(hit_key) BETWEEN 1 AND 200),
    category         text NOT NULL CHECK (category IN ('user_accounts','provider_contacts','dbs_records','documents',
                         'emails_sent','audit_events','correction_requests')),
    description      text NOT NULL CHECK (length(description) <= 500),
    decision         text NOT NULL CHECK (decision IN ('include','other_person','not_personal_data')),
    -- The fields of an included record replaced by "[redacted: third party]" in the export.
    redacted_fields  text[] NOT NULL DEFAULT '{}',
    by_user          uuid REFERENCES users(id) ON DELETE SET NULL,
    by_name          text NOT NULL DEFAULT '',
    at               timestamptz NOT NULL DEFAULT now(),
    version          int NOT NULL DEFAULT 1,
    CONSTRAINT sar_decisions_one_per_record UNIQUE (request_id, hit_key),
    CONSTRAINT sar_decisions_redact_only_included CHECK (decision = 'include' OR redacted_fields = '{}')
);

-- What each export left out and redacted, as counts by reason, beside the counts of what
-- went out.
ALTER TABLE sar_disclosures ADD COLUMN withheld jsonb NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE sar_disclosures DROP COLUMN withheld;
DROP TABLE sar_decisions;
