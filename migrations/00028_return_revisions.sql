-- Two things about KPI values. First, what a KPI measures (a percentage, a count, money,
-- a length of time or any other number) decides which values are possible: a negative count
-- or a 120% is refused wherever a value comes in. Existing KPIs are given the measure their
-- unit names; one whose figures would not fit is kept as a plain number, so no stored figure
-- becomes impossible.
--
-- Second, a queried return can be corrected by the provider. The corrected value becomes the
-- return's current revision; the one it replaces is kept, whole, in monitoring_return_revisions
-- and never changed, so the history of what was said and when stays on the record.

-- +goose Up
ALTER TABLE kpis ADD COLUMN measure text;
UPDATE kpis SET measure = CASE
    WHEN unit = '%' THEN 'percentage'
    WHEN unit = '£' THEN 'money'
    WHEN lower(unit) ~ '^(minutes?|hours?|days?|weeks?|months?|years?)$' THEN 'time'
    ELSE 'count' END;

-- +goose StatementBegin
CREATE FUNCTION pg_temp.kpi_value_fits(m text, x numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE m
        WHEN 'percentage' THEN x BETWEEN 0 AND 100
        WHEN 'count' THEN x >= 0 AND x = trunc(x)
        WHEN 'money' THEN x >= 0 AND x * 100 = trunc(x * 100)
        WHEN 'time' THEN x >= 0
        ELSE true END
$$;
-- +goose StatementEnd

UPDATE kpis k SET measure = 'number'
WHERE NOT (pg_temp.kpi_value_fits(k.measure, k.target) AND pg_temp.kpi_value_fits(k.measure, k.amber_threshold)
        AND pg_temp.kpi_value_fits(k.measure, k.red_threshold))
   OR EXISTS (SELECT 1 FROM monitoring_returns r WHERE r.kpi_id = k.id AND r.value IS NOT NULL
        AND NOT pg_temp.kpi_value_fits(k.measure, r.value));
DROP FUNCTION pg_temp.kpi_value_fits(text, numeric);

-- The default only serves rows written straight into the table (test fixtures, loaders
-- written before this column): every KPI made through internal/contract names its measure.
ALTER TABLE kpis ALTER COLUMN measure SET NOT NULL, ALTER COLUMN measure SET DEFAULT 'number',
    ADD CONSTRAINT kpis_measure CHECK (measure IN ('percentage','count','money','time','number'));
COMMENT ON COLUMN kpis.measure IS 'what a value is, which decides the values possible (internal/contract measure.go); unit is how it is labelled';

ALTER TABLE monitoring_returns ADD COLUMN revision int NOT NULL DEFAULT 1 CHECK (revision >= 1);
COMMENT ON COLUMN monitoring_returns.revision IS 'which submission the value, commentary and evidence are: 1, then one more for each correction';

-- The revisions a correction replaced, exactly as they were. Rows are only ever inserted.
CREATE TABLE monitoring_return_revisions (
    return_id            uuid NOT NULL REFERENCES monitoring_returns(id) ON DELETE CASCADE,
    revision             int NOT NULL CHECK (revision >= 1),
    value                numeric(18,4) NOT NULL,
    commentary           text NOT NULL DEFAULT '' CHECK (length(commentary) <= 5000),
    evidence_document_id uuid REFERENCES documents(id) ON DELETE SET NULL,
    submitted_at         timestamptz NOT NULL,
    submitted_by         uuid REFERENCES users(id) ON DELETE SET NULL,
    submitted_by_name    text NOT NULL DEFAULT '',
    recorded_by_officer  boolean NOT NULL DEFAULT false,
    accepted_at          timestamptz,
    accepted_by          uuid REFERENCES users(id) ON DELETE SET NULL,
    accepted_by_name     text NOT NULL DEFAULT '',
    replaced_at          timestamptz NOT NULL,
    PRIMARY KEY (return_id, revision)
);
COMMENT ON TABLE monitoring_return_revisions IS 'earlier revisions of a monitoring return, kept when the provider corrects it; never updated';

-- +goose Down
DROP TABLE monitoring_return_revisions;
ALTER TABLE monitoring_returns DROP COLUMN revision;
ALTER TABLE kpis DROP COLUMN measure;
