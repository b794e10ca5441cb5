package importer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/importer/importtest"
	"github.com/council/provider-portal/internal/provider"
	"github.com/xuri/excelize/v2"
)

func TestImportCreatesApprovedRecords(t *testing.T) {
	t.Parallel()
	for _, format := range []importer.Format{importer.CSV, importer.XLSX} {
		t.Run(string(format), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			rows := f.rows(3)
			rows[1]["postcode"] = "nn1 1aa"
			vat := importtest.VAT(1)
			rows[1]["vat_number"] = "gb " + vat[2:5] + " " + vat[5:9] + " " + vat[9:] // as people write it
			file := importtest.CSV(rows)
			if format == importer.XLSX {
				file = importtest.XLSX(rows)
			}
			rep := f.run(t, file, importer.Options{Format: format})
			if !rep.OK() || rep.Total != 3 || rep.Created != 3 || rep.Updated != 0 || !rep.Committed {
				t.Fatalf("report %+v", rep)
			}
			for _, r := range rep.Rows {
				if r.Outcome != importer.OutcomeCreated {
					t.Errorf("row %d outcome %q", r.Row, r.Outcome)
				}
			}
			var org struct {
				ID       string  `db:"id"`
				Status   string  `db:"status"`
				Legal    string  `db:"legal_name"`
				Postcode string  `db:"postcode"`
				VAT      *string `db:"vat_number"`
				URNs     string  `db:"ofsted_urns"`
				Decided  bool    `db:"decided"`
				Imported bool    `db:"imported"`
			}
			if err := f.db.Get(&org, `SELECT id, status, legal_name, postcode, vat_number, ofsted_urns::text,
				decided_at IS NOT NULL AS decided, imported_at IS NOT NULL AS imported FROM organisations WHERE supplier_ref = 'IMP00001'`); err != nil {
				t.Fatal(err)
			}
			if org.Status != "approved" || org.Legal != "Supplier 1 Ltd" || org.Postcode != "NN1 1AA" || org.VAT == nil ||
				*org.VAT != importtest.VAT(1) || org.URNs != "{SC100001}" || !org.Decided || !org.Imported {
				t.Errorf("organisation %+v", org)
			}
			if n := f.count(t, `SELECT count(*) FROM provider_status_history WHERE to_status = 'approved' AND from_status IS NULL
				AND by_name = 'Olive Officer'`); n != 3 {
				t.Errorf("%d status history entries", n)
			}
			tasks, err := provider.Tasks(f.ctx, f.db, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			// The file answers every question of these sections; the others need the provider.
			want := map[provider.SectionKey]provider.TaskStatus{
				provider.SectionOrganisation: provider.TaskInProgress, provider.SectionContacts: provider.TaskInProgress,
				provider.SectionAddresses: provider.TaskCompleted, provider.SectionVAT: provider.TaskCompleted,
				provider.SectionBank: provider.TaskCompleted, provider.SectionInsurance: provider.TaskInProgress,
				provider.SectionRegulation: provider.TaskInProgress, provider.SectionSafeguarding: provider.TaskNotStarted,
				provider.SectionHealthSafety: provider.TaskNotStarted, provider.SectionDeclarations: provider.TaskCannotStartYet,
			}
			for _, task := range tasks {
				if task.Status != want[task.Key] {
					t.Errorf("section %s is %q, want %q", task.Key, task.Status, want[task.Key])
				}
			}
			if n := f.count(t, `SELECT count(*) FROM provider_sections WHERE data <> approved_data OR pending_review`); n != 0 {
				t.Errorf("%d sections not in force as imported", n)
			}
			if n := f.count(t, `SELECT count(*) FROM provider_policy_expiries WHERE expires_on IS NOT NULL`); n != 6 {
				t.Errorf("%d policy expiries derived from the imported insurance, want 6", n)
			}
			if n := f.count(t, `SELECT count(*) FROM audit_events WHERE action = 'provider.import.created' AND actor_id = $1`, f.userID); n != 3 {
				t.Errorf("%d creation events", n)
			}
			var summary string
			if err := f.db.Get(&summary, `SELECT summary::text FROM audit_events WHERE action = 'provider_import.imported'`); err != nil {
				t.Fatal(err)
			}
			var s map[string]any
			_ = json.Unmarshal([]byte(summary), &s)
			if s["file_sha256"] != rep.SHA256 || s["created"] != 3.0 || s["bank_requests"] != 3.0 || s["mode"] != "all-or-nothing" {
				t.Errorf("run audited as %s", summary)
			}
			if rep.BankRequests != 3 {
				t.Errorf("report: %d bank-detail requests, want 3", rep.BankRequests)
			}
			if n := f.count(t, `SELECT count(*) FROM payment_details`); n != 0 {
				t.Errorf("%d payment details made by an import", n)
			}
			if res, err := audit.Verify(f.ctx, f.db); err != nil || !res.OK() {
				t.Errorf("audit chain after the import: %+v (%v)", res, err)
			}
		})
	}
}

// failingFile is four rows of which the third (row 4) has an impossible VAT number.
func failingFile(f *fixture) []byte {
	rows := f.rows(4)
	rows[2]["vat_number"] = "GB123456789"
	return importtest.CSV(rows)
}

func TestAllOrNothingWritesNothingWhenARowFails(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rep := f.run(t, failingFile(f), importer.Options{Mode: importer.AllOrNothing})
	if rep.Failed != 1 || rep.Created != 0 || rep.Committed || rep.OK() {
		t.Fatalf("report %+v", rep)
	}
	failed := rep.FailedRows()
	if len(failed) != 1 || failed[0].Row != 4 || failed[0].SupplierRef != "IMP00002" || len(failed[0].Errors) != 1 ||
		failed[0].Errors["vat_number"] == "" {
		t.Errorf("failed rows %+v", failed)
	}
	for _, r := range rep.Rows {
		if want := map[bool]string{true: importer.OutcomeSkipped, false: ""}[r.Failed()]; r.Outcome != want {
			t.Errorf("row %d outcome %q, want %q", r.Row, r.Outcome, want)
		}
	}
	for _, table := range []string{"organisations", "provider_sections", "provider_status_history"} {
		if n := f.count(t, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%d rows in %s", n, table)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM audit_events WHERE action = 'provider_import.refused'`); n != 1 {
		t.Errorf("%d refused imports audited", n)
	}
}

func TestValidOnlyWritesTheGoodRows(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rep := f.run(t, failingFile(f), importer.Options{Mode: importer.ValidOnly})
	if rep.Failed != 1 || rep.Created != 3 || !rep.Committed || rep.OK() {
		t.Fatalf("report %+v", rep)
	}
	var refs []string
	if err := f.db.Select(&refs, `SELECT supplier_ref FROM organisations ORDER BY supplier_ref`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(refs, []string{"IMP00000", "IMP00001", "IMP00003"}) {
		t.Errorf("imported %v", refs)
	}
	if rep.Rows[2].Outcome != importer.OutcomeSkipped || rep.Rows[3].Outcome != importer.OutcomeCreated {
		t.Errorf("outcomes %q, %q", rep.Rows[2].Outcome, rep.Rows[3].Outcome)
	}
}

// TestImportingAgainUpdates imports a file twice: the second run updates the same records,
// keeps what the provider added since, and changes nothing it has no new value for.
func TestImportingAgainUpdates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rows := f.rows(3)
	first := f.run(t, importtest.CSV(rows), importer.Options{})
	if first.Created != 3 {
		t.Fatalf("first import %+v", first)
	}
	// The provider has since claimed the first record and given their key contact's role.
	if _, err := f.db.Exec(`UPDATE provider_sections s SET data = s.data || '{"key_contact_role": "Director"}',
		approved_data = s.approved_data || '{"key_contact_role": "Director"}'
		FROM organisations o WHERE o.id = s.organisation_id AND o.supplier_ref = 'IMP00000' AND s.section = 'contacts'`); err != nil {
		t.Fatal(err)
	}
	rows[1]["town"] = "Kettering"
	rows[2]["trading_name"] = "" // an empty cell keeps what is stored
	second := f.run(t, importtest.CSV(rows), importer.Options{})
	if !second.OK() || second.Created != 0 || second.Updated != 3 {
		t.Fatalf("second import %+v", second)
	}
	for _, r := range second.Rows {
		if r.Outcome != importer.OutcomeUpdated {
			t.Errorf("row %d outcome %q", r.Row, r.Outcome)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM organisations`); n != 3 {
		t.Errorf("%d organisations after importing three suppliers twice", n)
	}
	section := func(ref, key, field string) string {
		var v string
		if err := f.db.Get(&v, `SELECT coalesce(s.approved_data->>$3, '') FROM provider_sections s JOIN organisations o ON o.id = s.organisation_id
			WHERE o.supplier_ref = $1 AND s.section = $2`, ref, key, field); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := section("IMP00000", "contacts", "key_contact_role"); got != "Director" {
		t.Errorf("the provider's key contact role became %q", got)
	}
	if got := section("IMP00001", "addresses", "reg_town"); got != "Kettering" {
		t.Errorf("town %q after the update", got)
	}
	if got := section("IMP00002", "organisation", "trading_name"); got != "Supplier 2" {
		t.Errorf("trading name %q after an import with the cell empty", got)
	}
	// Sections the second file did not change are not rewritten.
	if n := f.count(t, `SELECT count(*) FROM provider_sections s JOIN organisations o ON o.id = s.organisation_id
		WHERE s.version > 1 AND NOT (o.supplier_ref = 'IMP00001' AND s.section = 'addresses')
		AND NOT (o.supplier_ref = 'IMP00000' AND s.section = 'contacts')`); n != 0 {
		t.Errorf("%d unchanged sections were rewritten", n)
	}
	if n := f.count(t, `SELECT count(*) FROM organisations WHERE import_updated_at IS NOT NULL`); n != 3 {
		t.Errorf("%d organisations marked updated", n)
	}
	if n := f.count(t, `SELECT count(*) FROM provider_status_history`); n != 3 {
		t.Errorf("%d status changes after an update", n)
	}
}

func TestARegisteredProviderIsNotChanged(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var ref string
	if err := f.db.Get(&ref, `INSERT INTO organisations (name) VALUES ('Registered Ltd') RETURNING supplier_ref`); err != nil {
		t.Fatal(err)
	}
	rows := f.rows(2)
	rows[1]["supplier_ref"] = ref
	rep := f.run(t, importtest.CSV(rows), importer.Options{Mode: importer.ValidOnly})
	if rep.Created != 1 || rep.Failed != 1 {
		t.Fatalf("report %+v", rep)
	}
	want := "This supplier reference belongs to a provider who registered through the portal, so an import cannot change their record"
	if got := rep.Rows[1].Errors["supplier_ref"]; got != want {
		t.Errorf("message %q", got)
	}
	if n := f.count(t, `SELECT count(*) FROM organisations WHERE supplier_ref = $1 AND name = 'Registered Ltd' AND legal_name IS NULL`, ref); n != 1 {
		t.Error("the registered provider's record changed")
	}
}

// TestImportedReferencesStayOutOfThePortalsSeries imports a reference in the series the
// portal gives registrations, and expects the next registration to get a later one.
func TestImportedReferencesStayOutOfThePortalsSeries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rows := f.rows(1)
	rows[0]["supplier_ref"] = "SUP5000"
	if rep := f.run(t, importtest.CSV(rows), importer.Options{}); rep.Created != 1 {
		t.Fatalf("report %+v", rep)
	}
	var ref string
	if err := f.db.Get(&ref, `INSERT INTO organisations (name) VALUES ('Registered Ltd') RETURNING supplier_ref`); err != nil {
		t.Fatal(err)
	}
	if ref != "SUP5001" {
		t.Errorf("the next registration got %s", ref)
	}
}

func TestDryRunAuditsOnlyTheCheck(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rep := f.run(t, failingFile(f), importer.Options{DryRun: true})
	if rep.Failed != 1 || rep.Committed || rep.Created != 0 {
		t.Fatalf("report %+v", rep)
	}
	for _, table := range []string{"organisations", "provider_sections", "payment_details", "bank_detail_changes"} {
		if n := f.count(t, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%d rows in %s after a dry run", n, table)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM audit_events`); n != 1 {
		t.Errorf("%d audit events, want the dry run's one", n)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_events WHERE action = 'provider_import.dry_run' AND summary->>'failed' = '1'`); n != 1 {
		t.Error("the dry run is not audited")
	}
}

func TestProgressRisesToTheTotal(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, dry := range []bool{true, false} {
		var calls [][2]int
		rep := f.run(t, importtest.CSV(f.rows(250)), importer.Options{DryRun: dry, Progress: func(done, total int) {
			calls = append(calls, [2]int{done, total})
		}})
		if !rep.OK() {
			t.Fatalf("report %+v", rep)
		}
		total := 250
		if !dry {
			total = 500
		}
		if len(calls) < 3 || calls[0] != [2]int{0, total} || calls[len(calls)-1] != [2]int{total, total} {
			t.Fatalf("dry run %v: progress %v", dry, calls)
		}
		for i := 1; i < len(calls); i++ {
			if calls[i][0] < calls[i-1][0] || calls[i][1] != total {
				t.Errorf("dry run %v: progress went %v then %v", dry, calls[i-1], calls[i])
			}
		}
	}
}

// TestXLSXCells reads what only a workbook has: date cells, numbers that lost their leading
// zeros, formulas, a data sheet that is not the first, and empty rows between rows.
func TestXLSXCells(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	x := excelize.NewFile()
	defer x.Close()
	_ = x.SetSheetName("Sheet1", "Read me")
	if _, err := x.NewSheet(importer.SheetName); err != nil {
		t.Fatal(err)
	}
	put := func(row int, r importtest.Row, override map[string]any) {
		for i, c := range importer.Columns {
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			var v any = r[c]
			if o, ok := override[c]; ok {
				v = o
			}
			if s, ok := v.(string); ok && len(s) > 0 && s[0] == '=' {
				if err := x.SetCellFormula(importer.SheetName, cell, s[1:]); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := x.SetCellValue(importer.SheetName, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	header := importtest.Row{}
	for _, c := range importer.Columns {
		header[c] = c
	}
	put(1, header, nil)
	expiry := f.today.AddDate(1, 0, 0)
	put(2, importtest.ValidRow(0, f.today), map[string]any{"sort_code": 89999, "el_expiry": expiry, "el_cover_pence": 1000000000})
	put(3, importtest.ValidRow(1, f.today), map[string]any{"town": "=UPPER(\"Northampton\")"})
	put(5, importtest.ValidRow(2, f.today), map[string]any{"pl_expiry": expiry.Format("02/01/2006")})
	var b bytes.Buffer
	if _, err := x.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	rep := f.run(t, b.Bytes(), importer.Options{Format: importer.XLSX, Mode: importer.ValidOnly})
	if len(rep.FileErrors) > 0 || len(rep.Rows) != 3 {
		t.Fatalf("report %+v", rep)
	}
	if nums := []int{rep.Rows[0].Row, rep.Rows[1].Row, rep.Rows[2].Row}; !slices.Equal(nums, []int{2, 3, 5}) {
		t.Errorf("rows numbered %v", nums)
	}
	if len(rep.Rows[0].Errors) != 0 || len(rep.Rows[2].Errors) != 0 {
		t.Errorf("good rows failed: %v, %v", rep.Rows[0].Errors, rep.Rows[2].Errors)
	}
	if got := rep.Rows[1].Errors; len(got) != 1 || got["town"] != "Town or city must be typed in, not worked out by a formula" {
		t.Errorf("formula row errors %v", got)
	}
	var day string
	if err := f.db.Get(&day, `SELECT expires_on::text FROM provider_policy_expiries p JOIN organisations o ON o.id = p.organisation_id
		WHERE o.supplier_ref = 'IMP00000' AND p.kind = 'employers_liability'`); err != nil {
		t.Fatal(err)
	}
	if day != expiry.Format(time.DateOnly) {
		t.Errorf("date cell read as %s", day)
	}
}

func TestBadOptionsAreRefused(t *testing.T) {
	t.Parallel()
	svc := &importer.Service{}
	for _, opts := range []importer.Options{{Format: "ods"}, {Format: importer.CSV, Mode: "some"}} {
		if _, err := svc.Run(context.Background(), bytes.NewReader(nil), opts); err == nil {
			t.Errorf("options %+v accepted", opts)
		}
	}
}
