-- +goose Up
-- Retention and destruction, the disclosure log and the breach register, and the anchor that
-- lets the oldest audit events expire without breaking the hash chain.
--
-- The categories of personal data, their default periods and how each is found and destroyed
-- are defined once, in internal/retention/categories.go; this schema only stores what the data
-- protection officer changed, what is proposed for destruction and what was destroyed.

-- The retention schedule as the DPO set it. A category with no row here uses its default
-- from internal/retention/categories.go, so the defaults live in one place.
CREATE TABLE retention_rules (
    category    text PRIMARY KEY,
    months      int NOT NULL CHECK (months BETWEEN 1 AND 1200),
    trigger     text NOT NULL,
    version     int NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  uuid REFERENCES users(id) ON DELETE SET NULL
);
COMMENT ON TABLE retention_rules IS 'overrides of the default rules in internal/retention/categories.go';

-- A legal hold stops destruction of anything of a provider organisation or a contract until it
-- is released. Contracts belong to another capability, so the contract id has no foreign key.
CREATE TABLE legal_holds (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    object_type      text NOT NULL CHECK (object_type IN ('organisation', 'contract')),
    object_id        uuid NOT NULL,
    reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    placed_by        uuid REFERENCES users(id) ON DELETE SET NULL,
    placed_by_name   text NOT NULL,
    placed_at        timestamptz NOT NULL DEFAULT now(),
    released_at      timestamptz,
    released_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    released_by_name text,
    release_reason   text CHECK (length(release_reason) <= 2000),
    CONSTRAINT release_is_whole CHECK ((released_at IS NULL) = (released_by_name IS NULL))
);
CREATE UNIQUE INDEX legal_holds_one_active ON legal_holds (object_type, object_id) WHERE released_at IS NULL;
CREATE INDEX legal_holds_placed ON legal_holds (placed_at);

-- What the daily sweep found due, one open proposal per category at a time, refreshed by each
-- sweep until the DPO approves it. Record categories list their items; bulk categories (logs
-- kept for a period) carry a cutoff instead.
CREATE TABLE retention_proposals (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    category        text NOT NULL,
    status          text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'destroyed', 'lapsed')),
    rule_months     int NOT NULL,
    rule_trigger    text NOT NULL,
    cutoff          timestamptz,
    item_count      int NOT NULL CHECK (item_count >= 0),
    proposed_at     timestamptz NOT NULL DEFAULT now(),
    refreshed_at    timestamptz NOT NULL DEFAULT now(),
    decided_at      timestamptz,
    approved_by     uuid REFERENCES users(id) ON DELETE SET NULL,
    destroyed_count int,
    version         int NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX retention_proposals_one_open ON retention_proposals (category) WHERE status = 'proposed';
CREATE INDEX retention_proposals_proposed ON retention_proposals (proposed_at);

CREATE TABLE retention_proposal_items (
    proposal_id     uuid NOT NULL REFERENCES retention_proposals(id) ON DELETE CASCADE,
    object_type     text NOT NULL,
    object_id       text NOT NULL,
    item_ref        text NOT NULL DEFAULT '',
    organisation_id uuid,
    contract_id     uuid,
    due_since       date NOT NULL,
    PRIMARY KEY (proposal_id, object_type, object_id, item_ref)
);
COMMENT ON TABLE retention_proposal_items IS 'identifiers only, never names; deleted when the proposal is carried out';

-- What was destroyed, under which rule, approved by whom. It holds no personal data of the
-- people whose records were destroyed: a category, a count and the rule, nothing that names them.
CREATE TABLE destruction_log (
    id           bigserial PRIMARY KEY,
    category     text NOT NULL,
    method       text NOT NULL CHECK (method IN ('deleted', 'anonymised')),
    destroyed    int NOT NULL CHECK (destroyed >= 0),
    rule_months  int NOT NULL,
    rule_trigger text NOT NULL,
    proposal_id  uuid REFERENCES retention_proposals(id) ON DELETE SET NULL,
    approved_by  uuid,
    destroyed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX destruction_log_at ON destruction_log (destroyed_at);
COMMENT ON TABLE destruction_log IS 'no personal data of data subjects: category, count, rule, approver id, time';
COMMENT ON COLUMN destruction_log.approved_by IS 'the approving user id, without a foreign key so the entry outlives the account';

-- The audit trail's anchor: when the oldest events expire, the hash of the last one removed is
-- kept here, and the chain is verified from it (audit.VerifyFromAnchor).
CREATE TABLE audit_anchor (
    id                bigserial PRIMARY KEY,
    last_removed_id   bigint NOT NULL,
    last_removed_hash bytea NOT NULL,
    last_removed_at   timestamptz NOT NULL,
    removed           bigint NOT NULL CHECK (removed > 0),
    cutoff            timestamptz NOT NULL,
    anchored_at       timestamptz NOT NULL DEFAULT now()
);

-- audit_expire removes the oldest events recorded before `before`, as one contiguous run from
-- the start of the trail, never the newest event (the next event must have one to link to),
-- and records the new anchor. It runs as the table's owner, the only role that may switch off
-- the append-only trigger, and only for the length of this statement: the table is locked
-- exclusively first, so no other session ever sees the trigger off or the trail half-cut.
-- +goose StatementBegin
CREATE FUNCTION audit_expire(before timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    last_id   bigint;
    last_hash bytea;
    last_at   timestamptz;
    newest    bigint;
    removed   bigint;
BEGIN
    LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE;
    SELECT max(id) INTO newest FROM audit_events;
    IF newest IS NULL THEN
        RETURN 0;
    END IF;
    -- Ids and times follow commit order, so the events before the cutoff are a prefix; stop at
    -- the first event on or after it all the same, so what is removed is always contiguous.
    SELECT max(id) INTO last_id FROM audit_events
    WHERE id < coalesce((SELECT min(id) FROM audit_events WHERE at >= before), newest)
      AND id < newest;
    IF last_id IS NULL THEN
        RETURN 0;
    END IF;
    SELECT hash, at INTO last_hash, last_at FROM audit_events WHERE id = last_id;
    ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update;
    DELETE FROM audit_events WHERE id <= last_id;
    GET DIAGNOSTICS removed = ROW_COUNT;
    ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update;
    INSERT INTO audit_anchor (last_removed_id, last_removed_hash, last_removed_at, removed, cutoff)
    VALUES (last_id, last_hash, last_at, removed, before);
    RETURN removed;
END $$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION audit_expire(timestamptz) FROM PUBLIC;
COMMENT ON FUNCTION audit_expire(timestamptz) IS 'the one way to remove audit events: the oldest, contiguously, keeping the chain verifiable from audit_anchor';

-- Viewer searches by the actor's email, newest first.
CREATE INDEX audit_events_actor_email ON audit_events (lower(actor_email), id);

-- The disclosure log: each time staff share personal data with another body.
CREATE TABLE disclosures (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    disclosed_on        date NOT NULL,
    recipient_kind      text NOT NULL CHECK (recipient_kind IN
                            ('ofsted', 'cqc', 'police', 'local_authority', 'dbs', 'court', 'nfi', 'other')),
    recipient_name      text NOT NULL CHECK (length(recipient_name) BETWEEN 1 AND 300),
    what                text NOT NULL CHECK (length(what) BETWEEN 1 AND 4000),
    organisation_id     uuid REFERENCES organisations(id) ON DELETE SET NULL,
    lawful_basis        text NOT NULL CHECK (lawful_basis IN
                            ('legal_obligation', 'public_task', 'vital_interests', 'crime', 'legal_proceedings', 'safeguarding', 'consent')),
    lawful_basis_detail text NOT NULL DEFAULT '' CHECK (length(lawful_basis_detail) <= 1000),
    method              text NOT NULL DEFAULT '' CHECK (length(method) <= 200),
    their_reference     text NOT NULL DEFAULT '' CHECK (length(their_reference) <= 200),
    recorded_by         uuid REFERENCES users(id) ON DELETE SET NULL,
    recorded_by_name    text NOT NULL,
    recorded_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disclosures_on ON disclosures (disclosed_on DESC, recorded_at DESC);
CREATE INDEX disclosures_org ON disclosures (organisation_id);

-- The breach register. The deadline to report to the ICO is 72 hours from discovery
-- (UK GDPR art. 33); internal/privacy computes it from discovered_at.
CREATE SEQUENCE breach_ref_seq START 1;
CREATE TABLE breaches (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    reference        text NOT NULL UNIQUE DEFAULT 'BR' || lpad(nextval('breach_ref_seq')::text, 4, '0'),
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description      text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    data_affected    text NOT NULL DEFAULT '' CHECK (length(data_affected) <= 2000),
    people_affected  int CHECK (people_affected >= 0),
    organisation_id  uuid REFERENCES organisations(id) ON DELETE SET NULL,
    occurred_at      timestamptz,
    discovered_at    timestamptz NOT NULL,
    risk             text NOT NULL DEFAULT 'unassessed' CHECK (risk IN ('unassessed', 'unlikely', 'risk', 'high')),
    risk_assessment  text NOT NULL DEFAULT '' CHECK (length(risk_assessment) <= 4000),
    decision         text NOT NULL DEFAULT 'undecided' CHECK (decision IN ('undecided', 'report', 'not_report')),
    decision_reason  text NOT NULL DEFAULT '' CHECK (length(decision_reason) <= 4000),
    decided_at       timestamptz,
    decided_by_name  text,
    reported_at      timestamptz,
    ico_reference    text NOT NULL DEFAULT '' CHECK (length(ico_reference) <= 100),
    closed_at        timestamptz,
    recorded_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    recorded_by_name text NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    version          int NOT NULL DEFAULT 1,
    CONSTRAINT decision_has_reason CHECK (decision = 'undecided' OR decision_reason <> ''),
    CONSTRAINT not_reported_only_when_unlikely CHECK (decision <> 'not_report' OR risk = 'unlikely'),
    CONSTRAINT reported_when_decided CHECK (reported_at IS NULL OR decision = 'report')
);
CREATE INDEX breaches_open ON breaches (discovered_at) WHERE closed_at IS NULL;

-- Who was told about a breach: the people affected, bodies (the ICO, police, the provider).
CREATE TABLE breach_notifications (
    id               bigserial PRIMARY KEY,
    breach_id        uuid NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    audience         text NOT NULL CHECK (audience IN ('people', 'body')),
    who              text NOT NULL CHECK (length(who) BETWEEN 1 AND 300),
    told_on          date NOT NULL,
    how              text NOT NULL DEFAULT '' CHECK (length(how) <= 300),
    recorded_by_name text NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX breach_notifications_breach ON breach_notifications (breach_id, told_on);

-- +goose Down
DROP TABLE breach_notifications;
DROP TABLE breaches;
DROP SEQUENCE breach_ref_seq;
DROP TABLE disclosures;
DROP INDEX audit_events_actor_email;
DROP FUNCTION audit_expire(timestamptz);
DROP TABLE audit_anchor;
DROP TABLE destruction_log;
DROP TABLE retention_proposal_items;
DROP TABLE retention_proposals;
DROP TABLE legal_holds;
DROP TABLE retention_rules;
