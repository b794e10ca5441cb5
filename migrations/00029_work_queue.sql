-- The "Your work" page and its email: each staff user's choice of email about new work
-- (at once, a daily digest, or none) and how far the mails have reached, and the indexes
-- that let each capability list and count its waiting items without scanning.

-- +goose Up
CREATE TABLE work_email_preferences (
    user_id        uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    frequency      text NOT NULL CHECK (frequency IN ('immediate','daily','none')),
    -- Only work on the providers whose contracts the person manages (an officer's choice).
    mine_only      boolean NOT NULL DEFAULT false,
    -- Work that arrived up to this instant has been mailed (or was waiting before the user
    -- chose); the next mail covers work that arrived after it.
    notified_until timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX work_email_preferences_due ON work_email_preferences (frequency, notified_until) WHERE frequency <> 'none';
COMMENT ON TABLE work_email_preferences IS 'internal/workqueue: a staff user''s choice of email about new work; no row means the daily digest';

-- "My contracts / my providers": contracts an officer manages.
CREATE INDEX contracts_manager ON contracts (manager_id, organisation_id) WHERE manager_id IS NOT NULL;
-- Waiting items, oldest first. The included columns are the ones the counts filter on, so
-- counting reads the index alone (the navigation counts on every page, kept 30 seconds).
CREATE INDEX monitoring_returns_waiting ON monitoring_returns (updated_at, id) INCLUDE (kpi_id, submitted_by) WHERE status IN ('submitted','answered');
CREATE INDEX qa_actions_completed ON qa_actions (updated_at, id) INCLUDE (organisation_id) WHERE status = 'completed';
DROP INDEX provider_sections_pending;
CREATE INDEX provider_sections_pending ON provider_sections (updated_at) INCLUDE (organisation_id, updated_by) WHERE pending_review;
CREATE INDEX bank_detail_changes_waiting ON bank_detail_changes ((coalesce(verified_at, requested_at)), id) WHERE status IN ('pending_verification','verified');
CREATE INDEX role_grants_pending ON role_grants (requested_at, id) WHERE status = 'pending';

-- +goose Down
DROP INDEX role_grants_pending;
DROP INDEX bank_detail_changes_waiting;
DROP INDEX provider_sections_pending;
CREATE INDEX provider_sections_pending ON provider_sections (updated_at) WHERE pending_review;
DROP INDEX qa_actions_completed;
DROP INDEX monitoring_returns_waiting;
DROP INDEX contracts_manager;
DROP TABLE work_email_preferences;
