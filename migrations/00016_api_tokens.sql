-- +goose Up
-- Bearer tokens for the JSON API (/api/v1), which the council's other systems call. An
-- administrator makes each one with a name, the scopes it may use and an expiry; the secret
-- is shown once and only its SHA-256 is kept, so a copy of this table hands out no live
-- token. The prefix is the secret's public start: it finds the row and names the token in
-- the admin pages, the logs and the audit trail.
CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix       text NOT NULL UNIQUE CHECK (prefix ~ '^pp_[a-z2-7]{8}$'),
    secret_hash  bytea NOT NULL CHECK (length(secret_hash) = 32),
    scopes       text[] NOT NULL CHECK (
                     cardinality(scopes) >= 1
                     AND scopes <@ ARRAY['providers:read','contracts:read','payments:read']),
    created_by   uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    revoked_by   uuid REFERENCES users(id) ON DELETE SET NULL,
    CONSTRAINT api_tokens_expiry_after_creation CHECK (expires_at > created_at),
    CONSTRAINT api_tokens_at_most_a_year CHECK (expires_at <= created_at + interval '1 year 2 days')
);
CREATE INDEX api_tokens_created ON api_tokens (created_at DESC);
COMMENT ON TABLE api_tokens IS 'API bearer tokens; the secret is pp_<prefix>_<random>, stored as sha256 only';
COMMENT ON COLUMN api_tokens.scopes IS 'the fixed list in internal/apitoken (Scopes); a new scope needs a migration here too';
COMMENT ON COLUMN api_tokens.expires_at IS 'the start of the day after the expiry date the administrator chose, UK time';
COMMENT ON COLUMN api_tokens.last_used_at IS 'updated at most once a minute, so a busy client does not write on every request';

-- +goose Down
DROP TABLE api_tokens;
