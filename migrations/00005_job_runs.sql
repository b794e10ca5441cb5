-- +goose Up
-- When each periodic job last ran, so that however many instances run, a daily job runs
-- once a day: an instance claims the row under an advisory lock only when it is due.
CREATE TABLE job_runs (
    name             text PRIMARY KEY,
    last_started_at  timestamptz NOT NULL DEFAULT '-infinity',
    last_finished_at timestamptz,
    last_error       text,
    runs             bigint NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE job_runs;
