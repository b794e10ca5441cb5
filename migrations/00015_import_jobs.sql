-- +goose Up
-- Bulk imports of existing suppliers (internal/importer): one row per uploaded file run,
-- so an import's progress and report survive across requests and across portal instances.
-- The web handler creates the row, a goroutine on the instance that took the upload runs it
-- and writes its progress here; any instance can show the page.
CREATE TABLE import_jobs (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_by     uuid REFERENCES users(id) ON DELETE SET NULL,
    file_name      text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    format         text NOT NULL CHECK (format IN ('csv', 'xlsx')),
    file_size      int NOT NULL CHECK (file_size >= 0),
    file_sha256    text NOT NULL,
    file_sealed    text,
    mode           text NOT NULL CHECK (mode IN ('all-or-nothing', 'valid-only')),
    dry_run        boolean NOT NULL,
    bank_verified  boolean NOT NULL DEFAULT false,
    source_job_id  uuid REFERENCES import_jobs(id) ON DELETE SET NULL,
    status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    total          int NOT NULL DEFAULT 0 CHECK (total >= 0),
    done           int NOT NULL DEFAULT 0 CHECK (done >= 0),
    report         jsonb,
    error          text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    heartbeat_at   timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    CHECK (source_job_id IS NULL OR NOT dry_run)
);
CREATE INDEX import_jobs_recent ON import_jobs (created_at DESC);
CREATE INDEX import_jobs_unfinished ON import_jobs (heartbeat_at) WHERE status IN ('queued', 'running');
-- One import of a checked file at a time: pressing "Import" twice on a dry run's report
-- finds the first import rather than starting a second. A failed one may be retried.
CREATE UNIQUE INDEX import_jobs_one_import_per_check ON import_jobs (source_job_id)
    WHERE source_job_id IS NOT NULL AND status <> 'failed';

COMMENT ON TABLE import_jobs IS 'bulk supplier imports: the file, the options chosen, progress and the report';
COMMENT ON COLUMN import_jobs.file_sealed IS 'the uploaded file, base64 and sealed by internal/vault (it holds bank details); cleared once an import has run and, for checks, after 7 days';
COMMENT ON COLUMN import_jobs.bank_verified IS 'the operator ticked that the bank details come from the finance system of record';
COMMENT ON COLUMN import_jobs.source_job_id IS 'the dry run whose file this import runs for real';
COMMENT ON COLUMN import_jobs.heartbeat_at IS 'last sign of life from the instance running the job; a queued or running job silent for longer than importer.StaleAfter is failed';
COMMENT ON COLUMN import_jobs.report IS 'summary counts, file errors and the failed rows only (row, supplier_ref, field messages)';

-- +goose Down
DROP TABLE import_jobs;
