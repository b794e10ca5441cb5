-- +goose Up
-- Quality assurance: officers' visits to providers and the actions arising, the providers'
-- responses, each provider's compliance (RAG) as last computed, and the reminders sent
-- before insurance, DBS status checks and contracts fall due (internal/quality). The rules'
-- thresholds are rows named quality.* in the shared settings table (00009).

CREATE TABLE qa_visits (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    visited_on      date NOT NULL,
    announced       boolean NOT NULL,
    areas           text[] NOT NULL CHECK (cardinality(areas) BETWEEN 1 AND 30),
    findings        text NOT NULL CHECK (length(findings) BETWEEN 1 AND 10000),
    grade           text NOT NULL CHECK (grade IN ('outstanding','good','requires_improvement','inadequate')),
    created_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    created_by_name text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         int NOT NULL DEFAULT 1
);
CREATE INDEX qa_visits_org ON qa_visits (organisation_id, visited_on DESC, id);

-- The officers who made a visit. The name is kept so the record reads the same after an
-- account is disabled.
CREATE TABLE qa_visit_officers (
    visit_id     uuid NOT NULL REFERENCES qa_visits(id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users(id),
    officer_name text NOT NULL,
    PRIMARY KEY (visit_id, user_id)
);
CREATE INDEX qa_visit_officers_user ON qa_visit_officers (user_id);

-- An action arising from a visit. organisation_id repeats the visit's, so that a provider's
-- access and the compliance batch need no join.
CREATE TABLE qa_actions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    visit_id        uuid NOT NULL REFERENCES qa_visits(id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    description     text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    owner_name      text NOT NULL CHECK (length(owner_name) BETWEEN 1 AND 200),
    owner_email     citext CHECK (owner_email IS NULL OR length(owner_email) BETWEEN 3 AND 254),
    due_on          date NOT NULL,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open','in_progress','completed','closed')),
    closing_note    text NOT NULL DEFAULT '' CHECK (length(closing_note) <= 2000),
    closed_by       uuid REFERENCES users(id) ON DELETE SET NULL,
    closed_by_name  text NOT NULL DEFAULT '',
    closed_at       timestamptz,
    created_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    created_by_name text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         int NOT NULL DEFAULT 1,
    CONSTRAINT closed_has_closer CHECK (status <> 'closed' OR closed_at IS NOT NULL)
);
CREATE INDEX qa_actions_visit ON qa_actions (visit_id, due_on, id);
CREATE INDEX qa_actions_org ON qa_actions (organisation_id, due_on, id);
-- Overdue actions across every provider (the officers' work list and the compliance batch).
CREATE INDEX qa_actions_open_due ON qa_actions (due_on, id) WHERE status IN ('open','in_progress');
COMMENT ON COLUMN qa_actions.status IS 'overdue is not a status: an open or in-progress action past its due date';

-- The provider's responses to an action, oldest first, each with optional evidence.
CREATE TABLE qa_action_responses (
    id                   bigserial PRIMARY KEY,
    action_id            uuid NOT NULL REFERENCES qa_actions(id) ON DELETE CASCADE,
    organisation_id      uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    response             text NOT NULL CHECK (length(response) BETWEEN 1 AND 5000),
    status               text NOT NULL CHECK (status IN ('in_progress','completed')),
    evidence_document_id uuid REFERENCES documents(id) ON DELETE RESTRICT,
    by_user              uuid REFERENCES users(id) ON DELETE SET NULL,
    by_name              text NOT NULL DEFAULT '',
    at                   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX qa_action_responses_action ON qa_action_responses (action_id, at, id);

-- Each provider's compliance as last computed (internal/quality RefreshCompliance), so the
-- directory and the dashboard can filter and count by RAG across 100,000 providers without
-- running the rules per row. The provider's own page computes it afresh.
CREATE TABLE provider_compliance (
    organisation_id uuid PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    rag             text NOT NULL CHECK (rag IN ('red','amber','green')),
    reasons         jsonb NOT NULL,
    computed_on     date NOT NULL,
    computed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provider_compliance_rag ON provider_compliance (rag, organisation_id);
COMMENT ON COLUMN provider_compliance.reasons IS 'every rule''s finding: [{"rule", "rag", "why"}], worst first';

-- Reminders already sent: one per kind, thing and threshold, so however often (and on however
-- many instances) the daily job runs, each reminder goes once.
CREATE TABLE reminders_sent (
    kind            text NOT NULL CHECK (kind IN ('insurance_expiry','dbs_check','contract_end')),
    object_id       text NOT NULL,
    threshold_days  int NOT NULL,
    organisation_id uuid REFERENCES organisations(id) ON DELETE CASCADE,
    due_on          date NOT NULL,
    recipients      int NOT NULL,
    sent_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, object_id, threshold_days)
);
CREATE INDEX reminders_sent_org ON reminders_sent (organisation_id, sent_at);
COMMENT ON COLUMN reminders_sent.object_id IS 'the thing due and its due date (e.g. <organisation>/employers_liability/2026-03-31), so a renewal is reminded afresh';

-- +goose Down
DROP TABLE reminders_sent;
DROP TABLE provider_compliance;
DROP TABLE qa_action_responses;
DROP TABLE qa_actions;
DROP TABLE qa_visit_officers;
DROP TABLE qa_visits;
