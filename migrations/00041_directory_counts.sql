-- +goose Up
-- How many providers have each status, in all and in each service category, kept by the
-- database as organisations change, so the directory's count and the dashboard's figures
-- read a few rows rather than counting 100,000 on every view. A trigger appends a +1 or -1
-- row for each change, so concurrent changes never wait on one shared counter row (nor
-- deadlock over two); a job folds the rows together every few minutes
-- (provider.CompactDirectoryCounts). A count is the sum of its rows. Category '' is every
-- provider of the status.
CREATE TABLE provider_directory_counts (
    status text NOT NULL,
    category text NOT NULL,
    n bigint NOT NULL
);
CREATE INDEX provider_directory_counts_key ON provider_directory_counts (category, status);

-- +goose StatementBegin
CREATE FUNCTION provider_directory_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO provider_directory_counts (status, category, n)
        SELECT OLD.status, c, -1 FROM (SELECT '' AS c UNION SELECT unnest(OLD.service_categories)) cats;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO provider_directory_counts (status, category, n)
        SELECT NEW.status, c, 1 FROM (SELECT '' AS c UNION SELECT unnest(NEW.service_categories)) cats;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER organisations_directory_counts AFTER INSERT OR DELETE ON organisations
    FOR EACH ROW EXECUTE FUNCTION provider_directory_counts_track();
-- Only a change of status or categories moves a count: every other save leaves the table alone.
CREATE TRIGGER organisations_directory_counts_change AFTER UPDATE OF status, service_categories ON organisations
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.service_categories IS DISTINCT FROM NEW.service_categories)
    EXECUTE FUNCTION provider_directory_counts_track();
-- TRUNCATE fires no row trigger: it empties the counts too.
-- +goose StatementBegin
CREATE FUNCTION provider_directory_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM provider_directory_counts;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER organisations_directory_counts_truncate AFTER TRUNCATE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION provider_directory_counts_truncate();

-- The counts as they stand, taken with organisations locked against changes, so none is
-- missed between the trigger and the count.
LOCK TABLE organisations IN SHARE MODE;
INSERT INTO provider_directory_counts (status, category, n)
SELECT status, '', count(*) FROM organisations GROUP BY status
UNION ALL
SELECT o.status, c, count(*) FROM organisations o, LATERAL (SELECT DISTINCT unnest(o.service_categories) AS c) cats GROUP BY o.status, c;

-- +goose Down
DROP TRIGGER organisations_directory_counts_truncate ON organisations;
DROP TRIGGER organisations_directory_counts_change ON organisations;
DROP TRIGGER organisations_directory_counts ON organisations;
DROP FUNCTION provider_directory_counts_truncate();
DROP FUNCTION provider_directory_counts_track();
DROP TABLE provider_directory_counts;
