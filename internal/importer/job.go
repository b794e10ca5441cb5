package importer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/vault"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

// JobStatus is where an import job is: queued when uploaded, running while an instance
// works through it, then done (whatever the file held: the report says) or failed (the
// service could not finish it).
type JobStatus string

const (
	JobQueued  JobStatus = "queued"
	JobRunning JobStatus = "running"
	JobDone    JobStatus = "done"
	JobFailed  JobStatus = "failed"
)

// How a job reports its progress and shows it is alive. A job runs in a goroutine of the
// instance that took the upload, so nothing else notices if that instance dies: the
// runner touches heartbeat_at every HeartbeatInterval, and any instance that reads jobs
// first fails those queued or running whose heartbeat is older than StaleAfter (see
// failStale). An import writes in one transaction, so a dead instance's import left
// nothing behind unless it had committed, and a repeat is safe: rows match on supplier_ref.
const (
	// ProgressRows and ProgressInterval bound how often progress is written: after this
	// many more rows, or this much time, whichever comes first.
	ProgressRows     = 200
	ProgressInterval = 250 * time.Millisecond
	// HeartbeatInterval is how often a running job says it is alive between progress writes.
	HeartbeatInterval = 30 * time.Second
	// StaleAfter is how long a queued or running job may go without a heartbeat before it
	// is shown as failed. It is many heartbeats, so a busy database does not fail a live job.
	StaleAfter = 5 * time.Minute
	// JobTimeout ends a run that takes longer than any file this size should.
	JobTimeout = 30 * time.Minute
	// KeepCheckedFileFor is how long a dry run keeps its file, for "import this file" on
	// its report. An import's file is cleared as soon as it has run.
	KeepCheckedFileFor = 7 * 24 * time.Hour
)

// Messages a person sees on a failed job. They say what happened to the data, since that
// is what an operator needs to know before trying again.
const (
	staleMessage = "The import stopped before it finished, probably because the service restarted. " +
		"An import is saved in one go, so nothing from it was saved unless it had finished. " +
		"Check the providers or upload the file again: importing the same file twice is safe, as suppliers are matched on supplier_ref."
	failedMessage = "The import could not be finished because of a problem with the service. " +
		"Nothing from it was saved. Try again later."
	timeoutMessage = "The import took too long and was stopped. Nothing from it was saved. " +
		"Try a smaller file, or try again later."
)

// Job is one uploaded file and what became of it. The file itself is not loaded with it.
type Job struct {
	ID            string     `db:"id"`
	CreatedBy     *string    `db:"created_by"`
	CreatedByName string     `db:"created_by_name"`
	FileName      string     `db:"file_name"`
	Format        Format     `db:"format"`
	FileSize      int        `db:"file_size"`
	FileSHA256    string     `db:"file_sha256"`
	HasFile       bool       `db:"has_file"`
	Mode          Mode       `db:"mode"`
	DryRun        bool       `db:"dry_run"`
	SourceJobID   *string    `db:"source_job_id"`
	Status        JobStatus  `db:"status"`
	Total         int        `db:"total"`
	Done          int        `db:"done"`
	Error         string     `db:"error"`
	CreatedAt     time.Time  `db:"created_at"`
	StartedAt     *time.Time `db:"started_at"`
	FinishedAt    *time.Time `db:"finished_at"`
	// Report is nil until the job is done. Its FailedRows are not loaded: see FailedRows.
	Report *JobReport `db:"-"`
	// ImportID is the live import started from this dry run's report, if any.
	ImportID *string `db:"import_id"`
}

// jobRow is a Job as read, with its report still encoded.
type jobRow struct {
	Job
	Report []byte `db:"report"`
}

// job decodes the report.
func (r *jobRow) job() (*Job, error) {
	j := r.Job
	if len(r.Report) == 0 {
		return &j, nil
	}
	var rep JobReport
	if err := json.Unmarshal(r.Report, &rep); err != nil {
		return nil, fmt.Errorf("import job %s report: %w", j.ID, err)
	}
	j.Report = &rep
	return &j, nil
}

// Finished reports whether the job will change no more.
func (j *Job) Finished() bool { return j.Status == JobDone || j.Status == JobFailed }

// Percent is how far through the rows the job is, 0 to 100.
func (j *Job) Percent() int {
	if j.Total <= 0 {
		return 0
	}
	return min(100, j.Done*100/j.Total)
}

// Importable reports whether this is a finished dry run whose file an import would take
// something from: the file was readable, and in all-or-nothing mode no row failed (the
// import would refuse the lot), in valid-only mode at least one row passed.
func (j *Job) Importable() bool {
	if !j.DryRun || j.Status != JobDone || j.Report == nil || !j.HasFile || len(j.Report.FileErrors) > 0 {
		return false
	}
	if j.Mode == AllOrNothing {
		return j.Report.Failed == 0 && j.Report.Total > 0
	}
	return j.Report.Failed < j.Report.Total
}

// JobReport is what a job keeps of a Report: the counts, the file errors and only the
// failed rows, so a 50,000-row file that is nearly all good stays small.
type JobReport struct {
	FileErrors []string `json:"file_errors"`
	Total      int      `json:"total"`
	Failed     int      `json:"failed"`
	Created    int      `json:"created"`
	Updated    int      `json:"updated"`
	Committed  bool     `json:"committed"`
	// BankRequests is how many bank-detail requests the import opened for finance.
	BankRequests int         `json:"bank_requests"`
	FailedRows   []RowReport `json:"failed_rows,omitempty"`
	// WarnedRows are imported rows with signs of mandate fraud (the first maxWarnedRows),
	// for finance to check before verifying their bank details.
	WarnedRows []RowReport `json:"warned_rows,omitempty"`
}

// maxWarnedRows bounds the warned rows a job keeps in its report.
const maxWarnedRows = 500

// OK reports whether the file was readable and every row passed.
func (r JobReport) OK() bool { return len(r.FileErrors) == 0 && r.Failed == 0 }

// jobReport keeps what a job needs of a run's report.
func jobReport(r Report) JobReport {
	out := JobReport{FileErrors: r.FileErrors, Total: r.Total, Failed: r.Failed, Created: r.Created,
		Updated: r.Updated, Committed: r.Committed, BankRequests: r.BankRequests, FailedRows: []RowReport{}}
	if out.FileErrors == nil {
		out.FileErrors = []string{}
	}
	for _, row := range r.Rows {
		if len(row.Errors) > 0 {
			out.FailedRows = append(out.FailedRows, row)
		}
		if len(row.Warnings) > 0 && len(out.WarnedRows) < maxWarnedRows {
			out.WarnedRows = append(out.WarnedRows, row)
		}
	}
	return out
}

// NewJob is an upload to check or import.
type NewJob struct {
	FileName string
	Format   Format
	Content  []byte
	Mode     Mode
	DryRun   bool
}

// Jobs keeps import jobs in PostgreSQL, so any instance can show one. The file is sealed
// with the vault: it holds bank details, which are never stored in clear.
type Jobs struct {
	DB    *sqlx.DB
	Vault *vault.Vault
}

// fileAAD binds a sealed file to its job, so a ciphertext copied to another row fails to open.
func fileAAD(jobID string) string { return "import_jobs:" + jobID + ":file" }

// jobColumns are the columns of a Job, from import_jobs j; the report without its failed rows.
const jobColumns = `j.id, j.created_by, coalesce(u.name, '') AS created_by_name, j.file_name, j.format,
	j.file_size, j.file_sha256, j.file_sealed IS NOT NULL AS has_file, j.mode, j.dry_run,
	j.source_job_id, j.status, j.total, j.done, j.error, j.created_at, j.started_at, j.finished_at,
	j.report - 'failed_rows' AS report,
	(SELECT i.id FROM import_jobs i WHERE i.source_job_id = j.id AND i.status <> 'failed' LIMIT 1) AS import_id`

const jobFrom = ` FROM import_jobs j LEFT JOIN users u ON u.id = j.created_by `

// Create stores an upload as a queued job for the actor in ctx, audited without its
// content. It also clears the files of dry runs older than KeepCheckedFileFor.
func (js *Jobs) Create(ctx context.Context, n NewJob) (*Job, error) {
	if _, ok := ParseFormat(string(n.Format)); !ok {
		return nil, apperr.New(apperr.Invalid, "The file must be a CSV or XLSX file")
	}
	if n.Mode != AllOrNothing && n.Mode != ValidOnly {
		return nil, apperr.New(apperr.Invalid, "Choose what to do with rows that have problems")
	}
	name := cleanFileName(n.FileName)
	id := uuid.NewString()
	sealed, err := js.Vault.Seal(base64.StdEncoding.EncodeToString(n.Content), fileAAD(id))
	if err != nil {
		return nil, fmt.Errorf("seal import file: %w", err)
	}
	sum := sha256.Sum256(n.Content)
	actor := audit.ActorFrom(ctx)
	var createdBy any
	if actor.UserID != "" {
		createdBy = actor.UserID
	}
	err = db.Transact(ctx, js.DB, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO import_jobs
			(id, created_by, file_name, format, file_size, file_sha256, file_sealed, mode, dry_run)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			id, createdBy, name, n.Format, len(n.Content), hex.EncodeToString(sum[:]), sealed, n.Mode, n.DryRun); err != nil {
			return err
		}
		if err := clearOldFiles(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "provider_import.uploaded", ObjectType: "import_job", ObjectID: id,
			Summary: map[string]any{"file_name": name, "format": n.Format, "bytes": len(n.Content),
				"sha256": hex.EncodeToString(sum[:]), "mode": n.Mode, "dry_run": n.DryRun}})
	})
	if err != nil {
		return nil, fmt.Errorf("create import job: %w", err)
	}
	return js.Job(ctx, id)
}

// cleanFileName keeps the last part of an uploaded file's name, without control
// characters, at most 255 bytes: browsers send what the user's system called it.
func cleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	for len(name) > 255 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" {
		return "upload"
	}
	return name
}

// clearOldFiles drops the files of dry runs checked long ago: their reports stay.
func clearOldFiles(ctx context.Context, q sqlx.ExecerContext) error {
	_, err := q.ExecContext(ctx, `UPDATE import_jobs SET file_sealed = NULL
		WHERE file_sealed IS NOT NULL AND finished_at < now() - make_interval(secs => $1)`, KeepCheckedFileFor.Seconds())
	return err
}

// failStale fails queued or running jobs whose instance has gone quiet for StaleAfter, so a
// crash shows as a failure rather than a progress bar that never moves.
func failStale(ctx context.Context, q sqlx.ExecerContext) error {
	_, err := q.ExecContext(ctx, `UPDATE import_jobs SET status = 'failed', error = $2, finished_at = now()
		WHERE status IN ('queued', 'running') AND heartbeat_at < now() - make_interval(secs => $1)`,
		StaleAfter.Seconds(), staleMessage)
	return err
}

// Job returns one job, without its file or failed rows. An unknown or malformed id is
// apperr.NotFound.
func (js *Jobs) Job(ctx context.Context, id string) (*Job, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, apperr.New(apperr.NotFound, "There is no such import")
	}
	if err := failStale(ctx, js.DB); err != nil {
		return nil, fmt.Errorf("fail stale import jobs: %w", err)
	}
	var row jobRow
	if err := js.DB.GetContext(ctx, &row, `SELECT `+jobColumns+jobFrom+`WHERE j.id = $1`, id); err != nil {
		if db.IsNoRows(err) {
			return nil, apperr.New(apperr.NotFound, "There is no such import")
		}
		return nil, fmt.Errorf("import job %s: %w", id, err)
	}
	return row.job()
}

// Recent returns the latest jobs, newest first.
func (js *Jobs) Recent(ctx context.Context, limit int) ([]Job, error) {
	if err := failStale(ctx, js.DB); err != nil {
		return nil, fmt.Errorf("fail stale import jobs: %w", err)
	}
	var rows []jobRow
	if err := js.DB.SelectContext(ctx, &rows, `SELECT `+jobColumns+jobFrom+`ORDER BY j.created_at DESC, j.id LIMIT $1`, limit); err != nil {
		return nil, fmt.Errorf("recent import jobs: %w", err)
	}
	out := make([]Job, len(rows))
	for i := range rows {
		j, err := rows[i].job()
		if err != nil {
			return nil, err
		}
		out[i] = *j
	}
	return out, nil
}

// FailedRows returns a page of a finished job's failed rows, in file order: limit rows
// after offset, or all of them when limit is 0.
func (js *Jobs) FailedRows(ctx context.Context, id string, offset, limit int) ([]RowReport, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, apperr.New(apperr.NotFound, "There is no such import")
	}
	var lim any
	if limit > 0 {
		lim = limit
	}
	var raw [][]byte
	err := js.DB.SelectContext(ctx, &raw, `SELECT r.value FROM import_jobs j,
		jsonb_array_elements(coalesce(j.report->'failed_rows', '[]'::jsonb)) WITH ORDINALITY AS r(value, n)
		WHERE j.id = $1 ORDER BY r.n OFFSET $2 LIMIT $3`, id, offset, lim)
	if err != nil {
		return nil, fmt.Errorf("failed rows of import %s: %w", id, err)
	}
	out := make([]RowReport, len(raw))
	for i, b := range raw {
		if err := json.Unmarshal(b, &out[i]); err != nil {
			return nil, fmt.Errorf("failed rows of import %s: %w", id, err)
		}
		if out[i].Errors == nil {
			out[i].Errors = map[string]string{}
		}
	}
	return out, nil
}

// Repeat starts the import of a dry run's file for real, with the dry run's mode, as the
// actor who presses the button. If an import of this dry run is already under way or done,
// that one is returned, with started false, so pressing the button twice imports once.
func (js *Jobs) Repeat(ctx context.Context, dryRunID string) (job *Job, started bool, err error) {
	src, err := js.Job(ctx, dryRunID)
	if err != nil {
		return nil, false, err
	}
	if src.ImportID != nil {
		j, err := js.Job(ctx, *src.ImportID)
		return j, false, err
	}
	if !src.Importable() {
		if src.DryRun && src.Status == JobDone && !src.HasFile {
			return nil, false, apperr.New(apperr.Conflict, "This file was checked too long ago to import from here: upload it again")
		}
		return nil, false, apperr.New(apperr.Conflict, "This file cannot be imported from here")
	}
	var sealed string
	if err := js.DB.GetContext(ctx, &sealed, `SELECT file_sealed FROM import_jobs WHERE id = $1 AND file_sealed IS NOT NULL`, src.ID); err != nil {
		if db.IsNoRows(err) {
			return nil, false, apperr.New(apperr.Conflict, "This file was checked too long ago to import from here: upload it again")
		}
		return nil, false, fmt.Errorf("import job %s file: %w", src.ID, err)
	}
	encoded, err := js.Vault.Open(sealed, fileAAD(src.ID))
	if err != nil {
		return nil, false, fmt.Errorf("open import job %s file: %w", src.ID, err)
	}
	id := uuid.NewString()
	resealed, err := js.Vault.Seal(encoded, fileAAD(id))
	if err != nil {
		return nil, false, fmt.Errorf("seal import file: %w", err)
	}
	actor := audit.ActorFrom(ctx)
	var createdBy any
	if actor.UserID != "" {
		createdBy = actor.UserID
	}
	var inserted bool
	err = db.Transact(ctx, js.DB, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO import_jobs
			(id, created_by, file_name, format, file_size, file_sha256, file_sealed, mode, dry_run, source_job_id)
			SELECT $1, $2, file_name, format, file_size, file_sha256, $3, mode, false, id FROM import_jobs WHERE id = $4
			ON CONFLICT (source_job_id) WHERE source_job_id IS NOT NULL AND status <> 'failed' DO NOTHING`,
			id, createdBy, resealed, src.ID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		inserted = true
		return audit.Record(ctx, tx, audit.Event{Action: "provider_import.uploaded", ObjectType: "import_job", ObjectID: id,
			Summary: map[string]any{"file_name": src.FileName, "format": src.Format, "bytes": src.FileSize,
				"sha256": src.FileSHA256, "mode": src.Mode, "dry_run": false, "checked_by_job": src.ID}})
	})
	if err != nil {
		return nil, false, fmt.Errorf("import checked file %s: %w", src.ID, err)
	}
	if !inserted {
		// Someone pressed the button at the same moment: show theirs.
		var other string
		if err := js.DB.GetContext(ctx, &other, `SELECT id FROM import_jobs WHERE source_job_id = $1 AND status <> 'failed' LIMIT 1`, src.ID); err != nil {
			return nil, false, fmt.Errorf("import of checked file %s: %w", src.ID, err)
		}
		j, err := js.Job(ctx, other)
		return j, false, err
	}
	j, err := js.Job(ctx, id)
	return j, err == nil, err
}

// Run works through a queued job with svc: it claims the job, reads the file through
// svc.Run with a progress callback that writes to the job, and stores the report. It is
// meant for a goroutine with a context of its own (not a request's) carrying the actor
// (audit.WithActor); it returns nil at once if another runner has the job. A panic in the
// import fails the job rather than the instance. The error is for the log: the job already
// says, safely, that it failed.
func (js *Jobs) Run(ctx context.Context, svc *Service, id string) (err error) {
	ctx, cancel := context.WithTimeout(ctx, JobTimeout)
	defer cancel()
	var sealed sql.NullString
	var j struct {
		Format Format `db:"format"`
		Mode   Mode   `db:"mode"`
		DryRun bool   `db:"dry_run"`
	}
	row := js.DB.QueryRowxContext(ctx, `UPDATE import_jobs SET status = 'running', started_at = now(), heartbeat_at = now()
		WHERE id = $1 AND status = 'queued' RETURNING format, mode, dry_run, file_sealed`, id)
	if err := row.Scan(&j.Format, &j.Mode, &j.DryRun, &sealed); err != nil {
		if db.IsNoRows(err) {
			return nil
		}
		return fmt.Errorf("claim import job %s: %w", id, err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("import job %s panicked: %v", id, p)
		}
		if err != nil {
			msg := failedMessage
			if errors.Is(err, context.DeadlineExceeded) {
				msg = timeoutMessage
			}
			js.fail(id, msg)
		}
	}()
	if !sealed.Valid {
		return fmt.Errorf("import job %s has no file", id)
	}
	encoded, err := js.Vault.Open(sealed.String, fileAAD(id))
	if err != nil {
		return fmt.Errorf("open import job %s file: %w", id, err)
	}
	content, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return fmt.Errorf("decode import job %s file: %w", id, err)
	}

	stopBeat := js.heartbeat(ctx, id)
	defer stopBeat()
	progress := &progressWriter{js: js, ctx: ctx, id: id, now: time.Now}
	report, err := svc.Run(ctx, bytes.NewReader(content), Options{Format: j.Format, DryRun: j.DryRun, Mode: j.Mode,
		Progress: progress.update})
	if err != nil {
		return fmt.Errorf("import job %s: %w", id, err)
	}
	stopBeat()
	return js.finish(ctx, id, jobReport(report), !j.DryRun)
}

// finish stores the report and marks the job done; an import's file goes, as nothing
// needs it again. It writes whatever the status is, since a job failed as stale that did
// finish should say what really happened.
func (js *Jobs) finish(ctx context.Context, id string, r JobReport, clearFile bool) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode import job %s report: %w", id, err)
	}
	_, err = js.DB.ExecContext(ctx, `UPDATE import_jobs SET status = 'done', error = '', report = $2,
		total = $3, done = $3, finished_at = now(), heartbeat_at = now(),
		file_sealed = CASE WHEN $4 THEN NULL ELSE file_sealed END
		WHERE id = $1`, id, b, r.Total, clearFile)
	if err != nil {
		return fmt.Errorf("finish import job %s: %w", id, err)
	}
	return nil
}

// fail marks a job failed with a message for people. It uses a context of its own, since
// the run's may be what ran out.
func (js *Jobs) fail(id, msg string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// If this write fails too the job goes quiet, and failStale fails it later.
	_, _ = js.DB.ExecContext(ctx, `UPDATE import_jobs SET status = 'failed', error = $2, finished_at = now()
		WHERE id = $1 AND status IN ('queued', 'running')`, id, msg)
}

// heartbeat touches the job every HeartbeatInterval until the returned stop is called
// (which may be called more than once).
func (js *Jobs) heartbeat(ctx context.Context, id string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(HeartbeatInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				_, _ = js.DB.ExecContext(ctx, `UPDATE import_jobs SET heartbeat_at = now() WHERE id = $1 AND status = 'running'`, id)
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(done) })
		wg.Wait()
	}
}

// progressWriter writes a run's progress to its job, at most every ProgressRows rows or
// ProgressInterval, whichever comes first. The import may call it from any goroutine.
type progressWriter struct {
	js  *Jobs
	ctx context.Context
	id  string
	now func() time.Time

	mu              sync.Mutex
	wrote           bool
	lastDone, total int
	lastAt          time.Time
}

func (p *progressWriter) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	due := !p.wrote || total != p.total || done-p.lastDone >= ProgressRows || done < p.lastDone ||
		(done != p.lastDone && p.now().Sub(p.lastAt) >= ProgressInterval) || (done == total && done != p.lastDone)
	if !due {
		return
	}
	// Progress is only shown; a failed write is made good by the next one.
	_, err := p.js.DB.ExecContext(p.ctx, `UPDATE import_jobs SET done = $2, total = $3, heartbeat_at = now()
		WHERE id = $1 AND status = 'running'`, p.id, max(done, 0), max(total, 0))
	if err == nil {
		p.wrote, p.lastDone, p.total, p.lastAt = true, done, total, p.now()
	}
}
