-- +goose Up
-- People's rights over their data (UK GDPR articles 13, 15 and 16): privacy notices drafted
-- and published by the data protection officer, subject access requests with their
-- deadlines, searches, exports and what was disclosed, and requests to correct data.

-- A draft notice has no version number until it is published, so published versions stay
-- 1, 2, 3 ... whatever drafts came and went (privacy.PublishDraft numbers it). One draft
-- per audience at a time: the officer edits it rather than starting another.
ALTER TABLE privacy_notices ALTER COLUMN version DROP NOT NULL;
ALTER TABLE privacy_notices ADD CONSTRAINT privacy_notices_numbered_when_published
    CHECK ((status = 'published') = (version IS NOT NULL AND published_at IS NOT NULL));
ALTER TABLE privacy_notices ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX privacy_notices_one_draft ON privacy_notices (audience) WHERE status = 'draft';
COMMENT ON COLUMN privacy_notices.version IS 'NULL while a draft; the next number when published';

-- Subject access requests (article 15). due_on is one calendar month after received_on,
-- plus any extension (up to two further months in all, article 12(3)); it is kept here so
-- lists can sort and filter by it, and recomputed from received_on at each extension.
CREATE SEQUENCE sar_reference_seq START 1;
CREATE TABLE sar_requests (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number             bigint NOT NULL UNIQUE DEFAULT nextval('sar_reference_seq'),
    reference          text GENERATED ALWAYS AS ('SAR-' || CASE WHEN number < 10000 THEN lpad(number::text, 4, '0') ELSE number::text END) STORED,
    requester_name     text NOT NULL CHECK (length(requester_name) BETWEEN 1 AND 200),
    requester_email    citext NOT NULL DEFAULT '' CHECK (length(requester_email) <= 254),
    requester_phone    text NOT NULL DEFAULT '' CHECK (length(requester_phone) <= 30),
    identity_method    text NOT NULL CHECK (identity_method IN
                           ('known_email','photo_id','documents','known_in_person','representative','not_verified')),
    identity_notes     text NOT NULL DEFAULT '' CHECK (length(identity_notes) <= 2000),
    received_on        date NOT NULL,
    due_on             date NOT NULL,
    extension_months   int NOT NULL DEFAULT 0 CHECK (extension_months BETWEEN 0 AND 2),
    status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
    outcome            text CHECK (outcome IN
                           ('disclosed','disclosed_in_part','nothing_held','withdrawn','refused','identity_not_confirmed')),
    outcome_notes      text NOT NULL DEFAULT '' CHECK (length(outcome_notes) <= 2000),
    closed_on          date,
    closed_by          uuid REFERENCES users(id) ON DELETE SET NULL,
    closed_by_name     text NOT NULL DEFAULT '',
    registered_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    registered_by_name text NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    version            int NOT NULL DEFAULT 1,
    CONSTRAINT sar_closed_with_outcome CHECK ((status = 'closed') = (outcome IS NOT NULL AND closed_on IS NOT NULL)),
    CONSTRAINT sar_due_after_received CHECK (due_on > received_on)
);
CREATE INDEX sar_requests_status_due ON sar_requests (status, due_on);

-- Each extension of a request's deadline, with the reason the requester must be told.
CREATE TABLE sar_extensions (
    id          bigserial PRIMARY KEY,
    request_id  uuid NOT NULL REFERENCES sar_requests(id) ON DELETE CASCADE,
    months      int NOT NULL CHECK (months IN (1, 2)),
    reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    due_before  date NOT NULL,
    due_after   date NOT NULL,
    by_user     uuid REFERENCES users(id) ON DELETE SET NULL,
    by_name     text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sar_extensions_request ON sar_extensions (request_id, at);

-- What was disclosed and when: one row per export produced for a request. categories
-- holds counts per kind of record, never the records; sha256 identifies the exact ZIP file
-- and is filled in once the last byte was written (a row without it is an export that did
-- not finish).
CREATE TABLE sar_disclosures (
    id            bigserial PRIMARY KEY,
    request_id    uuid NOT NULL REFERENCES sar_requests(id) ON DELETE CASCADE,
    criteria      jsonb NOT NULL,
    categories    jsonb NOT NULL,
    filename      text NOT NULL,
    sha256        text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    bytes         bigint,
    by_user       uuid REFERENCES users(id) ON DELETE SET NULL,
    by_name       text NOT NULL DEFAULT '',
    at            timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz
);
CREATE INDEX sar_disclosures_request ON sar_disclosures (request_id, at);

-- A subject access search finds the documents a person uploaded. (The audit trail is
-- searched by actor, object and lower(actor_email), which have indexes of their own.)
CREATE INDEX documents_uploaded_by ON documents (uploaded_by);

-- Requests to correct personal data (article 16) that the person cannot correct in the
-- portal themselves, made by a provider user and handled by the data protection officer or
-- a commissioning officer. The requester is told the outcome by email.
CREATE SEQUENCE rectification_reference_seq START 1;
CREATE TABLE rectification_requests (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number           bigint NOT NULL UNIQUE DEFAULT nextval('rectification_reference_seq'),
    reference        text GENERATED ALWAYS AS ('COR-' || CASE WHEN number < 10000 THEN lpad(number::text, 4, '0') ELSE number::text END) STORED,
    requested_by     uuid REFERENCES users(id) ON DELETE SET NULL,
    requester_name   text NOT NULL,
    requester_email  citext NOT NULL,
    organisation_id  uuid REFERENCES organisations(id) ON DELETE SET NULL,
    location         text NOT NULL CHECK (length(location) BETWEEN 1 AND 1000),
    what_is_wrong    text NOT NULL CHECK (length(what_is_wrong) BETWEEN 1 AND 5000),
    should_say       text NOT NULL CHECK (length(should_say) BETWEEN 1 AND 5000),
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open','in_progress','resolved','refused')),
    outcome          text NOT NULL DEFAULT '' CHECK (length(outcome) <= 5000),
    handled_by       uuid REFERENCES users(id) ON DELETE SET NULL,
    handled_by_name  text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    closed_at        timestamptz,
    version          int NOT NULL DEFAULT 1,
    CONSTRAINT rectification_closed_with_outcome CHECK
        ((status IN ('resolved','refused')) = (closed_at IS NOT NULL AND outcome <> ''))
);
CREATE INDEX rectification_requests_requester ON rectification_requests (requested_by, created_at);
CREATE INDEX rectification_requests_status ON rectification_requests (status, created_at);

-- +goose Down
DROP TABLE rectification_requests;
DROP SEQUENCE rectification_reference_seq;
DROP INDEX documents_uploaded_by;
DROP TABLE sar_disclosures;
DROP TABLE sar_extensions;
DROP TABLE sar_requests;
DROP SEQUENCE sar_reference_seq;
DROP INDEX privacy_notices_one_draft;
ALTER TABLE privacy_notices DROP COLUMN updated_at;
ALTER TABLE privacy_notices DROP CONSTRAINT privacy_notices_numbered_when_published;
DELETE FROM privacy_notices WHERE status = 'draft';
ALTER TABLE privacy_notices ALTER COLUMN version SET NOT NULL;
