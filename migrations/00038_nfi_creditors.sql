-- The National Fraud Initiative's trade creditors standing data must carry the creditor
-- reference the council's finance system uses (so the NFI can join it to the payment history
-- the finance system submits), and the dates the creditor record was set up and last
-- amended. The finance system's creditor number is finance's data about a supplier, so it
-- lives in a table finance owns, set on finance's provider page or by the supplier import
-- (through internal/finance). "Last amended" is the latest change to the creditor's name,
-- address, bank details or creditor number: bank details and the number are dated in
-- finance's own tables; name and address changes are dated here, on the organisation, by
-- triggers on provider's tables, so every path that writes them (a provider's approved
-- change, an officer's approval, an import, retention) keeps the date right.

-- +goose Up
CREATE TABLE finance_creditors (
    organisation_id uuid PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    creditor_number text NOT NULL UNIQUE CHECK (creditor_number ~ '^[A-Z0-9][A-Z0-9/._-]{0,29}$'),
    site_id         text NOT NULL DEFAULT '' CHECK (site_id ~ '^[A-Z0-9/._-]{0,20}$'),
    version         int NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      uuid REFERENCES users(id) ON DELETE SET NULL
);
COMMENT ON TABLE finance_creditors IS 'the council finance system''s creditor number (and site id) for a supplier; written only by internal/finance';
COMMENT ON COLUMN finance_creditors.updated_at IS 'when the number or site id last changed: part of the creditor record''s "date last amended" in the NFI file';

ALTER TABLE organisations ADD COLUMN creditor_details_changed_at timestamptz;
COMMENT ON COLUMN organisations.creditor_details_changed_at IS 'when the name or the approved addresses last changed (set by trigger); NULL: not since the record was created';

-- Before this version the dates were not kept: the approved addresses' last save is the best
-- evidence there is of an address change.
UPDATE organisations o SET creditor_details_changed_at = s.updated_at
FROM provider_sections s
WHERE s.organisation_id = o.id AND s.section = 'addresses' AND s.approved_data IS NOT NULL AND s.updated_at > o.created_at;

-- +goose StatementBegin
CREATE FUNCTION portal_organisation_name_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name IS DISTINCT FROM OLD.name OR NEW.legal_name IS DISTINCT FROM OLD.legal_name THEN
        NEW.creditor_details_changed_at := now();
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER organisations_name_changed BEFORE UPDATE OF name, legal_name ON organisations
    FOR EACH ROW EXECUTE FUNCTION portal_organisation_name_changed();

-- +goose StatementBegin
CREATE FUNCTION portal_addresses_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.section = 'addresses' AND NEW.approved_data IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.approved_data IS DISTINCT FROM OLD.approved_data) THEN
        UPDATE organisations SET creditor_details_changed_at = now() WHERE id = NEW.organisation_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER provider_sections_addresses_changed AFTER INSERT OR UPDATE OF approved_data ON provider_sections
    FOR EACH ROW EXECUTE FUNCTION portal_addresses_changed();

-- +goose Down
DROP TRIGGER provider_sections_addresses_changed ON provider_sections;
DROP FUNCTION portal_addresses_changed();
DROP TRIGGER organisations_name_changed ON organisations;
DROP FUNCTION portal_organisation_name_changed();
ALTER TABLE organisations DROP COLUMN creditor_details_changed_at;
DROP TABLE finance_creditors;
