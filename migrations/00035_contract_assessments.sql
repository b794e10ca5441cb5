-- Contract performance assessments (Procurement Act 2023, sections 52 and 71; issue 15 item 6).
-- An officer rates the provider's performance against each KPI and overall on the statutory
-- scale at least once every 12 months, on termination, and for a breach or for poor
-- performance after a chance to improve. The portal proposes each rating from the accepted
-- returns over the period; the officer confirms or changes it, with a reason when they depart
-- from the proposal. Nothing is stored until the officer confirms, so there are no drafts.
--
-- contracts.assessment_due_on is when the next periodic or termination assessment is due,
-- kept by internal/contract whenever a contract, its KPIs or its assessments change, so the
-- "Your work" list and count read one small partial index however many contracts there are.

-- +goose Up
CREATE TABLE contract_assessments (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_id       uuid NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    kind              text NOT NULL CHECK (kind IN ('periodic','termination','breach','poor_performance')),
    period_start      date NOT NULL,
    period_end        date NOT NULL CHECK (period_end >= period_start),
    proposed_rating   text NOT NULL CHECK (proposed_rating IN ('good','approaching_target','requires_improvement','inadequate','other')),
    rating            text NOT NULL CHECK (rating IN ('good','approaching_target','requires_improvement','inadequate','other')),
    -- Each KPI as it was assessed: name, target, the accepted values counted, the proposed
    -- and confirmed ratings. A snapshot, so a later change to a KPI does not rewrite it.
    kpi_ratings       jsonb NOT NULL CHECK (jsonb_typeof(kpi_ratings) = 'array'),
    reason            text NOT NULL DEFAULT '' CHECK (length(reason) <= 5000),
    confirmed_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    confirmed_by_name text NOT NULL,
    confirmed_at      timestamptz NOT NULL DEFAULT now(),
    version           int NOT NULL DEFAULT 1,
    CONSTRAINT breach_and_poor_performance_have_reason CHECK (kind IN ('periodic','termination') OR reason <> '')
);
-- One periodic or termination assessment per period start: two officers confirming the
-- same assessment at once cannot both succeed.
CREATE UNIQUE INDEX contract_assessments_one_per_period ON contract_assessments (contract_id, period_start)
    WHERE kind IN ('periodic','termination');
CREATE INDEX contract_assessments_contract ON contract_assessments (contract_id, confirmed_at DESC);
COMMENT ON TABLE contract_assessments IS 'internal/contract: confirmed contract performance assessments (Procurement Act 2023 s.71), per KPI and overall';

ALTER TABLE contracts ADD COLUMN assessment_due_on date;
COMMENT ON COLUMN contracts.assessment_due_on IS 'when the next periodic or termination performance assessment is due; NULL when none is (internal/contract assessment.go)';
-- No contract has been assessed yet: due 12 months from the start, or when it ends if sooner,
-- for contracts in force or ended with a KPI marked most material (the ones published).
UPDATE contracts c SET assessment_due_on = least((c.start_date + interval '12 months')::date, coalesce(c.terminated_on, c.end_date))
WHERE c.status <> 'draft' AND EXISTS (SELECT 1 FROM kpis k WHERE k.contract_id = c.id AND k.most_material);
CREATE INDEX contracts_assessment_due ON contracts (assessment_due_on, id) INCLUDE (organisation_id) WHERE assessment_due_on IS NOT NULL;

-- +goose Down
DROP INDEX contracts_assessment_due;
ALTER TABLE contracts DROP COLUMN assessment_due_on;
DROP TABLE contract_assessments;
