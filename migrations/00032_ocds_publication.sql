-- Publishing OCDS as open data (issue 15, items 8 to 10):
--
-- * contract_documents.public: an officer marks a contract document public when attaching
--   it (or later); only public documents are linked from the open data, which anyone may
--   download without signing in. Existing documents stay private.
-- * ocds_releases is the publication log: every distinct release of a published contract,
--   kept the first time the portal serves it. A release's id is a hash of its content, so a
--   change makes a new release and the log keeps the history a record package lists.

-- +goose Up
ALTER TABLE contract_documents ADD COLUMN public boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN contract_documents.public IS 'whether the open data links the document, for anyone to download';

CREATE TABLE ocds_releases (
    id          text PRIMARY KEY,
    ocid        text NOT NULL,
    contract_id uuid NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    date        timestamptz NOT NULL,
    tag         text[] NOT NULL,
    release     jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ocds_releases_ocid ON ocds_releases (ocid, date, id);
CREATE INDEX ocds_releases_contract ON ocds_releases (contract_id);
COMMENT ON TABLE ocds_releases IS 'every distinct OCDS release the portal has published, for record packages';

-- +goose Down
DROP TABLE ocds_releases;
ALTER TABLE contract_documents DROP COLUMN public;
