-- A section can be saved part-done ("Save as draft"): the draft is kept beside the checked
-- answers, never replaces them, and is never reviewed or published. The section shows as
-- "In progress" while a draft exists; "Save and continue" checks the draft in full and
-- clears it.
--
-- Certificates uploaded with a save that was refused (another answer on the page was wrong)
-- are kept as the organisation's pending uploads, so nobody uploads a file twice. A save that
-- names one claims it; one never used is deleted by the daily tidy-up after a day.

-- Each submission keeps a copy of the record as sent, in words (masked as the provider saw
-- it), so the provider can print or download exactly what was sent, when and by whom.

-- +goose Up
ALTER TABLE provider_status_history ADD COLUMN record jsonb;

ALTER TABLE provider_sections
    ADD COLUMN draft_data jsonb,
    ADD COLUMN draft_saved_at timestamptz;

CREATE TABLE provider_pending_uploads (
    document_id     uuid PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    policy_kind     text NOT NULL,
    filename        text NOT NULL,
    uploaded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provider_pending_uploads_org ON provider_pending_uploads (organisation_id);
CREATE INDEX provider_pending_uploads_age ON provider_pending_uploads (uploaded_at);

-- +goose Down
ALTER TABLE provider_status_history DROP COLUMN record;
DROP TABLE provider_pending_uploads;
ALTER TABLE provider_sections DROP COLUMN draft_saved_at, DROP COLUMN draft_data;
