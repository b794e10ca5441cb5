-- +goose Up
-- The notices the Procurement Act 2023 requires about a contract after award (issue 15,
-- item 7): contract details (UK7), contract performance (UK9), contract change (UK10) and
-- contract termination (UK11). One row per notice due: the contract, its type, what it is
-- about (the variation of a change notice, the assessment of a performance notice; empty
-- for the others), the last day it may be published, the draft OCDS release given to the
-- officer, and the Find a Tender notice id the officer recorded once it was published.
CREATE TABLE contract_notices (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_id      uuid NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    notice_type      text NOT NULL
        CHECK (notice_type IN ('contract_details','contract_change','contract_termination','contract_performance')),
    subject_id       text NOT NULL DEFAULT '',
    due_on           date NOT NULL,
    status           text NOT NULL DEFAULT 'due' CHECK (status IN ('due','drafted','published')),
    release          json,
    notice_id        text CHECK (notice_id ~ '^[0-9]{6}-[0-9]{4}$'),
    published_on     date,
    recorded_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    recorded_by_name text NOT NULL DEFAULT '',
    recorded_at      timestamptz,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (contract_id, notice_type, subject_id),
    CONSTRAINT published_has_notice_id CHECK ((status = 'published') = (notice_id IS NOT NULL AND published_on IS NOT NULL)),
    CONSTRAINT drafted_has_release CHECK (status = 'due' OR release IS NOT NULL)
);
CREATE INDEX contract_notices_due ON contract_notices (due_on) WHERE status <> 'published';
COMMENT ON COLUMN contract_notices.subject_id IS 'the variation (contract_change) or assessment (contract_performance) the notice is about; empty for one per contract';
COMMENT ON COLUMN contract_notices.due_on IS 'the last day the notice may be published under the Act';
COMMENT ON COLUMN contract_notices.notice_id IS 'the Find a Tender notice id the officer recorded, like 012345-2025';

-- +goose Down
DROP TABLE contract_notices;
