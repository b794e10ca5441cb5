-- Requests that make the portal send an email to an address someone typed (a password
-- reset, a registration), so both can be limited per address and per client without
-- saying whether the address has an account. Rows older than a day are deleted as new
-- ones arrive.

-- +goose Up
CREATE TABLE email_requests (
    id    bigserial PRIMARY KEY,
    kind  text NOT NULL CHECK (kind IN ('password_reset', 'registration')),
    email citext NOT NULL,
    ip    inet,
    at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_requests_ip_at ON email_requests (ip, at);
CREATE INDEX email_requests_email_at ON email_requests (email, at);

-- +goose Down
DROP TABLE email_requests;
