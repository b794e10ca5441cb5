-- +goose Up
-- What the Procurement Act 2023 notices need about a contract (issue 15, items 4 and 5):
-- the procedure it was awarded under, whether it is a light-touch contract, its CPV codes,
-- the supplier's PPON, when the contract details notice was published, its estimated and
-- maximum values, and whether it is exempt from section 52 (KPIs). Rows that exist already
-- were let before the Act, so they default to the Public Contracts Regulations 2015.
ALTER TABLE contracts
    ADD COLUMN award_procedure text NOT NULL DEFAULT 'pcr2015'
        CHECK (award_procedure IN ('open','competitive_flexible','direct_award','call_off','below_threshold','pcr2015')),
    ADD COLUMN light_touch boolean NOT NULL DEFAULT false,
    ADD COLUMN cpv_codes text[] NOT NULL DEFAULT '{}'
        CHECK (cardinality(cpv_codes) <= 20 AND (cardinality(cpv_codes) = 0 OR array_to_string(cpv_codes, ',') ~ '^[0-9]{8}-[0-9](,[0-9]{8}-[0-9])*$')),
    ADD COLUMN supplier_ppon text NOT NULL DEFAULT ''
        CHECK (supplier_ppon = '' OR supplier_ppon ~ '^P[A-Z0-9]{3}-[A-Z0-9]{4}-[A-Z0-9]{4}$'),
    ADD COLUMN published_on date,
    ADD COLUMN estimated_value_pence bigint CHECK (estimated_value_pence >= 0),
    ADD COLUMN maximum_value_pence bigint CHECK (maximum_value_pence >= 0),
    ADD COLUMN kpi_exemption text NOT NULL DEFAULT '' CHECK (kpi_exemption IN ('','framework','not_assessable')),
    ADD CONSTRAINT maximum_not_below_estimated CHECK (maximum_value_pence >= estimated_value_pence),
    ADD CONSTRAINT published_after_signed CHECK (published_on IS NULL OR (date_signed IS NOT NULL AND published_on >= date_signed)),
    -- Only a contract let under the 2015 regulations may lack the codes and values.
    ADD CONSTRAINT act_contract_has_notice_data CHECK (award_procedure = 'pcr2015' OR
        (cardinality(cpv_codes) > 0 AND estimated_value_pence IS NOT NULL AND maximum_value_pence IS NOT NULL)),
    ADD CONSTRAINT call_off_has_framework_route CHECK (award_procedure <> 'call_off' OR procurement_route IN ('framework','dps'));
COMMENT ON COLUMN contracts.award_procedure IS 'Procurement Act 2023 procedure; pcr2015 = awarded before 24 February 2025 under the Public Contracts Regulations 2015';
COMMENT ON COLUMN contracts.supplier_ppon IS 'the supplier''s Public Procurement Organisation Number at award, like PDLN-5395-QMNP; empty when it has none';
COMMENT ON COLUMN contracts.kpi_exemption IS 'why section 52 (at least three KPIs) does not apply although the value is over £5 million: framework, or not_assessable (s.52(3))';

-- Section 52: the three KPIs most material to the contract are published in its notices.
ALTER TABLE kpis ADD COLUMN most_material boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE kpis DROP COLUMN most_material;
ALTER TABLE contracts DROP CONSTRAINT call_off_has_framework_route, DROP CONSTRAINT act_contract_has_notice_data,
    DROP CONSTRAINT published_after_signed, DROP CONSTRAINT maximum_not_below_estimated,
    DROP COLUMN kpi_exemption, DROP COLUMN maximum_value_pence, DROP COLUMN estimated_value_pence, DROP COLUMN published_on,
    DROP COLUMN supplier_ppon, DROP COLUMN cpv_codes, DROP COLUMN light_touch, DROP COLUMN award_procedure;
