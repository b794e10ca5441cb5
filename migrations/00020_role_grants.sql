-- Council roles are granted by two administrators: one asks, another approves. No one
-- changes their own roles, so an administrator cannot give themselves finance (bank
-- details) or officer and dpo (DBS records). Taking a role away applies at once.

-- +goose Up
CREATE TABLE role_grants (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- new_account: the account was made by an administrator and stays disabled, with no
    -- invitation sent, until approved; roles: staff roles added to an existing account.
    kind              text NOT NULL CHECK (kind IN ('new_account', 'roles')),
    add_roles         text[] NOT NULL CHECK (cardinality(add_roles) >= 1 AND add_roles <@ ARRAY['officer','finance','dpo','admin']),
    -- remove_roles are taken away on approval, with the new ones, when taking them away at
    -- once would have left the account with no role at all.
    remove_roles      text[] NOT NULL DEFAULT '{}',
    requested_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    requested_by_name text NOT NULL,
    requested_at      timestamptz NOT NULL DEFAULT now(),
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by        uuid REFERENCES users (id) ON DELETE SET NULL,
    decided_by_name   text,
    decided_at        timestamptz,
    CONSTRAINT role_grants_not_self CHECK (requested_by IS NULL OR requested_by <> user_id),
    CONSTRAINT role_grants_second_person CHECK (decided_by IS NULL OR (decided_by <> user_id
        AND (requested_by IS NULL OR decided_by <> requested_by) OR status = 'rejected')),
    CONSTRAINT role_grants_decided CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX role_grants_one_pending ON role_grants (user_id) WHERE status = 'pending';
COMMENT ON TABLE role_grants IS 'staff roles asked for by one administrator and approved by another (internal/auth/role_grant.go)';

-- +goose Down
DROP TABLE role_grants;
