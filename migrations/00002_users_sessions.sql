-- +goose Up
-- People who sign in. Staff roles need TOTP; provider users belong to organisations.
CREATE TABLE users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email           citext NOT NULL UNIQUE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    password_hash   text NOT NULL,
    roles           text[] NOT NULL CHECK (
                        cardinality(roles) >= 1
                        AND roles <@ ARRAY['provider','officer','finance','dpo','admin']
                        AND NOT (roles @> ARRAY['provider'] AND cardinality(roles) > 1)),
    totp_secret     text,          -- sealed by internal/vault
    totp_last_step  bigint NOT NULL DEFAULT 0,
    email_confirmed_at timestamptz,
    disabled_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         int NOT NULL DEFAULT 1
);
COMMENT ON COLUMN users.roles IS 'provider excludes every staff role; staff may hold several (segregation of duties is enforced per action)';
COMMENT ON COLUMN users.totp_last_step IS 'the last TOTP time step accepted, so a code cannot be replayed';

-- A provider organisation: the supplier the council buys from. The provider record hangs off it.
CREATE TABLE organisations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    user_id          uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organisation_id  uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, organisation_id)
);
CREATE INDEX memberships_organisation ON memberships (organisation_id);

-- Server-side sessions. The cookie holds a random token; only its SHA-256 is stored, so a
-- leaked table does not hand out live sessions.
CREATE TABLE sessions (
    token_hash      bytea PRIMARY KEY,
    user_id         uuid REFERENCES users(id) ON DELETE CASCADE,
    stage           text NOT NULL CHECK (stage IN ('anonymous','mfa','enrol','full')),
    csrf_token      text NOT NULL,
    organisation_id uuid REFERENCES organisations(id) ON DELETE SET NULL,
    pending_totp_secret text,      -- sealed; set while enrolling
    stepped_up_at   timestamptz,
    flash           text,
    ip              inet,
    user_agent      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
COMMENT ON COLUMN sessions.stage IS 'anonymous: a visitor with a CSRF token; mfa/enrol: password checked, second factor due; full: signed in';

-- Sign-in attempts, for throttling per account and per address.
CREATE TABLE signin_attempts (
    id          bigserial PRIMARY KEY,
    email       citext NOT NULL,
    ip          inet,
    succeeded   boolean NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signin_attempts_email_at ON signin_attempts (email, at);
CREATE INDEX signin_attempts_ip_at ON signin_attempts (ip, at);

-- Single-use links (password reset, email confirmation). Only the hash is kept.
CREATE TABLE one_time_tokens (
    token_hash  bytea PRIMARY KEY,
    purpose     text NOT NULL CHECK (purpose IN ('password_reset','email_confirmation','invitation')),
    user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

-- +goose Down
DROP TABLE one_time_tokens;
DROP TABLE signin_attempts;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE organisations;
DROP TABLE users;
