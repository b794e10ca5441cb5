-- Regulators' published judgements (issue 15, item 3). An officer uploads, or an operator
-- imports from the command line, Ofsted's children's social care providers and inspections
-- file or the CQC's care directory with ratings. Rows whose URN or CQC location id belongs to
-- a provider are kept here, so compliance reads the regulator's word beside the provider's own.
--
-- * regulator_imports is one file read: a check (the dry run the officer sees) until it is
--   applied. A check stores only the matched rows it read, never a judgement, so nothing it
--   finds counts until someone applies it.
-- * regulator_judgements is every published judgement applied, with the file it came from;
--   the latest per (source, regulator_id) is the one in force.

-- +goose Up
CREATE TABLE regulator_imports (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source       text NOT NULL CHECK (source IN ('ofsted','cqc')),
    file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 300),
    file_sha256  text NOT NULL,
    rows_read    int NOT NULL,
    unmatched    int NOT NULL,
    matched      jsonb NOT NULL,
    status       text NOT NULL DEFAULT 'checked' CHECK (status IN ('checked','applied')),
    checked_by   uuid REFERENCES users(id) ON DELETE SET NULL,
    checked_at   timestamptz NOT NULL DEFAULT now(),
    applied_by   uuid REFERENCES users(id) ON DELETE SET NULL,
    applied_at   timestamptz,
    CONSTRAINT applied_has_time CHECK (status <> 'applied' OR applied_at IS NOT NULL)
);
CREATE INDEX regulator_imports_recent ON regulator_imports (checked_at DESC);
COMMENT ON COLUMN regulator_imports.matched IS 'the rows whose id matched a provider: [{"regulator_id","organisation_id","name","judgement","judgement_date"}]';

CREATE TABLE regulator_judgements (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    import_id       uuid NOT NULL REFERENCES regulator_imports(id) ON DELETE CASCADE,
    source          text NOT NULL CHECK (source IN ('ofsted','cqc')),
    regulator_id    text NOT NULL,
    organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    judgement       text NOT NULL CHECK (judgement IN ('outstanding','good','requires_improvement','inadequate','not_judged')),
    judgement_date  date,
    file_name       text NOT NULL,
    imported_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX regulator_judgements_latest ON regulator_judgements (source, regulator_id, imported_at DESC);
CREATE INDEX regulator_judgements_provider ON regulator_judgements (organisation_id);
COMMENT ON COLUMN regulator_judgements.regulator_id IS 'the Ofsted URN or the CQC location id, as the file published it';

-- +goose Down
DROP TABLE regulator_judgements;
DROP TABLE regulator_imports;
