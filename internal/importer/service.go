package importer

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
)

// Service imports suppliers and invites their key contacts to claim the records. It writes
// only its own import_jobs: the records, the bank-detail requests and the audit trail are
// written by their owners (provider, finance, audit), so their rules hold for an import too.
type Service struct {
	DB    *sqlx.DB
	Vault *vault.Vault
	// Checks are the provider forms' checks as of now (the modulus table, today's date, the
	// legal minimum cover), called once per run.
	Checks  func() provider.Checks
	BaseURL *url.URL
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Providers creates and updates the provider records; NewService makes one over DB and
	// Vault.
	Providers *provider.Service
	// Finance opens the bank-detail requests that imported bank details become, under
	// finance's own controls. It must be set to import rows that give bank details.
	Finance *finance.Service
}

// NewService makes the import service. checks gives the modulus table and the minimum
// employer's liability cover; its Today is ignored in favour of the UK date at each run, so a
// service made once at start-up never judges expiry dates by a stale day. Set Service.Checks
// to fix the date (tests), and Service.Finance before importing bank details.
func NewService(db *sqlx.DB, v *vault.Vault, checks provider.Checks, baseURL *url.URL) *Service {
	s := &Service{DB: db, Vault: v, BaseURL: baseURL}
	s.Checks = func() provider.Checks {
		c := checks
		c.Today = today(s.now())
		return c
	}
	s.Providers = &provider.Service{DB: db, Vault: v, BaseURL: baseURL, Checks: func() provider.Checks { return s.Checks() }}
	return s
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// importLock serialises imports and invitations, so two runs never race to create the same
// supplier reference or invite the same contact twice.
const importLock int64 = 0x696d706f7274 // "import"

// Run reads a whole file and checks every row with the same checks as the provider forms;
// unless DryRun it then writes in ONE transaction (all-or-nothing, or valid rows only).
// A bad file is a Report with FileErrors, not an error; error is for infrastructure failures
// and for options no caller should pass (apperr.Invalid). The actor comes from ctx
// (audit.WithActor).
func (s *Service) Run(ctx context.Context, r io.Reader, opts Options) (Report, error) {
	if opts.Mode == "" {
		opts.Mode = AllOrNothing
	}
	if _, ok := ParseFormat(string(opts.Format)); !ok {
		return Report{}, apperr.New(apperr.Invalid, "Choose the file's format: CSV or XLSX")
	}
	if _, ok := ParseMode(string(opts.Mode)); !ok {
		return Report{}, apperr.New(apperr.Invalid, "Choose whether to import all rows or none, or only the valid rows")
	}
	sh := readSheet(r, opts.Format)
	if len(sh.fileErrors) == 0 {
		checkRepeatedRefs(&sh)
	}
	rep := Report{SHA256: sh.sha256}
	if len(sh.fileErrors) > 0 {
		rep.FileErrors = sh.fileErrors
		return rep, s.recordRun(ctx, s.DB, rep, opts)
	}
	run := &importRun{s: s, opts: opts, checks: s.Checks(), rep: &rep}
	run.total = len(sh.rows)
	if !opts.DryRun {
		run.total *= 2
	}
	if err := run.checkRows(ctx, sh.rows); err != nil {
		return Report{}, err
	}
	if err := s.transact(ctx, opts.DryRun, func(tx *sqlx.Tx) error { return run.execute(ctx, tx) }); err != nil {
		return Report{}, err
	}
	run.progress(run.total)
	if opts.DryRun {
		return rep, s.recordRun(ctx, s.DB, rep, opts)
	}
	return rep, nil
}

// transact runs fn in a transaction that commits when fn succeeds, or, read only, is always
// rolled back (a dry run reads the records to check against and writes nothing).
func (s *Service) transact(ctx context.Context, readOnly bool, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.DB.BeginTxx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return fmt.Errorf("import: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return err
	}
	if readOnly {
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("import: commit: %w", err)
	}
	return nil
}

// importRun is one import in progress.
type importRun struct {
	s      *Service
	opts   Options
	checks provider.Checks
	rep    *Report
	recs   []rowRecord
	// bank is what to do with each row's bank details, decided against the stored records.
	bank     []bankAction
	existing map[string]*provider.ExistingSupplier
	total    int
	reported int
}

// progress reports done steps of total: at the start, every 100 steps and at the end.
func (r *importRun) progress(done int) {
	if r.opts.Progress == nil || (done == r.reported && done != 0) {
		return
	}
	if done == 0 || done == r.total || done-r.reported >= 100 {
		r.reported = done
		r.opts.Progress(done, r.total)
	}
}

// checkRows runs every row's own checks: these need nothing stored.
func (r *importRun) checkRows(ctx context.Context, rows []sheetRow) error {
	r.rep.Total = len(rows)
	r.rep.Rows = make([]RowReport, len(rows))
	r.recs = make([]rowRecord, len(rows))
	r.bank = make([]bankAction, len(rows))
	r.progress(0)
	for i, row := range rows {
		rec, errs := checkRow(row, r.checks)
		r.recs[i] = rec
		r.rep.Rows[i] = RowReport{Row: row.num, SupplierRef: rec.ref, Errors: errs}
		r.progress(i + 1)
		if i%1000 == 999 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// execute checks the rows against the stored records and, on a real run, writes them.
func (r *importRun) execute(ctx context.Context, tx *sqlx.Tx) error {
	if !r.opts.DryRun {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, importLock); err != nil {
			return fmt.Errorf("import: lock: %w", err)
		}
	}
	if err := r.checkAgainstRecords(ctx, tx); err != nil {
		return err
	}
	for _, row := range r.rep.Rows {
		if row.Failed() {
			r.rep.Failed++
		}
	}
	if r.opts.DryRun {
		return nil
	}
	for i := range r.rep.Rows {
		if r.rep.Rows[i].Failed() {
			r.rep.Rows[i].Outcome = OutcomeSkipped
		}
	}
	if r.opts.Mode == AllOrNothing && r.rep.Failed > 0 {
		return r.s.recordRun(ctx, tx, *r.rep, r.opts)
	}
	if err := r.write(ctx, tx); err != nil {
		return err
	}
	r.rep.Committed = r.rep.Created+r.rep.Updated > 0
	return r.s.recordRun(ctx, tx, *r.rep, r.opts)
}
