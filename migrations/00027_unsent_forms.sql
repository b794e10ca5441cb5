-- Forms sent after their session had timed out. The values wait here, sealed with the data
-- key, for the person who typed them to sign in again and check them; nothing in them has
-- been applied. Rows live an hour: the session-expiry job, each new row and each restore
-- delete those past expires_at; a user's rows go with the user.

-- +goose Up
CREATE TABLE unsent_forms (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_hash  bytea NOT NULL,
    method        text NOT NULL CHECK (method IN ('POST', 'PUT', 'PATCH', 'DELETE')),
    path          text NOT NULL CHECK (length(path) BETWEEN 1 AND 500),
    form_path     text NOT NULL CHECK (length(form_path) BETWEEN 1 AND 500),
    values_sealed text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX unsent_forms_user ON unsent_forms (user_id);
CREATE INDEX unsent_forms_expires_at ON unsent_forms (expires_at);
COMMENT ON TABLE unsent_forms IS 'Forms sent after their session timed out, kept sealed for their owner to check and send again; deleted when shown or after expires_at';
COMMENT ON COLUMN unsent_forms.session_hash IS 'SHA-256 of the timed-out session''s token, for the record only: the row is matched to its owner by user_id';
COMMENT ON COLUMN unsent_forms.values_sealed IS 'The form''s values as JSON, sealed by the vault bound to the row''s user and path; passwords, codes, the CSRF token and files are never kept';

-- Signed-in sessions that timed out, remembered for a working day by the hash of the CSRF
-- token their pages carried: a form from such a page, sent after the session row is gone
-- (the hourly clean-up, or another tab reached the timeout first), is still known to be that
-- person's, and is kept for them. Sessions ended on purpose (signing out, by an
-- administrator, a new password) leave nothing here.
CREATE TABLE ended_sessions (
    csrf_hash  bytea PRIMARY KEY,
    token_hash bytea NOT NULL,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ended_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ended_sessions_ended_at ON ended_sessions (ended_at);
COMMENT ON TABLE ended_sessions IS 'Signed-in sessions that timed out, by the SHA-256 of their CSRF token, so a form sent from one of their pages can be kept for its owner; deleted after a day';

-- +goose Down
DROP TABLE ended_sessions;
DROP TABLE unsent_forms;
