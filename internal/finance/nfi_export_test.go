package finance_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/finance"
)

// nfiSpecification is the trade creditors standing data as the NFI's data specification
// lists it (see NFIStandingFields), written out here so a change to the file's layout has
// to be made twice, on purpose. true marks the fields every row must fill.
var nfiSpecification = []struct {
	name      string
	mandatory bool
}{
	{"Creditor reference", true}, {"Site ID", false}, {"Creditor name", true},
	{"Address line 1", true}, {"Address line 2", false}, {"Address line 3", false}, {"Address line 4", false}, {"Address line 5", false},
	{"Postcode", false}, {"Telephone number", false}, {"Bank sort code", false}, {"Bank account number", false},
	{"Building society roll number", false}, {"VAT registration number", false}, {"Company registration number", false},
	{"Date creditor created", true}, {"Date creditor last amended", true},
}

// nfiCreditors sets up the creditors the NFI tests read:
//   - Acorn: created in 2020, bank details approved in 2024, creditor number C-1001 site S1
//     recorded in March 2025; no bank activity since, but a contract that ended six months
//     ago keeps it active; an unrelated section was edited today.
//   - Evil (a formula for a name): no contract and no bank activity for two years: dormant.
//   - Birch: suspended and back, renamed today to "+Birch Café Ltd", creditor number 1002.
//   - Elm: current and active, but finance has not recorded its creditor number.
//   - Dormant Ltd (from payees): no verified bank details, so not a current creditor at all.
func nfiCreditors(t *testing.T) (*fixture, *person, map[string]*providerOrg) {
	t.Helper()
	f, fay := payees(t)
	finn := f.person("finn2@council.example", "Finn Second", "finance")
	orgs := map[string]*providerOrg{}
	for _, name := range []string{"Acorn Fostering Ltd", `=HYPERLINK("http://evil.example","Click")`, "Birch Café Ltd"} {
		var p providerOrg
		if err := f.db.Get(&p.ID, `SELECT id FROM organisations WHERE name = $1`, name); err != nil {
			t.Fatal(err)
		}
		orgs[strings.Fields(name)[0]] = &p
	}
	elm := f.approvedProvider("Elm Care Ltd", "ed@elm.example", accountB)
	f.activate(elm, accountB, fay, finn)
	orgs["Elm"] = elm
	acorn, evil, birch := orgs["Acorn"].ID, orgs[`=HYPERLINK("http://evil.example","Click")`].ID, orgs["Birch"].ID

	if err := f.svc.SetCreditor(fay.ctx, acorn, finance.CreditorInput{Number: " c-1001 ", SiteID: "s1"}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetCreditor(fay.ctx, birch, finance.CreditorInput{Number: "1002"}); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`UPDATE organisations SET created_at = '2020-01-15 12:00Z', creditor_details_changed_at = NULL WHERE id = '` + acorn + `'`,
		`UPDATE payment_details SET approved_at = '2024-06-01 12:00Z' WHERE organisation_id = '` + acorn + `'`,
		`UPDATE bank_detail_changes SET requested_at = '2024-05-20 12:00Z' WHERE organisation_id = '` + acorn + `'`,
		`UPDATE finance_creditors SET updated_at = '2025-03-01 12:00Z' WHERE organisation_id = '` + acorn + `'`,
		`UPDATE provider_sections SET approved_data = approved_data || '{"key_contact_role": "Chair"}' WHERE organisation_id = '` + acorn + `' AND section = 'contacts'`,
		`INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, start_date, end_date,
			total_value_pence, annual_value_pence, status) VALUES ('CT-1', 'Fostering', '` + acorn + `', 'fostering', 'spot',
			current_date - 800, current_date - 180, 100000, 50000, 'ended')`,
		`UPDATE payment_details SET approved_at = now() - interval '2 years' WHERE organisation_id = '` + evil + `'`,
		`UPDATE bank_detail_changes SET requested_at = now() - interval '2 years' WHERE organisation_id = '` + evil + `'`,
		`UPDATE organisations SET status = 'approved', legal_name = '+Birch Café Ltd' WHERE id = '` + birch + `'`,
	} {
		if _, err := f.db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return f, fay, orgs
}

// readNFI parses an NFI file as the NFI's loader would, strictly: every record has every
// field.
func readNFI(t *testing.T, file []byte, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(file))
	r.Comma, r.FieldsPerRecord = comma, len(nfiSpecification)
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the file does not parse: %v\n%s", err, file)
	}
	return records
}

func TestFinanceNFIStandingData(t *testing.T) {
	t.Parallel()
	f, fay, orgs := nfiCreditors(t)

	sum, err := f.svc.NFISummary(fay.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Current != 4 || sum.Dormant != 1 || sum.WithoutNumber != 1 || sum.Included != 2 || sum.DormantMonths != 18 {
		t.Errorf("summary = %+v, want 4 current, 1 dormant, 1 without a number, 2 in the file, 18 months", sum)
	}
	if len(sum.Unnumbered) != 1 || sum.Unnumbered[0].OrganisationID != orgs["Elm"].ID || sum.Unnumbered[0].Name != "Elm Care Ltd" {
		t.Errorf("unnumbered = %+v, want Elm", sum.Unnumbered)
	}

	file, res := run(t, f, fay, func(ctx context.Context) (*finance.Export, error) { return f.svc.NFIExport(ctx, "pipe") })
	checkAudited(t, f, fay, file, res.Rows, "nfi_trade_creditors_standing")
	for i, b := range file {
		if b > 0x7e || (b < 0x20 && b != '\r' && b != '\n') {
			t.Fatalf("byte %d is %#x: not printable ASCII", i, b)
		}
	}
	records := readNFI(t, file, '|')
	for i, field := range nfiSpecification {
		if records[0][i] != field.name {
			t.Errorf("field %d is %q, the specification's is %q", i+1, records[0][i], field.name)
		}
	}
	if len(records) != 3 || res.Rows != 2 {
		t.Fatalf("%d records (%d rows), want a header and Acorn and Birch:\n%s", len(records), res.Rows, file)
	}
	for _, r := range records[1:] {
		for i, field := range nfiSpecification {
			if field.mandatory && r[i] == "" {
				t.Errorf("%s has no %s", r[0], field.name)
			}
		}
	}
	today := f.svc.Today().Format("02012006")
	// In creditor number order: 1002 (Birch) before C-1001 (Acorn).
	birch, acorn := records[1], records[2]
	wantAcorn := []string{"C-1001", "S1", "Acorn Fostering Ltd", "1 Oak Lane", "Little Acre", "Exampleton", "Exampleshire", "",
		"EX1 1AA", "07700900982", "089999", "66374958", "", "GB980780684", "01234567", "15012020", "01032025"}
	if strings.Join(acorn, "|") != strings.Join(wantAcorn, "|") {
		t.Errorf("Acorn = %q\nwant     %q\n(created in 2020, last amended when its creditor number was recorded; the contacts edit is not an amendment)", acorn, wantAcorn)
	}
	if birch[0] != "1002" || birch[1] != "" || birch[2] != "+Birch Cafe Ltd" || birch[16] != today {
		t.Errorf("Birch = %q: want creditor 1002, no site, its new name in ASCII with no apostrophe, amended today", birch)
	}
	// Every text field is quoted (empty ones too); dates are bare ddmmyyyy.
	lines := strings.Split(strings.TrimSuffix(string(file), "\r\n"), "\r\n")
	if !strings.HasPrefix(lines[2], `"C-1001"|"S1"|"Acorn Fostering Ltd"|`) || !strings.HasSuffix(lines[2], `|""|"GB980780684"|"01234567"|15012020|01032025`) {
		t.Errorf("Acorn's line is not quoted as the NFI reads it: %s", lines[2])
	}
	if !strings.HasPrefix(lines[1], `"1002"|""|"+Birch Cafe Ltd"|`) {
		t.Errorf("Birch's line: %s", lines[1])
	}
	if strings.Contains(string(file), "Elm Care") || strings.Contains(string(file), "HYPERLINK") {
		t.Errorf("the unnumbered or the dormant creditor is in the file:\n%s", file)
	}

	// The disclosure log has the export, by the officer who made it, under the NFI's law.
	var d struct {
		Kind, Name, What, Basis, Detail, By string
		Org                                 *string
	}
	if err := f.db.QueryRow(`SELECT recipient_kind, recipient_name, what, lawful_basis, lawful_basis_detail, recorded_by::text, organisation_id::text
		FROM disclosures`).Scan(&d.Kind, &d.Name, &d.What, &d.Basis, &d.Detail, &d.By, &d.Org); err != nil {
		t.Fatalf("no disclosure logged: %v", err)
	}
	if d.Kind != "nfi" || d.Name != "Cabinet Office, National Fraud Initiative" || d.Basis != "legal_obligation" || d.By != fay.ID || d.Org != nil ||
		!strings.Contains(d.Detail, "Part 6 of the Local Audit and Accountability Act 2014") ||
		!strings.HasPrefix(d.What, "Trade creditor standing data, 2 records") || !strings.Contains(d.What, "File nfi-trade-creditors-standing-") {
		t.Errorf("disclosure = %+v", d)
	}

	// A change to Acorn's approved address is an amendment of the creditor record.
	if _, err := f.db.Exec(`UPDATE provider_sections SET approved_data = approved_data || '{"reg_line2": "Great Acre"}'
		WHERE organisation_id = $1 AND section = 'addresses'`, orgs["Acorn"].ID); err != nil {
		t.Fatal(err)
	}
	file, _ = run(t, f, fay, func(ctx context.Context) (*finance.Export, error) { return f.svc.NFIExport(ctx, "csv") })
	records = readNFI(t, file, ',')
	if acorn = records[2]; acorn[4] != "Great Acre" || acorn[16] != today || acorn[15] != "15012020" {
		t.Errorf("after the address change Acorn = %q, want Great Acre, created 15012020, amended %s", acorn, today)
	}
	// So is a change of name; a change of anything else is not.
	if _, err := f.db.Exec(`UPDATE organisations SET creditor_details_changed_at = NULL`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE organisations SET trading_name = 'Oak Care' WHERE id = $1`, orgs["Acorn"].ID); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM organisations WHERE creditor_details_changed_at IS NOT NULL`); n != 0 {
		t.Errorf("a trading name change dated the creditor record")
	}
	if _, err := f.db.Exec(`UPDATE organisations SET legal_name = 'Acorn Fostering Limited' WHERE id = $1`, orgs["Acorn"].ID); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM organisations WHERE creditor_details_changed_at IS NOT NULL AND id = $1`, orgs["Acorn"].ID); n != 1 {
		t.Errorf("a change of legal name did not date the creditor record")
	}
	if n := f.count(`SELECT count(*) FROM disclosures WHERE recipient_kind = 'nfi'`); n != 2 {
		t.Errorf("%d NFI disclosures logged, want one per export", n)
	}
	if _, err := f.svc.NFIExport(fay.ctx, "xlsx"); apperr.FieldsOf(err)["nfi_format"] == "" {
		t.Errorf("an unknown format: %v", err)
	}
}

// TestFinanceNFIDormancySetting: the dormancy period is finance's setting; shortened below
// the six months since Acorn's contract ended, Acorn becomes dormant too.
func TestFinanceNFIDormancySetting(t *testing.T) {
	t.Parallel()
	f, fay, _ := nfiCreditors(t)
	s, err := finance.LoadSettings(fay.ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.UpdateSettings(fay.ctx, s.FirstPaymentHoldDays, s.ChangeExpiryDays, 2, s.Version); apperr.FieldsOf(err)["dormant_months"] == "" {
		t.Errorf("2 months accepted: %v", err)
	}
	if err := f.svc.UpdateSettings(fay.ctx, s.FirstPaymentHoldDays, s.ChangeExpiryDays, 4, s.Version); err != nil {
		t.Fatal(err)
	}
	sum, err := f.svc.NFISummary(fay.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.DormantMonths != 4 || sum.Dormant != 2 || sum.Included != 1 {
		t.Errorf("with 4 months: %+v, want Acorn dormant too", sum)
	}
}

// TestFinanceCreditorNumber: finance records a creditor number once per council, in
// capitals, refusing bad characters, another supplier's number and a stale form; every
// change is audited.
func TestFinanceCreditorNumber(t *testing.T) {
	t.Parallel()
	f, fay, orgs := nfiCreditors(t)
	elm := orgs["Elm"].ID
	cases := []struct {
		in    finance.CreditorInput
		field string
	}{
		{finance.CreditorInput{Number: "C 1001"}, "creditor_number"},
		{finance.CreditorInput{Number: "-1001"}, "creditor_number"},
		{finance.CreditorInput{Number: "c-1001"}, "creditor_number"}, // Acorn's
		{finance.CreditorInput{Number: "E1", SiteID: "a b"}, "site_id"},
		{finance.CreditorInput{SiteID: "S2"}, "creditor_number"},
	}
	for _, c := range cases {
		err := f.svc.SetCreditor(fay.ctx, elm, c.in)
		if apperr.FieldsOf(err)[c.field] == "" {
			t.Errorf("%+v: %v, want a message for %s", c.in, err, c.field)
		}
	}
	if err := f.svc.SetCreditor(fay.ctx, elm, finance.CreditorInput{Number: "e-77"}); err != nil {
		t.Fatal(err)
	}
	got, err := finance.CreditorOf(fay.ctx, f.db, elm)
	if err != nil || got.Number != "E-77" || got.Version != 1 {
		t.Fatalf("creditor = %+v, %v", got, err)
	}
	if err := f.svc.SetCreditor(fay.ctx, elm, finance.CreditorInput{Number: "E-78"}); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a form from before the number was recorded: %v, want a conflict", err)
	}
	if err := f.svc.SetCreditor(fay.ctx, elm, finance.CreditorInput{Number: "E-78", Version: 1}); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM audit_events WHERE action = 'finance.creditor_number.set' AND object_id = $1
		AND summary->'to'->>'creditor_number' = 'E-78' AND summary->'from'->>'creditor_number' = 'E-77'`, elm); n != 1 {
		t.Errorf("%d audit events for the change, want 1", n)
	}
	if err := f.svc.SetCreditor(fay.ctx, elm, finance.CreditorInput{Version: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := finance.CreditorOf(fay.ctx, f.db, elm); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("after removal: %v", err)
	}
}

// The NFI file gives each creditor's bank details as the sort code and 8-digit account a
// payment system pays, converted from 9- and 10-digit numbers as the payment file does.
func TestFinanceNFIGivesThePayableAccount(t *testing.T) {
	t.Parallel()
	f, fay, _ := paymentFileSuppliers(t)
	want := map[string][2]string{"Birch Homes Ltd": {"090122", "79336043"}, "Cedar Care Ltd": {"601613", "10000003"},
		"Dogwood Lodge Ltd": {"089299", "10000003"}}
	for i, name := range []string{"Birch Homes Ltd", "Cedar Care Ltd", "Dogwood Lodge Ltd"} {
		var id string
		if err := f.db.Get(&id, `SELECT id FROM organisations WHERE name = $1`, name); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetCreditor(fay.ctx, id, finance.CreditorInput{Number: fmt.Sprintf("L%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	file, _ := run(t, f, fay, func(ctx context.Context) (*finance.Export, error) { return f.svc.NFIExport(ctx, "csv") })
	records := readNFI(t, file, ',')
	sortCol, accountCol := -1, -1
	for i, field := range nfiSpecification {
		switch field.name {
		case "Bank sort code":
			sortCol = i
		case "Bank account number":
			accountCol = i
		}
	}
	if sortCol < 0 || accountCol < 0 {
		t.Fatalf("no bank columns in the specification: %+v", nfiSpecification)
	}
	if len(records) != 4 {
		t.Fatalf("%d records, want a header and three creditors:\n%s", len(records), file)
	}
	for _, r := range records[1:] {
		if w := want[r[2]]; r[sortCol] != w[0] || r[accountCol] != w[1] {
			t.Errorf("%s: sort code %s, account %s; want %s %s", r[2], r[sortCol], r[accountCol], w[0], w[1])
		}
	}
}
