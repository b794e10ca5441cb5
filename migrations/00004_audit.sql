-- +goose Up
-- Append-only audit trail. Each row's hash covers its content and the previous row's hash,
-- so changing or removing a row breaks the chain from there on; `portal audit verify`
-- recomputes it. UPDATE, DELETE and TRUNCATE are refused by triggers.
CREATE TABLE audit_events (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id    uuid,
    actor_email text NOT NULL DEFAULT '',
    actor_role  text NOT NULL DEFAULT '',
    action      text NOT NULL,
    object_type text NOT NULL DEFAULT '',
    object_id   text NOT NULL DEFAULT '',
    ip          text NOT NULL DEFAULT '',
    request_id  text NOT NULL DEFAULT '',
    summary     jsonb NOT NULL DEFAULT '{}',
    prev_hash   bytea,
    hash        bytea NOT NULL
);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id, at);
CREATE INDEX audit_events_action ON audit_events (action, at);
COMMENT ON TABLE audit_events IS 'append-only; hash = sha256(prev_hash || audit_payload(row))';

-- +goose StatementBegin
CREATE FUNCTION audit_payload(e audit_events) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT convert_to(concat_ws(E'\x1f',
        e.id::text, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        coalesce(e.actor_id::text, ''), e.actor_email, e.actor_role, e.action,
        e.object_type, e.object_id, e.ip, e.request_id, e.summary::text), 'UTF8')
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION audit_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- One writer at a time until commit, so ids and the chain follow commit order.
    PERFORM pg_advisory_xact_lock(7243001);
    -- The defaults were drawn before the lock: draw id and time again so both follow commit order.
    NEW.id := nextval(pg_get_serial_sequence('audit_events', 'id'));
    NEW.at := clock_timestamp();
    SELECT hash INTO NEW.prev_hash FROM audit_events ORDER BY id DESC LIMIT 1;
    NEW.hash := digest(coalesce(NEW.prev_hash, ''::bytea) || audit_payload(NEW), 'sha256');
    RETURN NEW;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
-- +goose StatementEnd

CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_chain();
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- +goose Down
DROP FUNCTION audit_payload(audit_events);
DROP TABLE audit_events;
DROP FUNCTION audit_refuse_change();
DROP FUNCTION audit_chain();
