package finance_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/export/exporttest"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/lib/pq"
)

// Accounts longer than 8 digits, each at a sort code of the bank that issues them, and the
// pair a payment system takes (Pay.UK's rules for non-standard account numbers).
var (
	santander9 = bankAccount{"090128", "279336043"}  // pays 090122 79336043
	natWest10  = bankAccount{"601613", "0010000003"} // pays 601613 10000003 (the last eight)
	coop10     = bankAccount{"089299", "1000000300"} // pays 089299 10000003 (the first eight)
)

// paymentFileSuppliers sets up the suppliers issue 16 is about: one whose address has no
// second line, the three kinds of long account number, and one whose name starts with "-".
func paymentFileSuppliers(t *testing.T) (*fixture, *person, *person) {
	t.Helper()
	f := newFixture(t)
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")
	acorn := f.approvedProviderAt("Acorn Fostering Ltd", "pat@acorn.example", accountA, &provider.AddressesAnswers{
		RegLine1: "1 Oak Lane", RegTown: "Exampleton", RegPostcode: "ex1 1aa", CorrespondenceSame: "yes"})
	f.activate(acorn, accountA, fay, finn)
	for _, s := range []struct {
		name, email string
		bank        bankAccount
	}{
		{"Birch Homes Ltd", "bo@birch.example", santander9},
		{"Cedar Care Ltd", "cy@cedar.example", natWest10},
		{"Dogwood Lodge Ltd", "di@dogwood.example", coop10},
		{"-Arts Ltd", "al@arts.example", accountC},
	} {
		p := f.approvedProvider(s.name, s.email, s.bank)
		f.activate(p, s.bank, fay, finn)
	}
	return f, fay, finn
}

// TestFinancePaymentFileCSVAndXLSXAgree writes the standard payment file as CSV and as XLSX,
// reads the CSV with encoding/csv and the workbook with excelize, and compares them column
// by column: fixed address columns (an empty second line leaves its column empty), the
// converted 9- and 10-digit accounts, and a name starting with "-" neutralised in both.
func TestFinancePaymentFileCSVAndXLSXAgree(t *testing.T) {
	t.Parallel()
	f, fay, _ := paymentFileSuppliers(t)
	csvFile, csvRes := run(t, f, fay, func(ctx context.Context) (*finance.Export, error) {
		return f.svc.PaymentExport(ctx, finance.PaymentExportOptions{Format: "csv"})
	})
	xlsxFile, xlsxRes := run(t, f, fay, func(ctx context.Context) (*finance.Export, error) {
		return f.svc.PaymentExport(ctx, finance.PaymentExportOptions{Format: "xlsx"})
	})
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvFile, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sheet := exporttest.Open(t, xlsxFile)
	if len(records) != 6 || csvRes.Rows != 5 || xlsxRes.Rows != 5 || sheet.Rows() != 6 {
		t.Fatalf("CSV %d records (%d rows), XLSX %d rows (%d): want a header and 5", len(records), csvRes.Rows, sheet.Rows(), xlsxRes.Rows)
	}
	header := records[0]
	for i, field := range finance.PaymentFields {
		if header[i] != field.Header {
			t.Fatalf("CSV column %d is %q, want %q", i+1, header[i], field.Header)
		}
	}
	// Every cell of the CSV is the same value in the same column of the workbook: text as
	// text, dates (ISO in the CSV) as date cells.
	for r, rec := range records[1:] {
		for i, h := range header {
			want := rec[i]
			if finance.PaymentFields[i].Kind != 0 {
				if want == "" {
					if c := sheet.Cell(h, r+2); c.Raw != "" {
						t.Errorf("%s, row %d: CSV empty, XLSX %q", h, r+2, c.Raw)
					}
					continue
				}
				d, err := time.Parse(time.DateOnly, want)
				if err != nil {
					t.Fatalf("%s, row %d: %q is not an ISO date", h, r+2, want)
				}
				sheet.AssertDate(h, r+2, d)
				continue
			}
			sheet.AssertText(h, r+2, want)
		}
	}
	byName := map[string]map[string]string{}
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, h := range header {
			row[h] = rec[i]
		}
		byName[strings.TrimPrefix(row["Legal name"], "'")] = row
	}
	for name, want := range map[string]map[string]string{
		"Acorn Fostering Ltd": {"Address line 1": "1 Oak Lane", "Address line 2": "", "Town": "Exampleton", "County": "",
			"Postcode": "EX1 1AA", "Country": "GB", "Sort code": "089999", "Account number": "66374958", "Account as issued by the bank": ""},
		"Birch Homes Ltd": {"Address line 2": "Little Acre", "Town": "Exampleton", "County": "Exampleshire",
			"Sort code": "090122", "Account number": "79336043", "Account as issued by the bank": "090128 279336043"},
		"Cedar Care Ltd":    {"Sort code": "601613", "Account number": "10000003", "Account as issued by the bank": "601613 0010000003"},
		"Dogwood Lodge Ltd": {"Sort code": "089299", "Account number": "10000003", "Account as issued by the bank": "089299 1000000300"},
		"-Arts Ltd":         {"Legal name": "'-Arts Ltd", "Currency": "GBP", "Payment method": "BACS", "Supplier status": "Active"},
	} {
		row := byName[name]
		if row == nil {
			t.Fatalf("no row for %s", name)
		}
		for col, v := range want {
			if row[col] != v {
				t.Errorf("%s: %s = %q, want %q", name, col, row[col], v)
			}
		}
	}
}

// TestFinancePaymentFileForASystem: a layout marked for a system writes names as stored,
// with no apostrophe, in the Bacs character set, the account name cut to 18 characters;
// a CSV layout for a spreadsheet still neutralises.
func TestFinancePaymentFileForASystem(t *testing.T) {
	t.Parallel()
	f, fay, _ := paymentFileSuppliers(t)
	columns := []finance.ProfileColumn{{Field: "legal_name", Header: "Name"}, {Field: "account_name", Header: "Payee"},
		{Field: "sort_code", Header: "Sort"}, {Field: "account_number", Header: "Account"}, {Field: "remittance_email", Header: "Email"},
		{Field: "effective_from", Header: "From"}}
	export := func(forSystem bool, name string) [][]string {
		t.Helper()
		id, err := f.svc.SaveProfile(fay.ctx, &finance.Profile{Name: name, Delimiter: ",", DateFormat: "ddmmyyyy", HeaderRow: true,
			ForSystem: forSystem, Columns: columns})
		if err != nil {
			t.Fatal(err)
		}
		p, err := finance.ProfileByID(context.Background(), f.db, id)
		if err != nil || p.ForSystem != forSystem {
			t.Fatalf("saved layout: %+v %v", p, err)
		}
		file, _ := run(t, f, fay, func(ctx context.Context) (*finance.Export, error) {
			return f.svc.PaymentExport(ctx, finance.PaymentExportOptions{Format: "csv", Profile: p})
		})
		records, err := csv.NewReader(bytes.NewReader(file)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return records
	}
	system := export(true, "Payments system")
	rowOf := func(records [][]string, prefix string) []string {
		for _, r := range records[1:] {
			if strings.HasPrefix(r[0], prefix) {
				return r
			}
		}
		t.Fatalf("no row starting %q in %v", prefix, records)
		return nil
	}
	today := f.svc.Today().Format("02012006")
	for prefix, want := range map[string][]string{
		"-ARTS":  {"-ARTS LTD", "ACORN FOSTERING LT", "202959", "63748472", "remittance@new-bank-details.example", today},
		"BIRCH":  {"BIRCH HOMES LTD", "ACORN FOSTERING LT", "090122", "79336043", "remittance@new-bank-details.example", today},
		"DOGWOO": {"DOGWOOD LODGE LTD", "ACORN FOSTERING LT", "089299", "10000003", "remittance@new-bank-details.example", today},
	} {
		if got := rowOf(system, prefix); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("system layout row %v, want %v", got, want)
		}
	}
	for _, r := range system[1:] {
		for i, v := range r[:4] {
			if strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-/&") != "" {
				t.Errorf("column %d: %q is outside the Bacs character set", i+1, v)
			}
		}
	}
	sheet := export(false, "Spreadsheet")
	if got := rowOf(sheet, "'-Arts"); got[0] != "'-Arts Ltd" || got[1] != "Acorn Fostering Ltd" {
		t.Errorf("a spreadsheet layout wrote %v: want the name neutralised and as typed", got)
	}

	names, err := f.svc.FormulaNames(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0].Name != "-Arts Ltd" || names[0].Field != "Legal name" {
		t.Errorf("names beginning with a formula character: %+v", names)
	}
}

// TestFinanceBankChangeRefusesLongNumbersAtOtherBanks: finance's change request goes through
// the same rule as the provider's form and the importer.
func TestFinanceBankChangeRefusesLongNumbersAtOtherBanks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.approvedProvider("Elm House Ltd", "el@elm.example", accountA)
	_, err := f.svc.RequestChange(p.User.ctx, p.ID, request(bankAccount{"20-00-00", "0010000003"}))
	if msg := apperr.FieldsOf(err)["account_number"]; !strings.Contains(msg, "only NatWest and the Co-operative Bank issue account numbers of 10 digits") {
		t.Errorf("10 digits at a Barclays sort code: %v", err)
	}
}

// TestFinancePaymentFileChanges: after a CSV file, the changes file holds only new and
// changed suppliers and those that stopped being payable (with their status); an XLSX
// download moves nothing; each CSV file moves the baseline.
func TestFinancePaymentFileChanges(t *testing.T) {
	t.Parallel()
	f, fay := payees(t) // Acorn and the formula name payable; Birch suspended; Dormant without details
	ctx := context.Background()
	changes := func(format string) ([][]string, finance.Result) {
		t.Helper()
		file, res := run(t, f, fay, func(ctx context.Context) (*finance.Export, error) {
			return f.svc.PaymentExport(ctx, finance.PaymentExportOptions{Format: format, Changes: true})
		})
		if format == "xlsx" {
			return nil, res
		}
		records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(file, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return records, res
	}
	if at, err := finance.LastPaymentFile(ctx, f.db); err != nil || at != nil {
		t.Fatalf("before any file: %v %v", at, err)
	}
	// With no file before it, everything payable is new.
	if records, res := changes("csv"); res.Rows != 2 || len(records) != 3 {
		t.Fatalf("first changes file: %d rows: %v", res.Rows, records)
	}
	if at, err := finance.LastPaymentFile(ctx, f.db); err != nil || at == nil {
		t.Fatalf("after a CSV file: %v %v", at, err)
	}
	run(t, f, fay, func(ctx context.Context) (*finance.Export, error) {
		return f.svc.PaymentExport(ctx, finance.PaymentExportOptions{Format: "csv"})
	})
	if records, res := changes("csv"); res.Rows != 0 || len(records) != 1 {
		t.Fatalf("nothing changed, yet %d rows: %v", res.Rows, records)
	}

	// Acorn moves town; the formula-named supplier is suspended; Dormant's details are
	// approved (a new payee).
	var acornID, evilID, dormantID string
	for name, id := range map[string]*string{"Acorn Fostering Ltd": &acornID, "Dormant Ltd": &dormantID} {
		if err := f.db.Get(id, `SELECT id FROM organisations WHERE name = $1`, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.db.Get(&evilID, `SELECT id FROM organisations WHERE name LIKE '=HYPERLINK%'`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE provider_sections SET approved_data = jsonb_set(approved_data::jsonb, '{reg_town}', '"Newtown"')
		WHERE organisation_id = $1 AND section = 'addresses'`, acornID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE organisations SET status = 'suspended' WHERE id = $1`, evilID); err != nil {
		t.Fatal(err)
	}
	finn := f.person("finn2@council.example", "Finn Two", "finance")
	f.activate(&providerOrg{ID: dormantID, User: f.userByEmail("dee@dormant.example")}, accountC, fay, finn)

	// A spreadsheet of the changes is for reading: it does not move the baseline.
	if _, res := changes("xlsx"); res.Rows != 3 {
		t.Errorf("XLSX changes: %d rows, want 3", res.Rows)
	}
	records, res := changes("csv")
	if res.Rows != 3 || len(records) != 4 {
		t.Fatalf("changes file: %d rows: %v", res.Rows, records)
	}
	header := records[0]
	col := func(r []string, name string) string { return column(t, header, r, name) }
	got := map[string][]string{}
	for _, r := range records[1:] {
		got[strings.TrimPrefix(col(r, "Legal name"), "'")] = r
	}
	if r := got["Acorn Fostering Ltd"]; r == nil || col(r, "Town") != "Newtown" || col(r, "Supplier status") != "Active" {
		t.Errorf("Acorn (changed address): %v", r)
	}
	if r := got["Dormant Ltd"]; r == nil || col(r, "Sort code") != accountC.SortCode || col(r, "Supplier status") != "Active" {
		t.Errorf("Dormant (new payee): %v", r)
	}
	if r := got[`=HYPERLINK("http://evil.example","Click")`]; r == nil || col(r, "Supplier status") != "Suspended" ||
		col(r, "Status") != "Suspended" || col(r, "Account number") != "" || col(r, "Sort code") != "" {
		t.Errorf("the suspended supplier (no longer payable): %v", r)
	}
	if got["Birch Café Ltd"] != nil {
		t.Error("Birch was never in a file and is not payable: it has no change to report")
	}
	if n := f.count(`SELECT count(*) FROM audit_events WHERE action = 'finance.export.completed' AND object_id = 'supplier_payment_file'
		AND summary->'filters'->>'file' = 'changes' AND (summary->>'rows')::int = 3`); n != 2 {
		t.Errorf("%d changes files of 3 rows audited, want 2 (XLSX and CSV)", n)
	}
	// The changes file moved the baseline: nothing more to send.
	if records, res := changes("csv"); res.Rows != 0 || len(records) != 1 {
		t.Errorf("after the changes file, %d rows: %v", res.Rows, records)
	}
}

// userByEmail is the person with that email, acting as themselves.
func (f *fixture) userByEmail(email string) *person {
	f.t.Helper()
	p := &person{Email: email}
	if err := f.db.QueryRow(`SELECT id, name, roles FROM users WHERE email = $1`, email).Scan(&p.ID, &p.Name, new(pq.StringArray)); err != nil {
		f.t.Fatal(err)
	}
	p.ctx = audit.WithActor(context.Background(), audit.Actor{UserID: p.ID, Email: email, Roles: []string{"provider"}, IP: "127.0.0.1"})
	return p
}
