-- A keyed seal on every audit event, and checkpoints of the chain's head. The hash chain
-- alone can be rebuilt by anyone who controls the database (rewrite a row, recompute every
-- later hash); the seal is an HMAC of each event's hash under PORTAL_AUDIT_KEY, which lives
-- in the portal's configuration and never in the database, so a rebuilt chain no longer
-- matches its seals. Events recorded before this migration have no seal; every event after
-- the first sealed one must have one. The checkpoints record the head of the chain, sealed
-- the same way, and are also written to the log and emailed to the data protection officer
-- daily, so events removed from the end of the trail are found by `portal audit verify
-- --checkpoint` with a copy kept outside the database.

-- +goose Up
ALTER TABLE audit_events ADD COLUMN mac bytea;
COMMENT ON COLUMN audit_events.mac IS 'HMAC-SHA256(PORTAL_AUDIT_KEY, hash), written by the portal in the same transaction; NULL only before sealing began';

-- The one change allowed to an event: sealing it, once, in the transaction that recorded it.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.mac IS NULL AND NEW.mac IS NOT NULL
       AND (to_jsonb(NEW) - 'mac') = (to_jsonb(OLD) - 'mac') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
-- +goose StatementEnd

CREATE TABLE audit_checkpoints (
    id         bigserial PRIMARY KEY,
    event_id   bigint NOT NULL,
    event_hash bytea NOT NULL,
    events     bigint NOT NULL,
    made_at    timestamptz NOT NULL DEFAULT now(),
    mac        bytea NOT NULL
);
COMMENT ON TABLE audit_checkpoints IS 'the head of the audit chain, sealed with PORTAL_AUDIT_KEY; copies go to the log and the DPO by email (internal/audit/checkpoint.go)';

-- +goose Down
DROP TABLE audit_checkpoints;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
-- +goose StatementEnd
ALTER TABLE audit_events DROP COLUMN mac;
