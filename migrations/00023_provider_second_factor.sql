-- Providers see DBS records and ask for bank changes, so they too give a second factor at
-- sign-in: a code from an authenticator app, or a one-time code emailed to them. A session
-- waiting for the emailed code is at stage 'code'; the code is a one-time token bound to
-- that session.

-- +goose Up
ALTER TABLE sessions DROP CONSTRAINT sessions_stage_check,
    ADD CONSTRAINT sessions_stage_check CHECK (stage IN ('anonymous', 'mfa', 'enrol', 'code', 'full'));
COMMENT ON COLUMN sessions.stage IS 'anonymous: a visitor with a CSRF token; mfa/enrol/code: password checked, second factor due (app code, app to set up, emailed code); full: signed in';
ALTER TABLE one_time_tokens DROP CONSTRAINT one_time_tokens_purpose_check,
    ADD CONSTRAINT one_time_tokens_purpose_check CHECK (purpose IN ('password_reset', 'email_confirmation', 'invitation', 'signin_code'));

-- +goose Down
DELETE FROM one_time_tokens WHERE purpose = 'signin_code';
ALTER TABLE one_time_tokens DROP CONSTRAINT one_time_tokens_purpose_check,
    ADD CONSTRAINT one_time_tokens_purpose_check CHECK (purpose IN ('password_reset', 'email_confirmation', 'invitation'));
DELETE FROM sessions WHERE stage = 'code';
ALTER TABLE sessions DROP CONSTRAINT sessions_stage_check,
    ADD CONSTRAINT sessions_stage_check CHECK (stage IN ('anonymous', 'mfa', 'enrol', 'full'));
