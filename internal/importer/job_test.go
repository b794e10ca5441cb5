package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
)

// jobFixture is a database, a vault and the import service over them.
type jobFixture struct {
	db   *sqlx.DB
	jobs *Jobs
	svc  *Service
	ctx  context.Context
}

func newJobFixture(t *testing.T) *jobFixture {
	t.Helper()
	d := dbtest.New(t)
	v, err := vault.ParseKeys("test:" + vault.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://127.0.0.1:8080")
	checks := provider.ChecksWith(ukid.DefaultModulusTable())()
	var userID string
	if err := d.Get(&userID, `INSERT INTO users (email, name, password_hash, roles)
		VALUES ('ida@council.example', 'Ida Importer', 'x', '{officer}') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: userID, Email: "ida@council.example", Roles: []string{"officer"}})
	svc := NewService(d, v, checks, base)
	svc.Finance = &finance.Service{DB: d, Vault: v, Providers: svc.Providers, Modulus: checks.Modulus,
		Documents: document.PostgresStore{}, BaseURL: base, CouncilPhone: "01632 960 000"}
	return &jobFixture{db: d, jobs: &Jobs{DB: d, Vault: v}, svc: svc, ctx: ctx}
}

// jobTestRow is a row every check passes, for supplier ref.
func jobTestRow(ref string) []string {
	values := map[string]string{
		"supplier_ref": ref, "legal_name": "Acorn Care " + ref + " Ltd", "trading_name": "Acorn Care",
		"legal_form": "company", "companies_house_number": "08412345", "vat_number": "GB980780684",
		"address_line_1": "2 Meadow Road", "town": "Northampton", "postcode": "NN1 1AA",
		"key_contact_name": "Ruth Ellis", "key_contact_email": "ruth." + strings.ToLower(ref) + "@acorn.example",
		"key_contact_phone": "01604 496000", "account_name": "Acorn Care Ltd", "sort_code": "10-79-99",
		"account_number": "88837491", "el_insurer": "Zurich", "el_cover_pence": "1000000000",
		"el_expiry": time.Now().AddDate(1, 0, 0).Format("2006-01-02"), "pl_insurer": "Zurich",
		"pl_cover_pence": "500000000", "pl_expiry": time.Now().AddDate(1, 0, 0).Format("2006-01-02"),
	}
	row := make([]string, len(Columns))
	for i, c := range Columns {
		row[i] = values[c]
	}
	return row
}

// jobTestCSV is a file of n rows, where the rows numbered in bad (as a spreadsheet numbers
// them: the first data row is 2) have an impossible VAT number.
func jobTestCSV(t *testing.T, n int, bad ...int) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(Columns)
	for i := 0; i < n; i++ {
		row := jobTestRow(fmt.Sprintf("JT%05d", i))
		for _, r := range bad {
			if r == i+2 {
				row[indexOf("vat_number")] = "GB123456789"
			}
		}
		_ = w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func indexOf(column string) int {
	for i, c := range Columns {
		if c == column {
			return i
		}
	}
	panic("no column " + column)
}

// runJob creates a job and runs it to the end, as the web handler's goroutine does.
func (f *jobFixture) runJob(t *testing.T, n NewJob) *Job {
	t.Helper()
	j, err := f.jobs.Create(f.ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != JobQueued {
		t.Fatalf("new job status %s, want queued", j.Status)
	}
	if err := f.jobs.Run(f.ctx, f.svc, j.ID); err != nil {
		t.Fatal(err)
	}
	j, err = f.jobs.Job(f.ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func rowNumbers(rows []RowReport) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.Row
	}
	return out
}

func TestJobRunKeepsReportOfFailedRows(t *testing.T) {
	t.Parallel()
	f := newJobFixture(t)
	bad := []int{2, 40, 251, 302}
	tests := []struct {
		name        string
		dryRun      bool
		mode        Mode
		wantCreated int
		wantFile    bool
	}{
		{"dry run", true, ValidOnly, 0, true},
		{"all or nothing with failures imports none", false, AllOrNothing, 0, false},
		{"valid only imports the rest", false, ValidOnly, 301 - len(bad), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := f.runJob(t, NewJob{FileName: "suppliers.csv", Format: CSV, Content: jobTestCSV(t, 301, bad...), Mode: tt.mode, DryRun: tt.dryRun})
			if j.Status != JobDone || j.Report == nil {
				t.Fatalf("status %s (%s), report %v", j.Status, j.Error, j.Report)
			}
			r := j.Report
			if r.Total != 301 || r.Failed != len(bad) || r.Created != tt.wantCreated || j.Total != 301 || j.Done != 301 {
				t.Errorf("report total %d failed %d created %d; job %d of %d", r.Total, r.Failed, r.Created, j.Done, j.Total)
			}
			if r.FailedRows != nil {
				t.Errorf("Job loaded %d failed rows; FailedRows is for that", len(r.FailedRows))
			}
			if j.HasFile != tt.wantFile {
				t.Errorf("file kept: %v, want %v", j.HasFile, tt.wantFile)
			}
			all, err := f.jobs.FailedRows(f.ctx, j.ID, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(rowNumbers(all)); got != fmt.Sprint(bad) {
				t.Errorf("failed rows %s, want %v", got, bad)
			}
			for _, row := range all {
				if row.Errors["vat_number"] == "" || row.SupplierRef != fmt.Sprintf("JT%05d", row.Row-2) {
					t.Errorf("row %d: ref %q errors %v", row.Row, row.SupplierRef, row.Errors)
				}
			}
			page, err := f.jobs.FailedRows(f.ctx, j.ID, 1, 2)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(rowNumbers(page)); got != fmt.Sprint(bad[1:3]) {
				t.Errorf("second page of two %s, want %v", got, bad[1:3])
			}
		})
	}
	var orgs int
	if err := f.db.Get(&orgs, `SELECT count(*) FROM organisations WHERE supplier_ref LIKE 'JT%'`); err != nil {
		t.Fatal(err)
	}
	if orgs != 301-len(bad) {
		t.Errorf("%d organisations imported, want %d", orgs, 301-len(bad))
	}
}

func TestJobRunReportsAMalformedFile(t *testing.T) {
	t.Parallel()
	f := newJobFixture(t)
	j := f.runJob(t, NewJob{FileName: "notes.csv", Format: CSV, Content: []byte("name,colour\nAcorn,green\n"), Mode: AllOrNothing})
	if j.Status != JobDone || j.Report == nil || len(j.Report.FileErrors) == 0 || j.Report.Committed {
		t.Fatalf("status %s, report %+v: want done with file errors and nothing committed", j.Status, j.Report)
	}
}

func TestJobRunFailsWhenTheFileCannotBeRead(t *testing.T) {
	t.Parallel()
	f := newJobFixture(t)
	j, err := f.jobs.Create(f.ctx, NewJob{FileName: "a.csv", Format: CSV, Content: jobTestCSV(t, 1), Mode: ValidOnly})
	if err != nil {
		t.Fatal(err)
	}
	// A file sealed for another job does not open here (the vault binds it to its row).
	other, err := f.jobs.Vault.Seal("c3VwcGxpZXJz", fileAAD("00000000-0000-4000-8000-000000000000"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE import_jobs SET file_sealed = $2 WHERE id = $1`, j.ID, other); err != nil {
		t.Fatal(err)
	}
	if err := f.jobs.Run(f.ctx, f.svc, j.ID); err == nil {
		t.Fatal("Run of a file that does not open: no error")
	}
	j, err = f.jobs.Job(f.ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != JobFailed || j.Error != failedMessage {
		t.Errorf("status %s, error %q", j.Status, j.Error)
	}
	// A second runner finds nothing to claim.
	if err := f.jobs.Run(f.ctx, f.svc, j.ID); err != nil {
		t.Errorf("running a failed job again: %v", err)
	}
}

func TestStaleJobsShowAsFailed(t *testing.T) {
	t.Parallel()
	f := newJobFixture(t)
	tests := []struct {
		name       string
		status     JobStatus
		silentFor  time.Duration
		wantStatus JobStatus
	}{
		{"running, heard from recently", JobRunning, time.Minute, JobRunning},
		{"running, silent too long", JobRunning, StaleAfter + time.Minute, JobFailed},
		{"queued, silent too long", JobQueued, StaleAfter + time.Minute, JobFailed},
		{"done long ago", JobDone, 24 * time.Hour, JobDone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := f.jobs.Create(f.ctx, NewJob{FileName: "a.csv", Format: CSV, Content: jobTestCSV(t, 1), Mode: ValidOnly, DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.db.Exec(`UPDATE import_jobs SET status = $2, heartbeat_at = now() - make_interval(secs => $3) WHERE id = $1`,
				j.ID, tt.status, tt.silentFor.Seconds()); err != nil {
				t.Fatal(err)
			}
			recent, err := f.jobs.Recent(f.ctx, 50)
			if err != nil {
				t.Fatal(err)
			}
			got := JobStatus("")
			for _, r := range recent {
				if r.ID == j.ID {
					got = r.Status
				}
			}
			if got != tt.wantStatus {
				t.Errorf("listed as %q, want %q", got, tt.wantStatus)
			}
			j, err = f.jobs.Job(f.ctx, j.ID)
			if err != nil {
				t.Fatal(err)
			}
			if j.Status != tt.wantStatus || (tt.wantStatus == JobFailed && j.Error != staleMessage) {
				t.Errorf("status %s, error %q", j.Status, j.Error)
			}
		})
	}
}

func TestRepeatImportsACheckedFileOnce(t *testing.T) {
	t.Parallel()
	f := newJobFixture(t)
	check := f.runJob(t, NewJob{FileName: "suppliers.csv", Format: CSV, Content: jobTestCSV(t, 5, 3), Mode: ValidOnly, DryRun: true})
	if !check.Importable() {
		t.Fatalf("a valid-only check with good rows is not importable: %+v", check)
	}
	imp, started, err := f.jobs.Repeat(f.ctx, check.ID)
	if err != nil || !started {
		t.Fatalf("Repeat: started %v, %v", started, err)
	}
	if imp.DryRun || imp.Mode != ValidOnly || imp.SourceJobID == nil || *imp.SourceJobID != check.ID || imp.FileSHA256 != check.FileSHA256 {
		t.Errorf("import job %+v does not repeat the check %s", imp, check.ID)
	}
	again, started, err := f.jobs.Repeat(f.ctx, check.ID)
	if err != nil || started || again.ID != imp.ID {
		t.Errorf("second Repeat: job %v started %v err %v, want the first import %s", again, started, err, imp.ID)
	}
	if err := f.jobs.Run(f.ctx, f.svc, imp.ID); err != nil {
		t.Fatal(err)
	}
	imp, err = f.jobs.Job(f.ctx, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if imp.Status != JobDone || imp.Report.Created != 4 || imp.HasFile {
		t.Errorf("import: status %s created %d file kept %v", imp.Status, imp.Report.Created, imp.HasFile)
	}

	// The imported bank details wait for finance: a pending request each, no payment details.
	if imp.Report.BankRequests != 4 {
		t.Errorf("import report: %d bank-detail requests, want 4", imp.Report.BankRequests)
	}
	var pending, payable int
	if err := f.db.Get(&pending, `SELECT count(*) FROM bank_detail_changes WHERE status = 'pending_verification'`); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Get(&payable, `SELECT count(*) FROM payment_details`); err != nil {
		t.Fatal(err)
	}
	if pending != 4 || payable != 0 {
		t.Errorf("%d pending requests and %d payment details after the import, want 4 and 0", pending, payable)
	}
}

func TestRepeatRefusesWhatCannotBeImported(t *testing.T) {
	t.Parallel()
	f := newJobFixture(t)
	tests := []struct {
		name string
		job  NewJob
	}{
		{"all or nothing with a failed row", NewJob{FileName: "a.csv", Format: CSV, Content: jobTestCSV(t, 3, 2), Mode: AllOrNothing, DryRun: true}},
		{"a malformed file", NewJob{FileName: "a.csv", Format: CSV, Content: []byte("x,y\n1,2\n"), Mode: ValidOnly, DryRun: true}},
		{"an import, not a check", NewJob{FileName: "a.csv", Format: CSV, Content: jobTestCSV(t, 1), Mode: ValidOnly}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := f.runJob(t, tt.job)
			if _, _, err := f.jobs.Repeat(f.ctx, j.ID); !apperr.Is(err, apperr.Conflict) {
				t.Errorf("Repeat: %v, want a conflict", err)
			}
		})
	}
	if _, _, err := f.jobs.Repeat(f.ctx, "not-an-id"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("Repeat of a malformed id: %v, want not found", err)
	}
}

func TestCreateRefusesBadOptions(t *testing.T) {
	t.Parallel()
	f := newJobFixture(t)
	for _, n := range []NewJob{
		{FileName: "a.csv", Format: "pdf", Content: []byte("x"), Mode: ValidOnly},
		{FileName: "a.csv", Format: CSV, Content: []byte("x"), Mode: "some"},
	} {
		if _, err := f.jobs.Create(f.ctx, n); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("Create(%s, %s): %v, want invalid", n.Format, n.Mode, err)
		}
	}
}

func TestCreateSealsTheFileAndClearsOldOnes(t *testing.T) {
	t.Parallel()
	f := newJobFixture(t)
	content := jobTestCSV(t, 1)
	old, err := f.jobs.Create(f.ctx, NewJob{FileName: "old.csv", Format: CSV, Content: content, Mode: ValidOnly, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE import_jobs SET status = 'done', finished_at = now() - make_interval(secs => $2) WHERE id = $1`,
		old.ID, (KeepCheckedFileFor + time.Hour).Seconds()); err != nil {
		t.Fatal(err)
	}
	j, err := f.jobs.Create(f.ctx, NewJob{FileName: `C:\Users\ida\suppliers` + "\x07.csv", Format: CSV, Content: content, Mode: ValidOnly})
	if err != nil {
		t.Fatal(err)
	}
	var sealed string
	if err := f.db.Get(&sealed, `SELECT file_sealed FROM import_jobs WHERE id = $1`, j.ID); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "supplier_ref") || !strings.HasPrefix(sealed, "v1:") {
		t.Errorf("the file is not sealed: %.40q", sealed)
	}
	if j.FileName != "suppliers.csv" || j.CreatedByName != "Ida Importer" || j.FileSize != len(content) {
		t.Errorf("job name %q by %q size %d", j.FileName, j.CreatedByName, j.FileSize)
	}
	if old, err = f.jobs.Job(f.ctx, old.ID); err != nil || old.HasFile {
		t.Errorf("a check %s old still has its file (%v)", KeepCheckedFileFor, err)
	}
	var audited int
	if err := f.db.Get(&audited, `SELECT count(*) FROM audit_events WHERE action = 'provider_import.uploaded' AND object_id = $1`, j.ID); err != nil || audited != 1 {
		t.Errorf("upload audited %d times (%v)", audited, err)
	}
}

func TestProgressWriterWritesEveryFewRowsOrAfterAWhile(t *testing.T) {
	t.Parallel()
	f := newJobFixture(t)
	j, err := f.jobs.Create(f.ctx, NewJob{FileName: "a.csv", Format: CSV, Content: []byte("x"), Mode: ValidOnly})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE import_jobs SET status = 'running' WHERE id = $1`, j.ID); err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	p := &progressWriter{js: f.jobs, ctx: f.ctx, id: j.ID, now: func() time.Time { return clock }}
	steps := []struct {
		done, total int
		advance     time.Duration
		want        int // done as stored after the call
	}{
		{0, 1000, 0, 0},
		{1, 1000, 0, 0},                        // too soon, too few
		{150, 1000, 100 * time.Millisecond, 0}, // still both
		{200, 1000, 0, 200},                    // 200 rows on
		{210, 1000, ProgressInterval, 210},     // a while on
		{211, 1000, time.Millisecond, 210},     // neither
		{950, 1000, 0, 950},                    // many rows on
		{1000, 1000, 0, 1000},                  // the end is always written
		{1000, 1000, ProgressInterval, 1000},   // nothing new
		{5, 1000, 0, 5},                        // a new pass (writing after checking) starts again
	}
	for i, s := range steps {
		clock = clock.Add(s.advance)
		p.update(s.done, s.total)
		var stored int
		if err := f.db.Get(&stored, `SELECT done FROM import_jobs WHERE id = $1`, j.ID); err != nil {
			t.Fatal(err)
		}
		if stored != s.want {
			t.Errorf("step %d: update(%d, %d): stored %d, want %d", i, s.done, s.total, stored, s.want)
		}
	}
}

func TestCleanFileName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 200) + ".csv"
	tests := []struct{ in, want string }{
		{"suppliers.csv", "suppliers.csv"},
		{`C:\fakepath\suppliers.xlsx`, "suppliers.xlsx"},
		{"../../etc/passwd.csv", "passwd.csv"},
		{"bad\r\nname.csv", "badname.csv"},
		{"   ", "upload"},
		{long, strings.Repeat("é", 127)},
	}
	for _, tt := range tests {
		if got := cleanFileName(tt.in); got != tt.want {
			t.Errorf("cleanFileName(%.30q) = %.30q, want %.30q", tt.in, got, tt.want)
		}
	}
}

func TestJobPercentAndImportable(t *testing.T) {
	t.Parallel()
	rep := func(total, failed int, fileErrs ...string) *JobReport {
		return &JobReport{Total: total, Failed: failed, FileErrors: fileErrs}
	}
	tests := []struct {
		name    string
		job     Job
		percent int
		ok      bool
	}{
		{"queued", Job{Status: JobQueued, DryRun: true, HasFile: true}, 0, false},
		{"half way", Job{Status: JobRunning, Total: 400, Done: 200, DryRun: true, HasFile: true}, 50, false},
		{"clean check, all or nothing", Job{Status: JobDone, DryRun: true, HasFile: true, Mode: AllOrNothing, Report: rep(3, 0)}, 0, true},
		{"failures, all or nothing", Job{Status: JobDone, DryRun: true, HasFile: true, Mode: AllOrNothing, Report: rep(3, 1)}, 0, false},
		{"failures, valid only", Job{Status: JobDone, DryRun: true, HasFile: true, Mode: ValidOnly, Report: rep(3, 2)}, 0, true},
		{"every row failed", Job{Status: JobDone, DryRun: true, HasFile: true, Mode: ValidOnly, Report: rep(3, 3)}, 0, false},
		{"malformed", Job{Status: JobDone, DryRun: true, HasFile: true, Mode: ValidOnly, Report: rep(0, 0, "bad")}, 0, false},
		{"file cleared", Job{Status: JobDone, DryRun: true, Mode: ValidOnly, Report: rep(3, 0)}, 0, false},
		{"an import", Job{Status: JobDone, HasFile: true, Mode: ValidOnly, Report: rep(3, 0)}, 0, false},
	}
	for _, tt := range tests {
		if got := tt.job.Percent(); got != tt.percent {
			t.Errorf("%s: Percent() = %d, want %d", tt.name, got, tt.percent)
		}
		if got := tt.job.Importable(); got != tt.ok {
			t.Errorf("%s: Importable() = %v, want %v", tt.name, got, tt.ok)
		}
	}
}
