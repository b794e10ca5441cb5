-- +goose Up
-- Commissioning: the council's contracts with approved providers, their variations and
-- documents, the key performance indicators (KPIs) each contract is monitored by, and the
-- monitoring returns providers make for each KPI period.

-- Settings the commissioning team may change without a release, one row per setting.
-- internal/contract reads them through typed getters that fall back to a default when a
-- row is absent, so a new setting needs no data migration. Other areas may keep their
-- settings here too (hence IF NOT EXISTS: the table is shared, not owned by contracts).
CREATE TABLE IF NOT EXISTS settings (
    name       text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_.]{0,99}$'),
    value      text NOT NULL CHECK (length(value) <= 1000),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid REFERENCES users(id) ON DELETE SET NULL
);
COMMENT ON TABLE settings IS 'name/value settings with typed getters in Go; an absent row means the default';

CREATE TABLE contracts (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    reference          text NOT NULL CHECK (length(reference) BETWEEN 1 AND 50),
    title              text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    organisation_id    uuid NOT NULL REFERENCES organisations(id) ON DELETE RESTRICT,
    service_category   text NOT NULL,
    procurement_route  text NOT NULL CHECK (procurement_route IN ('framework','dps','block','spot','grant')),
    framework_name     text NOT NULL DEFAULT '' CHECK (length(framework_name) <= 300),
    lot                text NOT NULL DEFAULT '' CHECK (length(lot) <= 200),
    start_date         date NOT NULL,
    end_date           date NOT NULL,
    extension_options  text NOT NULL DEFAULT '' CHECK (length(extension_options) <= 2000),
    extension_months   int NOT NULL DEFAULT 0 CHECK (extension_months BETWEEN 0 AND 240),
    total_value_pence  bigint NOT NULL CHECK (total_value_pence >= 0),
    annual_value_pence bigint NOT NULL CHECK (annual_value_pence >= 0),
    payment_terms      text NOT NULL DEFAULT '' CHECK (length(payment_terms) <= 2000),
    manager_id         uuid REFERENCES users(id) ON DELETE SET NULL,
    status             text NOT NULL CHECK (status IN ('draft','active','ended','terminated')),
    date_signed        date,
    termination_reason text NOT NULL DEFAULT '' CHECK (length(termination_reason) <= 2000),
    terminated_on      date,
    version            int NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         uuid REFERENCES users(id) ON DELETE SET NULL,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         uuid REFERENCES users(id) ON DELETE SET NULL,
    CONSTRAINT contract_period CHECK (end_date >= start_date),
    CONSTRAINT terminated_needs_reason CHECK (status <> 'terminated' OR (termination_reason <> '' AND terminated_on IS NOT NULL))
);
CREATE UNIQUE INDEX contracts_reference ON contracts (upper(reference));
CREATE INDEX contracts_organisation ON contracts (organisation_id, start_date DESC);
CREATE INDEX contracts_end ON contracts (end_date) WHERE status = 'active';
CREATE INDEX contracts_updated ON contracts (updated_at DESC, id);
COMMENT ON COLUMN contracts.status IS 'stored status; "expiring" is computed: active and ending within the contracts.expiring_within_days setting';
COMMENT ON COLUMN contracts.framework_name IS 'the framework or dynamic purchasing system called off, e.g. East Midlands regional placements framework';
COMMENT ON COLUMN contracts.total_value_pence IS 'value when let; variations add to it (contract_variations.value_change_pence)';

-- Changes to a contract after it was let: what changed, when, and by how much its value moved.
CREATE TABLE contract_variations (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_id        uuid NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    varied_on          date NOT NULL,
    description        text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    value_change_pence bigint NOT NULL DEFAULT 0,
    recorded_by        uuid REFERENCES users(id) ON DELETE SET NULL,
    recorded_by_name   text NOT NULL DEFAULT '',
    recorded_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contract_variations_contract ON contract_variations (contract_id, varied_on);

-- The contract's documents. The file is a provider document (internal/document), so the
-- provider's users may download it through the same audited route as their own uploads.
CREATE TABLE contract_documents (
    contract_id   uuid NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    document_id   uuid NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    document_type text NOT NULL CHECK (document_type IN ('contractSigned','contractSchedule','contractAnnexe','contractNotice','other')),
    added_at      timestamptz NOT NULL DEFAULT now(),
    added_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    PRIMARY KEY (contract_id, document_id)
);
COMMENT ON COLUMN contract_documents.document_type IS 'the OCDS documentType code the document is published under';

-- What a contract is monitored by. RAG: for "higher is better", a value below the amber
-- boundary is amber and below the red boundary red; for "lower is better" the reverse.
CREATE TABLE kpis (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_id     uuid NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    unit            text NOT NULL CHECK (length(unit) BETWEEN 1 AND 50),
    target          numeric(18,4) NOT NULL,
    direction       text NOT NULL CHECK (direction IN ('higher','lower')),
    amber_threshold numeric(18,4) NOT NULL,
    red_threshold   numeric(18,4) NOT NULL,
    frequency       text NOT NULL CHECK (frequency IN ('monthly','quarterly')),
    version         int NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT thresholds_in_order CHECK (
        (direction = 'higher' AND red_threshold <= amber_threshold AND amber_threshold <= target) OR
        (direction = 'lower' AND red_threshold >= amber_threshold AND amber_threshold >= target))
);
CREATE UNIQUE INDEX kpis_name ON kpis (contract_id, lower(name));

-- One row per KPI per period, made when the KPI or the contract's dates are saved, so
-- "overdue" is a plain query: status 'due' and the due date passed.
CREATE TABLE monitoring_returns (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kpi_id              uuid NOT NULL REFERENCES kpis(id) ON DELETE CASCADE,
    period_start        date NOT NULL,
    period_end          date NOT NULL,
    due_date            date NOT NULL,
    status              text NOT NULL DEFAULT 'due' CHECK (status IN ('due','submitted','queried','answered','accepted')),
    value               numeric(18,4),
    commentary          text NOT NULL DEFAULT '' CHECK (length(commentary) <= 5000),
    evidence_document_id uuid REFERENCES documents(id) ON DELETE SET NULL,
    submitted_at        timestamptz,
    submitted_by        uuid REFERENCES users(id) ON DELETE SET NULL,
    submitted_by_name   text NOT NULL DEFAULT '',
    recorded_by_officer boolean NOT NULL DEFAULT false,
    accepted_at         timestamptz,
    accepted_by         uuid REFERENCES users(id) ON DELETE SET NULL,
    accepted_by_name    text NOT NULL DEFAULT '',
    version             int NOT NULL DEFAULT 1,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kpi_id, period_start),
    CONSTRAINT return_period CHECK (period_end >= period_start AND due_date >= period_end),
    CONSTRAINT submitted_has_value CHECK (status = 'due' OR (value IS NOT NULL AND submitted_at IS NOT NULL)),
    CONSTRAINT accepted_has_acceptor CHECK (status <> 'accepted' OR accepted_at IS NOT NULL)
);
CREATE INDEX monitoring_returns_due ON monitoring_returns (due_date) WHERE status = 'due';
CREATE INDEX monitoring_returns_review ON monitoring_returns (submitted_at) WHERE status IN ('submitted','answered');
COMMENT ON COLUMN monitoring_returns.due_date IS 'period end plus the contracts.return_due_days setting';
COMMENT ON COLUMN monitoring_returns.recorded_by_officer IS 'an officer keyed the value in (received another way), so it was accepted as recorded';

-- The conversation about a return: an officer's question and the provider's answer.
CREATE TABLE monitoring_return_notes (
    id        bigserial PRIMARY KEY,
    return_id uuid NOT NULL REFERENCES monitoring_returns(id) ON DELETE CASCADE,
    kind      text NOT NULL CHECK (kind IN ('query','answer')),
    body      text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    by_user   uuid REFERENCES users(id) ON DELETE SET NULL,
    by_name   text NOT NULL DEFAULT '',
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX monitoring_return_notes_return ON monitoring_return_notes (return_id, at);

-- +goose Down
DROP TABLE monitoring_return_notes;
DROP TABLE monitoring_returns;
DROP TABLE kpis;
DROP TABLE contract_documents;
DROP TABLE contract_variations;
DROP TABLE contracts;
DROP TABLE IF EXISTS settings;
