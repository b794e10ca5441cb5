-- +goose Up
-- The supplier payment file (issue 16).
--
-- A saved layout can be marked "for a system": its files are loaded by a finance or payment
-- system, not opened in a spreadsheet, so values are written as stored (no apostrophe in
-- front of a name starting with "-" or "="), in the Bacs character set, upper case, with
-- the account name cut to Bacs's 18 characters.
ALTER TABLE export_profiles ADD COLUMN for_system boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN export_profiles.for_system IS 'true: written for a system to load (Bacs character set, no spreadsheet neutralising)';

-- The address now has fixed columns (line 1, line 2, town, county, postcode, country)
-- instead of the non-empty lines in turn. Saved layouts that named the old third and
-- fourth lines get the town and the county, which is what they held when line 2 was given;
-- headings still at their old defaults take the new ones.
UPDATE export_profiles SET columns = (
    SELECT jsonb_agg(CASE c->>'field'
        WHEN 'address_line_3' THEN jsonb_build_object('field', 'town',
            'header', CASE WHEN c->>'header' = 'Address line 3' THEN 'Town' ELSE c->>'header' END)
        WHEN 'address_line_4' THEN jsonb_build_object('field', 'county',
            'header', CASE WHEN c->>'header' = 'Address line 4' THEN 'County' ELSE c->>'header' END)
        ELSE c END ORDER BY n)
    FROM jsonb_array_elements(columns) WITH ORDINALITY AS e(c, n))
WHERE columns @> '[{"field": "address_line_3"}]' OR columns @> '[{"field": "address_line_4"}]';

-- What each supplier looked like in the payment file a system last loaded, so the next
-- "changes since the last export" file holds only the new, the changed and the suppliers
-- that stopped being payable. fingerprint is a SHA-256 of everything the file says about
-- the supplier except the bank details themselves, which are represented by the id of the
-- payment_details row (a new account is always a new row), so nothing secret is hashed.
CREATE TABLE payment_file_suppliers (
    organisation_id  uuid PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    fingerprint      bytea NOT NULL,
    status           text NOT NULL,
    exported_at      timestamptz NOT NULL
);
COMMENT ON TABLE payment_file_suppliers IS 'each supplier as the last CSV payment file (full or changes) gave it';

-- Each payment file a system can load (CSV, full or changes): when, by whom, how many rows.
CREATE TABLE payment_file_exports (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind         text NOT NULL CHECK (kind IN ('full', 'changes')),
    rows         int NOT NULL,
    exported_at  timestamptz NOT NULL DEFAULT now(),
    exported_by  uuid REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX payment_file_exports_at ON payment_file_exports (exported_at DESC);

-- +goose Down
DROP TABLE payment_file_exports;
DROP TABLE payment_file_suppliers;
UPDATE export_profiles SET columns = (
    SELECT jsonb_agg(CASE c->>'field'
        WHEN 'town' THEN jsonb_build_object('field', 'address_line_3', 'header', c->>'header')
        WHEN 'county' THEN jsonb_build_object('field', 'address_line_4', 'header', c->>'header')
        ELSE c END ORDER BY n)
    FROM jsonb_array_elements(columns) WITH ORDINALITY AS e(c, n))
WHERE columns @> '[{"field": "town"}]' OR columns @> '[{"field": "county"}]';
ALTER TABLE export_profiles DROP COLUMN for_system;
