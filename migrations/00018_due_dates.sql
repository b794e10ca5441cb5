-- Insurance expiry dates and DBS check dates, kept out of the approved section JSON in
-- tables of their own, so the officers' dashboard finds what falls due with an index instead
-- of reading every provider's insurance and safeguarding documents on each view. A trigger
-- keeps them in step with provider_sections.approved_data, whatever writes it (approval,
-- accepted changes, imports, retention's destruction, the seeder), so they cannot drift.
-- The definitions are the ones the compliance rules use (internal/quality): the policies the
-- insurance rule looks at, employer's liability left out when the organisation is exempt;
-- and, for each current member of staff, the later of the certificate's issue date and the
-- last status check.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION portal_json_date(j jsonb) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    -- The date a form date input stored as JSON ({"Day", "Month", "Year"}) holds, or NULL
    -- when it holds none. The nested CASEs check the text before casting it.
    SELECT CASE WHEN j->>'Year' ~ '^[0-9]{4}$' AND j->>'Month' ~ '^[0-9]{1,2}$' AND j->>'Day' ~ '^[0-9]{1,2}$' THEN
        CASE WHEN (j->>'Year')::int BETWEEN 1900 AND 2200 AND (j->>'Month')::int BETWEEN 1 AND 12 AND (j->>'Day')::int >= 1 THEN
        CASE WHEN (j->>'Day')::int <= extract(day FROM make_date((j->>'Year')::int, (j->>'Month')::int, 1) + interval '1 month - 1 day') THEN
        make_date((j->>'Year')::int, (j->>'Month')::int, (j->>'Day')::int) END END END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION portal_json_array(j jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    -- An array, or an empty one when the value is not an array: an odd document is skipped
    -- rather than failing the write.
    SELECT CASE WHEN jsonb_typeof(j) = 'array' THEN j ELSE '[]'::jsonb END
$$;
-- +goose StatementEnd

CREATE TABLE provider_policy_expiries (
    organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    position        int NOT NULL,
    kind            text NOT NULL,
    insurer         text NOT NULL,
    policy_number   text NOT NULL,
    expires_on      date,
    PRIMARY KEY (organisation_id, position)
);
CREATE INDEX provider_policy_expiries_expires_on ON provider_policy_expiries (expires_on);
COMMENT ON TABLE provider_policy_expiries IS 'derived from the approved insurance section by trigger; never written directly';

CREATE TABLE provider_dbs_checks (
    organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    position        int NOT NULL,
    last_check      date NOT NULL,
    PRIMARY KEY (organisation_id, position)
);
CREATE INDEX provider_dbs_checks_last_check ON provider_dbs_checks (last_check);
COMMENT ON TABLE provider_dbs_checks IS 'derived from the approved safeguarding section by trigger; names no one; never written directly';

-- +goose StatementBegin
CREATE FUNCTION portal_refresh_due_dates(org uuid, sec text, approved jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF sec = 'insurance' THEN
        DELETE FROM provider_policy_expiries WHERE organisation_id = org;
        IF approved IS NOT NULL THEN
            INSERT INTO provider_policy_expiries (organisation_id, position, kind, insurer, policy_number, expires_on)
            SELECT org, p.n, p.value->>'kind', coalesce(p.value->>'insurer', ''), coalesce(p.value->>'policy_number', ''),
                portal_json_date(p.value->'expiry')
            FROM jsonb_array_elements(portal_json_array(approved->'policies')) WITH ORDINALITY AS p(value, n)
            WHERE p.value->>'kind' IN ('employers_liability', 'public_liability', 'professional_indemnity')
                AND NOT (p.value->>'kind' = 'employers_liability' AND coalesce(approved->>'el_exempt', '') = 'yes');
        END IF;
    ELSIF sec = 'safeguarding' THEN
        DELETE FROM provider_dbs_checks WHERE organisation_id = org;
        IF approved IS NOT NULL THEN
            INSERT INTO provider_dbs_checks (organisation_id, position, last_check)
            SELECT org, s.n, s.last_check FROM (
                SELECT m.n, greatest(portal_json_date(m.value->'issue_date'),
                    CASE WHEN coalesce(m.value->>'last_check_result', '') <> 'not_checked'
                        THEN portal_json_date(m.value->'last_check_date') END) AS last_check
                FROM jsonb_array_elements(portal_json_array(approved->'staff')) WITH ORDINALITY AS m(value, n)
                WHERE coalesce(m.value->'left_on'->>'Day', '') = '' AND coalesce(m.value->'left_on'->>'Month', '') = ''
                    AND coalesce(m.value->'left_on'->>'Year', '') = ''
            ) s WHERE s.last_check IS NOT NULL;
        END IF;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION portal_provider_sections_due_dates() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM portal_refresh_due_dates(OLD.organisation_id, OLD.section, NULL);
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.approved_data IS NOT DISTINCT FROM OLD.approved_data THEN
        RETURN NULL;
    END IF;
    PERFORM portal_refresh_due_dates(NEW.organisation_id, NEW.section, NEW.approved_data);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER provider_sections_due_dates
    AFTER INSERT OR UPDATE OR DELETE ON provider_sections
    FOR EACH ROW
    EXECUTE FUNCTION portal_provider_sections_due_dates();

SELECT portal_refresh_due_dates(organisation_id, section, approved_data)
FROM provider_sections WHERE section IN ('insurance', 'safeguarding') AND approved_data IS NOT NULL;

-- +goose Down
DROP TRIGGER provider_sections_due_dates ON provider_sections;
DROP FUNCTION portal_provider_sections_due_dates();
DROP FUNCTION portal_refresh_due_dates(uuid, text, jsonb);
DROP TABLE provider_dbs_checks;
DROP TABLE provider_policy_expiries;
DROP FUNCTION portal_json_array(jsonb);
DROP FUNCTION portal_json_date(jsonb);
