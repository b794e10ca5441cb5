package finance_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"maps"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/export/exporttest"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/xuri/excelize/v2"
)

// payees sets up three providers with approved details: an ordinary one, one whose legal
// name is a spreadsheet formula, and a suspended one; and a fourth with none.
func payees(t *testing.T) (*fixture, *person) {
	t.Helper()
	f := newFixture(t)
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")
	acorn := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	f.activate(acorn, accountA, fay, finn)
	evil := f.approvedProvider(`=HYPERLINK("http://evil.example","Click")`, "eve@evil.example", accountB)
	f.activate(evil, accountB, fay, finn)
	birch := f.approvedProvider("Birch Café Ltd", "bo@birch.example", accountC)
	f.activate(birch, accountC, fay, finn)
	if _, err := f.db.Exec(`UPDATE organisations SET status = 'suspended' WHERE id = $1`, birch.ID); err != nil {
		t.Fatal(err)
	}
	f.approvedProvider("Dormant Ltd", "dee@dormant.example", accountA)
	return f, fay
}

// run prepares and streams an export, returning the file.
func run(t *testing.T, f *fixture, who *person, prepare func(ctx context.Context) (*finance.Export, error)) ([]byte, finance.Result) {
	t.Helper()
	e, err := prepare(who.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	res, err := f.svc.WriteTo(who.ctx, e, &buf)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), res
}

// checkAudited checks the export's completion is in the audit trail with the file's digest,
// its row count and its filters.
func checkAudited(t *testing.T, f *fixture, who *person, file []byte, rows int, kind string) map[string]any {
	t.Helper()
	sum := sha256.Sum256(file)
	var row struct {
		ActorID string `db:"actor_id"`
		SHA     string `db:"sha"`
		Rows    int    `db:"rows"`
		Filters []byte `db:"filters"`
	}
	if err := f.db.Get(&row, `SELECT actor_id, summary->>'sha256' AS sha, (summary->>'rows')::int AS rows, summary->'filters' AS filters
		FROM audit_events WHERE action = 'finance.export.completed' AND object_id = $1 ORDER BY id DESC LIMIT 1`, kind); err != nil {
		t.Fatal(err)
	}
	if row.SHA != hex.EncodeToString(sum[:]) || row.Rows != rows || row.ActorID != who.ID {
		t.Errorf("audit: sha %s rows %d by %s; want sha %x rows %d by %s", row.SHA, row.Rows, row.ActorID, sum, rows, who.ID)
	}
	if n := f.count(`SELECT count(*) FROM audit_events WHERE action = 'finance.export.started' AND object_id = $1`, kind); n == 0 {
		t.Error("no start recorded")
	}
	return map[string]any{"filters": string(row.Filters)}
}

func TestFinancePaymentFileCSV(t *testing.T) {
	t.Parallel()
	f, fay := payees(t)
	file, res := run(t, f, fay, func(ctx context.Context) (*finance.Export, error) {
		return f.svc.PaymentExport(ctx, finance.PaymentExportOptions{Format: "csv"})
	})
	if !bytes.HasPrefix(file, []byte("\uFEFF")) {
		t.Error("the CSV has no byte order mark")
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(file, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := records[0]
	if strings.Join(header, "|") != "Supplier reference|Legal name|Trading name|VAT number|Companies House number|Remittance email|"+
		"Address line 1|Address line 2|Town|County|Postcode|Country|Account name|Sort code|Account number|Account as issued by the bank|"+
		"Building society roll number|Currency|Payment method|Supplier status|Status|Effective date|Hold payments until" {
		t.Errorf("header = %v", header)
	}
	if len(records) != 3 || res.Rows != 2 {
		t.Fatalf("%d records (%d rows reported), want a header and 2 (suspended and unverified providers left out)", len(records), res.Rows)
	}
	col := func(r []string, name string) string { return column(t, header, r, name) }
	acorn, evil := records[1], records[2]
	today := f.svc.Today()
	for name, want := range map[string]string{
		"Legal name": "Acorn Fostering Ltd", "Sort code": "089999", "Account number": "66374958", "Status": "Approved",
		"Address line 1": "1 Oak Lane", "Town": "Exampleton", "Country": "GB", "Currency": "GBP", "Payment method": "BACS",
		"Supplier status": "Active", "Account as issued by the bank": "", "Postcode": "EX1 1AA", "VAT number": "GB980780684",
		"Companies House number": "01234567", "Remittance email": "remittance@new-bank-details.example",
		"Effective date": today.Format("2006-01-02"), "Hold payments until": today.AddDate(0, 0, 5).Format("2006-01-02"),
	} {
		if got := col(acorn, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if got := col(evil, "Legal name"); got != `'=HYPERLINK("http://evil.example","Click")` {
		t.Errorf("formula legal name written as %q", got)
	}
	checkAudited(t, f, fay, file, 2, "supplier_payment_file")

	file, res = run(t, f, fay, func(ctx context.Context) (*finance.Export, error) {
		return f.svc.PaymentExport(ctx, finance.PaymentExportOptions{Format: "csv", IncludeSuspended: true})
	})
	if res.Rows != 3 || !strings.Contains(string(file), "Suspended") {
		t.Errorf("with suspended providers: %d rows\n%s", res.Rows, file)
	}
	filters := checkAudited(t, f, fay, file, 3, "supplier_payment_file")
	if !strings.Contains(filters["filters"].(string), `"include_suspended": true`) {
		t.Errorf("filters audited as %s", filters["filters"])
	}
}

// TestPaymentFileXLSX opens the workbook with excelize: sort codes and account numbers are
// text with their leading zeros, and the formula legal name is neutralised.
func TestFinancePaymentFileXLSX(t *testing.T) {
	t.Parallel()
	f, fay := payees(t)
	file, res := run(t, f, fay, func(ctx context.Context) (*finance.Export, error) {
		return f.svc.PaymentExport(ctx, finance.PaymentExportOptions{Format: "xlsx", IncludeSuspended: true})
	})
	checkAudited(t, f, fay, file, res.Rows, "supplier_payment_file")
	x, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Suppliers")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want a header and 3", len(rows))
	}
	colOf := map[string]string{}
	for i, h := range rows[0] {
		name, _ := excelize.ColumnNumberToName(i + 1)
		colOf[h] = name
	}
	tests := []struct{ cell, want string }{
		{colOf["Legal name"] + "2", "Acorn Fostering Ltd"},
		{colOf["Sort code"] + "2", "089999"},
		{colOf["Account number"] + "2", "66374958"},
		{colOf["Legal name"] + "3", `'=HYPERLINK("http://evil.example","Click")`},
		{colOf["Sort code"] + "3", "107999"},
		{colOf["Status"] + "4", "Suspended"},
		{colOf["Legal name"] + "4", "Birch Café Ltd"},
	}
	for _, tt := range tests {
		got, err := x.GetCellValue("Suppliers", tt.cell)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s = %q, want %q", tt.cell, got, tt.want)
		}
		typ, _ := x.GetCellType("Suppliers", tt.cell)
		if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%s is %v, want a text cell", tt.cell, typ)
		}
		if formula, _ := x.GetCellFormula("Suppliers", tt.cell); formula != "" {
			t.Errorf("%s holds the formula %q", tt.cell, formula)
		}
	}
	if panes, _ := x.GetPanes("Suppliers"); !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header row not frozen: %+v", panes)
	}
	// Dates are real dates in the one date format, identifiers stay text.
	sheet := exporttest.Open(t, file)
	today := f.svc.Today()
	sheet.AssertDate("Effective date", 2, today)
	sheet.AssertDate("Hold payments until", 2, today.AddDate(0, 0, 5))
	sheet.AssertText("Sort code", 2, "089999")
	sheet.AssertText("Companies House number", 2, "01234567")
}

func TestFinanceExportProfiles(t *testing.T) {
	t.Parallel()
	f, fay := payees(t)
	ctx := context.Background()
	p := &finance.Profile{Name: "Ledger import", Delimiter: "|", DateFormat: "ddmmyyyy", HeaderRow: true, Columns: []finance.ProfileColumn{
		{Field: "account_number", Header: "ACCNO"}, {Field: "sort_code", Header: "SORT"}, {Field: "supplier_ref", Header: "VENDOR"},
		{Field: "effective_from", Header: "FROM"},
	}}
	id, err := f.svc.SaveProfile(fay.ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := finance.ProfileByID(ctx, f.db, id)
	if err != nil {
		t.Fatal(err)
	}
	file, _ := run(t, f, fay, func(ctx context.Context) (*finance.Export, error) {
		return f.svc.PaymentExport(ctx, finance.PaymentExportOptions{Format: "csv", Profile: saved})
	})
	lines := strings.Split(string(file), "\r\n")
	if lines[0] != "ACCNO|SORT|VENDOR|FROM" {
		t.Errorf("header = %q", lines[0])
	}
	var ref string
	if err := f.db.Get(&ref, `SELECT supplier_ref FROM organisations WHERE legal_name = 'Acorn Fostering Ltd'`); err != nil {
		t.Fatal(err)
	}
	if want := "66374958|089999|" + ref + "|" + f.svc.Today().Format("02012006"); lines[1] != want {
		t.Errorf("first row = %q, want %q", lines[1], want)
	}

	tests := []struct {
		name   string
		change func(p *finance.Profile)
		want   map[string]string
	}{
		{"duplicate name", func(p *finance.Profile) { p.Name = "ledger IMPORT" }, map[string]string{"name": "There is already a layout with this name"}},
		{"no columns", func(p *finance.Profile) { p.Columns = nil }, map[string]string{"columns": "Select at least one column"}},
		{"unknown field", func(p *finance.Profile) { p.Columns = []finance.ProfileColumn{{Field: "password", Header: "P"}} },
			map[string]string{"columns": "Select the columns from the list"}},
		{"empty heading", func(p *finance.Profile) { p.Columns = []finance.ProfileColumn{{Field: "sort_code", Header: " "}} },
			map[string]string{"header-sort_code": "Enter the heading for sort code"}},
		{"bad delimiter and date", func(p *finance.Profile) { p.Delimiter, p.DateFormat = "x", "mm/dd/yy" },
			map[string]string{"delimiter": "Select the character that separates the fields", "date_format": "Select the date format"}},
	}
	for _, tt := range tests {
		q := &finance.Profile{Name: "Another", Delimiter: ",", DateFormat: "dd/mm/yyyy",
			Columns: []finance.ProfileColumn{{Field: "sort_code", Header: "Sort"}}}
		tt.change(q)
		_, err := f.svc.SaveProfile(fay.ctx, q)
		if got := apperr.FieldsOf(err); !maps.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	saved.Name = "Ledger import v2"
	if _, err := f.svc.SaveProfile(fay.ctx, saved); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SaveProfile(fay.ctx, saved); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("saving a stale version: %v", err)
	}
	if err := f.svc.DeleteProfile(fay.ctx, id, saved.Version); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("deleting a stale version: %v", err)
	}
	if err := f.svc.DeleteProfile(fay.ctx, id, saved.Version+1); err != nil {
		t.Errorf("delete: %v", err)
	}
}

// TestChangeReport lists a month's changes to bank details, whatever became of them, and to
// key contacts accepted by an officer.
func TestFinanceChangeReport(t *testing.T) {
	t.Parallel()
	f, fay := payees(t)
	ctx := context.Background()
	var acorn providerOrg
	if err := f.db.Get(&acorn.ID, `SELECT id FROM organisations WHERE legal_name = 'Acorn Fostering Ltd'`); err != nil {
		t.Fatal(err)
	}
	pat := f.person("pat2@acorn.example", "Pat Two", "provider")
	if _, err := f.db.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, pat.ID, acorn.ID); err != nil {
		t.Fatal(err)
	}
	c, err := f.svc.RequestChange(pat.ctx, acorn.ID, request(accountC))
	if err != nil {
		t.Fatal(err)
	}
	contacts, _ := finance.ContactsOnFile(ctx, f.db, acorn.ID)
	if err := f.svc.RecordCall(fay.ctx, c.ID, c.Version, finance.CallInput{NumberUsed: contacts[0].Phone, Outcome: finance.OutcomeDenied}); err != nil {
		t.Fatal(err)
	}
	// The key contact changes after approval, and an officer accepts it.
	def, _ := provider.SectionByKey(string(provider.SectionContacts))
	rec, _ := provider.SectionRecordByKey(ctx, f.db, acorn.ID, provider.SectionContacts)
	newContacts := &provider.ContactsAnswers{KeyContactName: "Kim Key", KeyContactRole: "Director", KeyContactEmail: "kim.key@acorn.example",
		KeyContactPhone: "07700 900982"}
	if err := f.providers.SaveSection(pat.ctx, acorn.ID, def, newContacts, rec.Version); err != nil {
		t.Fatal(err)
	}
	olive := f.person("olive@council.example", "Olive Officer", "officer")
	rec, _ = provider.SectionRecordByKey(ctx, f.db, acorn.ID, provider.SectionContacts)
	if err := f.providers.AcceptSectionChange(olive.ctx, acorn.ID, provider.SectionContacts, rec.Version); err != nil {
		t.Fatal(err)
	}

	month, err := f.svc.ParseMonth("")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := finance.ChangeReport(ctx, f.db, month)
	if err != nil {
		t.Fatal(err)
	}
	var bank, denied, key int
	for _, e := range entries {
		switch {
		case e.Subject == "Key contact":
			key++
			if e.What != "Key contact email: kim@acorn.example → kim.key@acorn.example" || e.RequestedBy != "Pat Two" ||
				e.DecidedBy != "Olive Officer" || e.Outcome != "Accepted" {
				t.Errorf("key contact entry = %+v", e)
			}
		case e.SuspectedFraud:
			denied++
			if e.Outcome != "Rejected" || e.RequestedBy != "Pat Two" || e.DecidedBy != "Fay Finance" {
				t.Errorf("denied entry = %+v", e)
			}
		default:
			bank++
			if !strings.HasPrefix(e.Outcome, "Approved, in force from") || e.VerifiedBy != "Fay Finance" || e.DecidedBy != "Finn Finance" {
				t.Errorf("approved entry = %+v", e)
			}
		}
	}
	if bank != 3 || denied != 1 || key != 1 {
		t.Errorf("report has %d approved, %d denied, %d key contact entries; want 3, 1, 1", bank, denied, key)
	}
	if _, err := f.svc.ParseMonth("May 2026"); apperr.FieldsOf(err)["month"] == "" {
		t.Errorf("a malformed month: %v", err)
	}

	file, res := run(t, f, fay, func(ctx context.Context) (*finance.Export, error) { return f.svc.ChangeReportExport(ctx, month) })
	checkAudited(t, f, fay, file, res.Rows, "change_report")
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(file, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 6 || records[0][4] != "What changed" {
		t.Errorf("report CSV: %d records, header %v", len(records), records[0])
	}
	if strings.Contains(string(file), accountC.Account) {
		t.Error("the report holds an account number in full")
	}
}

// column is a CSV row's value in the named column of header; a missing column fails the test.
func column(t *testing.T, header, row []string, name string) string {
	t.Helper()
	for i, h := range header {
		if h == name {
			return row[i]
		}
	}
	t.Fatalf("no column %s in %v", name, header)
	return ""
}
