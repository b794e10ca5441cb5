-- What an officer needs to review a record quickly and safely (issue 14, item 10):
--
-- * decided_data keeps each section's answers as they stood at the last decision on the
--   record or the section (changes requested, approved, rejected, a held change accepted or
--   declined), so the review page can show a resubmission as only what changed since. Like
--   data it holds secrets only sealed; DestroyStaffRecords removes members of staff from it
--   as from the other two copies.
-- * accepted_at/accepted_by/accepted_by_name record an officer accepting one section of a
--   record under review; the acceptance goes when the provider changes the section, when an
--   officer comments on it, and when the record is decided.
-- * provider_section_comment_replies holds a provider's replies to an officer's comment on a
--   section, so the conversation sits beside the section on both sides.

-- +goose Up
ALTER TABLE provider_sections
    ADD COLUMN decided_data jsonb,
    ADD COLUMN accepted_at timestamptz,
    ADD COLUMN accepted_by uuid REFERENCES users(id) ON DELETE SET NULL,
    ADD COLUMN accepted_by_name text;
UPDATE provider_sections SET decided_data = approved_data WHERE approved_data IS NOT NULL;
COMMENT ON COLUMN provider_sections.decided_data IS 'the answers as they stood at the last decision on the record or the section; the review page shows what changed since';
COMMENT ON COLUMN provider_sections.accepted_at IS 'when an officer accepted this section of a record under review; cleared when the section changes or the record is decided';

CREATE TABLE provider_section_comment_replies (
    id              bigserial PRIMARY KEY,
    comment_id      bigint NOT NULL REFERENCES provider_section_comments(id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    reply           text NOT NULL CHECK (length(reply) > 0),
    by_user         uuid REFERENCES users(id) ON DELETE SET NULL,
    by_name         text NOT NULL DEFAULT '',
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provider_section_comment_replies_comment ON provider_section_comment_replies (comment_id, at);
CREATE INDEX provider_section_comment_replies_org ON provider_section_comment_replies (organisation_id);
COMMENT ON TABLE provider_section_comment_replies IS 'a provider''s replies to an officer''s comment on a section (internal/provider)';

-- +goose Down
DROP TABLE provider_section_comment_replies;
ALTER TABLE provider_sections DROP COLUMN accepted_by_name, DROP COLUMN accepted_by, DROP COLUMN accepted_at, DROP COLUMN decided_data;
