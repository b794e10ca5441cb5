-- +goose Up
-- Finance: the bank account the council pays each provider, changed only under dual control
-- (requested, verified by a phone call to a contact already on file, approved by a second
-- finance officer), and the saved layouts of the files finance exports.

-- Settings finance may change without a release: the first-payment hold after new details
-- take effect, and how long a change request may wait before it expires. One row.
CREATE TABLE finance_settings (
    id                      boolean PRIMARY KEY DEFAULT true CHECK (id),
    first_payment_hold_days int NOT NULL DEFAULT 5 CHECK (first_payment_hold_days BETWEEN 0 AND 90),
    change_expiry_days      int NOT NULL DEFAULT 30 CHECK (change_expiry_days BETWEEN 1 AND 365),
    version                 int NOT NULL DEFAULT 1,
    updated_at              timestamptz NOT NULL DEFAULT now(),
    updated_by              uuid REFERENCES users(id) ON DELETE SET NULL
);
INSERT INTO finance_settings DEFAULT VALUES;
COMMENT ON COLUMN finance_settings.first_payment_hold_days IS 'no public rule fixes the length of the hold on the first payment after a change; a setting (DOMAIN.md)';

-- A request to set or change an organisation's payment details. It never changes the details
-- in force until approved. 'initial' requests carry the details given at registration into the
-- same flow; 'change' requests need a reason and evidence.
CREATE TABLE bank_detail_changes (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id       uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind                  text NOT NULL CHECK (kind IN ('initial','change')),
    account_name          text NOT NULL CHECK (length(account_name) BETWEEN 1 AND 140),
    sort_code_sealed      text NOT NULL,
    account_number_sealed text NOT NULL,
    roll_number_sealed    text,
    sort_code_last2       text NOT NULL CHECK (sort_code_last2 ~ '^[0-9]{2}$'),
    account_last4         text NOT NULL CHECK (account_last4 ~ '^[0-9]{4}$'),
    remittance_email      citext NOT NULL CHECK (length(remittance_email) BETWEEN 3 AND 254),
    modulus_version       text NOT NULL DEFAULT '',
    reason                text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    evidence_document_id  uuid REFERENCES documents(id) ON DELETE RESTRICT,
    requested_by          uuid REFERENCES users(id) ON DELETE SET NULL,
    requested_by_name     text NOT NULL,
    requested_at          timestamptz NOT NULL DEFAULT now(),
    status                text NOT NULL DEFAULT 'pending_verification' CHECK (status IN
                              ('pending_verification','verified','approved','rejected','withdrawn','expired')),
    verified_by           uuid REFERENCES users(id) ON DELETE SET NULL,
    verified_by_name      text,
    verified_at           timestamptz,
    approved_by           uuid REFERENCES users(id) ON DELETE SET NULL,
    approved_by_name      text,
    approved_at           timestamptz,
    effective_from        date,
    rejected_by           uuid REFERENCES users(id) ON DELETE SET NULL,
    rejected_by_name      text,
    rejected_at           timestamptz,
    rejection_reason      text NOT NULL DEFAULT '',
    suspected_fraud       boolean NOT NULL DEFAULT false,
    withdrawn_by          uuid REFERENCES users(id) ON DELETE SET NULL,
    withdrawn_at          timestamptz,
    expires_at            timestamptz NOT NULL,
    closed_at             timestamptz,
    version               int NOT NULL DEFAULT 1,
    CONSTRAINT change_needs_evidence CHECK (kind = 'initial' OR evidence_document_id IS NOT NULL),
    CONSTRAINT change_needs_reason CHECK (kind = 'initial' OR reason <> ''),
    -- Segregation of duties: the requester, the verifier and the approver are three people.
    CONSTRAINT verifier_is_not_requester CHECK (verified_by <> requested_by),
    CONSTRAINT approver_is_not_requester CHECK (approved_by <> requested_by),
    CONSTRAINT approver_is_not_verifier CHECK (approved_by <> verified_by),
    CONSTRAINT rejecter_is_not_requester CHECK (rejected_by <> requested_by),
    CONSTRAINT verified_has_verifier CHECK (status NOT IN ('verified','approved') OR verified_at IS NOT NULL),
    CONSTRAINT approved_has_approver CHECK (status <> 'approved' OR (approved_at IS NOT NULL AND effective_from IS NOT NULL))
);
CREATE INDEX bank_detail_changes_org ON bank_detail_changes (organisation_id, requested_at);
CREATE INDEX bank_detail_changes_open ON bank_detail_changes (expires_at) WHERE status IN ('pending_verification','verified');
-- One open request per organisation: a second waits until the first is decided or withdrawn.
CREATE UNIQUE INDEX bank_detail_changes_one_open ON bank_detail_changes (organisation_id)
    WHERE status IN ('pending_verification','verified');
COMMENT ON TABLE bank_detail_changes IS 'mandate fraud controls: requests wait here until a call to a contact on file verifies them and a second finance officer approves';
COMMENT ON COLUMN bank_detail_changes.sort_code_sealed IS 'sealed by internal/vault with associated data bank_detail_changes:<id>:sort_code';

-- Each verification call: who called which number already on file, when, and what they heard.
CREATE TABLE bank_detail_calls (
    id              bigserial PRIMARY KEY,
    change_id       uuid NOT NULL REFERENCES bank_detail_changes(id) ON DELETE CASCADE,
    called_by       uuid REFERENCES users(id) ON DELETE SET NULL,
    called_by_name  text NOT NULL,
    contact_name    text NOT NULL,
    number_used     text NOT NULL,
    called_at       timestamptz NOT NULL DEFAULT now(),
    outcome         text NOT NULL CHECK (outcome IN ('confirmed','denied','no_answer')),
    notes           text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000)
);
CREATE INDEX bank_detail_calls_change ON bank_detail_calls (change_id, called_at);
COMMENT ON COLUMN bank_detail_calls.number_used IS 'a number from the approved contacts section at the time of the call, never one given in the request';

-- The accounts the council pays. One set per organisation is active (the newest approved);
-- older sets are kept, sealed, as history. The set in force on a day D is the one whose
-- effective_from <= D and whose superseded_on is after D or unset.
CREATE TABLE payment_details (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id       uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    change_id             uuid NOT NULL UNIQUE REFERENCES bank_detail_changes(id),
    account_name          text NOT NULL,
    sort_code_sealed      text NOT NULL,
    account_number_sealed text NOT NULL,
    roll_number_sealed    text,
    sort_code_last2       text NOT NULL,
    account_last4         text NOT NULL,
    remittance_email      citext NOT NULL,
    effective_from        date NOT NULL,
    hold_until            date CHECK (hold_until >= effective_from),
    status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active','superseded')),
    superseded_on         date,
    requested_by          uuid REFERENCES users(id) ON DELETE SET NULL,
    verified_by           uuid REFERENCES users(id) ON DELETE SET NULL,
    verified_by_name      text NOT NULL,
    approved_by           uuid REFERENCES users(id) ON DELETE SET NULL,
    approved_by_name      text NOT NULL,
    approved_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT superseded_has_date CHECK ((status = 'superseded') = (superseded_on IS NOT NULL)),
    CONSTRAINT details_verifier_is_not_requester CHECK (verified_by <> requested_by),
    CONSTRAINT details_approver_is_not_requester CHECK (approved_by <> requested_by),
    CONSTRAINT details_approver_is_not_verifier CHECK (approved_by <> verified_by)
);
CREATE UNIQUE INDEX payment_details_one_active ON payment_details (organisation_id) WHERE status = 'active';
CREATE INDEX payment_details_org ON payment_details (organisation_id, effective_from);
COMMENT ON COLUMN payment_details.sort_code_sealed IS 'sealed by internal/vault with associated data payment_details:<id>:sort_code';

ALTER TABLE bank_detail_changes ADD COLUMN payment_details_id uuid REFERENCES payment_details(id);

-- Saved layouts for CSV exports, so a file loads into the council's finance system as it is.
CREATE TABLE export_profiles (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name             citext NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    columns          jsonb NOT NULL CHECK (jsonb_typeof(columns) = 'array' AND jsonb_array_length(columns) BETWEEN 1 AND 50),
    delimiter        text NOT NULL CHECK (delimiter IN (',', '|', ';', 'tab')),
    date_format      text NOT NULL CHECK (date_format IN ('dd/mm/yyyy','ddmmyyyy','yyyy-mm-dd','dd-mm-yyyy')),
    header_row       boolean NOT NULL DEFAULT true,
    byte_order_mark  boolean NOT NULL DEFAULT false,
    version          int NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       uuid REFERENCES users(id) ON DELETE SET NULL
);
COMMENT ON COLUMN export_profiles.columns IS '[{"field": "sort_code", "header": "Sort Code"}, ...] in file order';

-- +goose Down
DROP TABLE export_profiles;
ALTER TABLE bank_detail_changes DROP COLUMN payment_details_id;
DROP TABLE payment_details;
DROP TABLE bank_detail_calls;
DROP TABLE bank_detail_changes;
DROP TABLE finance_settings;
