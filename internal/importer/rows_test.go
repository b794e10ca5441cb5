package importer_test

import (
	"maps"
	"testing"

	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/importer/importtest"
	"github.com/council/provider-portal/internal/ukid"
)

// ukMessage is the message a ukid check gives a value: the one the forms show.
func ukMessage(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		t.Fatal("the value passed the check it was meant to fail")
	}
	return err.Error()
}

// TestRowChecks runs one row per case through a dry run, each a valid row with some cells
// changed, and expects exactly the given messages for that row: the provider forms' own
// messages for what the forms check, and the importer's for what only a file can get wrong.
func TestRowChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, vatErr := ukid.VAT("GB123456789")
	_, chErr := ukid.CompaniesHouse("XX123456")
	_, charityErr := ukid.CharityNumber("12")
	_, scotCharityErr := ukid.CharityNumber("SC143215")
	_, postcodeErr := ukid.Postcode("NN1")
	_, phoneErr := ukid.Phone("12345")
	_, sortErr := ukid.SortCode("12-34")
	_, accErr := ukid.AccountNumber("123")
	_, urnErr := ukid.OfstedURN("XY1")
	_, cqcErr := ukid.CQCID("123")
	modulusErr := ukid.DefaultModulusTable().Check(importtest.SortCode, "66374959")
	// Long account numbers only at the banks that issue them (issue 16): 10 digits at a
	// Barclays sort code, 9 outside Santander's.
	tenDigitsErr := ukid.DefaultModulusTable().Check("20-00-00", "0010000003")
	nineDigitsErr := ukid.DefaultModulusTable().Check(importtest.SortCode, "966374958")
	expired := f.today.AddDate(0, 0, -1).Format("02/01/2006")

	tests := []struct {
		name   string
		change importtest.Row
		want   map[string]string
	}{
		{"a good row", nil, map[string]string{}},
		{"optional sections left empty", importtest.Row{"vat_number": "", "account_name": "", "sort_code": "", "account_number": "",
			"ofsted_urn": "", "cqc_provider_id": "", "el_insurer": "", "el_cover_pence": "", "el_expiry": "", "pl_insurer": "",
			"pl_cover_pence": "", "pl_expiry": "", "trading_name": ""}, map[string]string{}},
		{"identifiers in other accepted forms", importtest.Row{"legal_form": "Limited company", "companies_house_number": "1000001",
			"postcode": "nn11aa", "key_contact_phone": "+44 1632 960 001", "sort_code": "08-99-99", "el_expiry": "14/05/2027",
			"pl_cover_pence": "500,000,000.00"}, map[string]string{}},
		{"legal form as its abbreviation", importtest.Row{"legal_form": "cic"}, map[string]string{}},
		{"a Scottish unregistered company that is a Scottish charity", importtest.Row{"companies_house_number": "SZ000012",
			"legal_form": "charity", "charity_number": "SC043215"}, map[string]string{}},
		{"older numbers ending in a letter", importtest.Row{"companies_house_number": "NI1234A"}, map[string]string{}},
		{"a Scottish charity number not starting SC0", importtest.Row{"legal_form": "charity", "charity_number": "SC143215"},
			map[string]string{"charity_number": ukMessage(t, scotCharityErr)}},
		{"charity needs its number", importtest.Row{"legal_form": "charity", "companies_house_number": ""},
			map[string]string{"charity_number": "Enter the charity number, like 1234567 or SC012345"}},
		{"company needs its number", importtest.Row{"companies_house_number": ""},
			map[string]string{"companies_house_number": "Enter the Companies House number, like 01234567 or SC123456"}},
		{"unknown legal form", importtest.Row{"legal_form": "cooperative"},
			map[string]string{"legal_form": "Enter the legal form as one of: company, charity, cio, cic, llp, partnership, sole_trader, public_body"}},
		{"missing legal name", importtest.Row{"legal_name": ""}, map[string]string{"legal_name": "Enter the organisation's legal name"}},
		{"missing supplier reference", importtest.Row{"supplier_ref": " "}, map[string]string{"supplier_ref": "Enter the supplier reference"}},
		{"supplier reference with spaces", importtest.Row{"supplier_ref": "AB 12"},
			map[string]string{"supplier_ref": "Supplier reference must be up to 50 letters, numbers, hyphens, slashes, full stops or underscores, starting with a letter or number"}},
		{"bad identifiers", importtest.Row{"vat_number": "GB123456789", "companies_house_number": "XX123456", "charity_number": "12",
			"postcode": "NN1", "key_contact_phone": "12345", "ofsted_urn": "XY1", "cqc_provider_id": "123"},
			map[string]string{"vat_number": ukMessage(t, vatErr), "companies_house_number": ukMessage(t, chErr),
				"charity_number": ukMessage(t, charityErr), "postcode": ukMessage(t, postcodeErr),
				"key_contact_phone": ukMessage(t, phoneErr), "ofsted_urn": ukMessage(t, urnErr), "cqc_provider_id": ukMessage(t, cqcErr)}},
		{"bad email", importtest.Row{"key_contact_email": "kim at example"},
			map[string]string{"key_contact_email": "Enter the email address in the correct format, like name@example.com"}},
		{"missing address", importtest.Row{"address_line_1": "", "town": "", "postcode": ""},
			map[string]string{"address_line_1": "Enter the first line of the registered office address", "town": "Enter the town or city",
				"postcode": "Enter a postcode"}},
		{"bad sort code and account number", importtest.Row{"sort_code": "12-34", "account_number": "123"},
			map[string]string{"sort_code": ukMessage(t, sortErr)}},
		{"bad account number", importtest.Row{"account_number": "123"}, map[string]string{"account_number": ukMessage(t, accErr)}},
		{"account failing the modulus check", importtest.Row{"account_number": "66374959"},
			map[string]string{"account_number": ukMessage(t, modulusErr)}},
		{"10 digits at a bank that issues none", importtest.Row{"sort_code": "20-00-00", "account_number": "0010000003"},
			map[string]string{"account_number": ukMessage(t, tenDigitsErr)}},
		{"9 digits outside Santander", importtest.Row{"account_number": "966374958"},
			map[string]string{"account_number": ukMessage(t, nineDigitsErr)}},
		{"bank details in part", importtest.Row{"account_name": "", "account_number": ""},
			map[string]string{"account_name": "Enter the name on the account", "account_number": "Enter an account number"}},
		{"roll number too long", importtest.Row{"roll_number": "1234567890123456789"},
			map[string]string{"roll_number": "Building society roll number must be 18 characters or fewer"}},
		{"employer's liability below the legal minimum", importtest.Row{"el_cover_pence": "499999999"},
			map[string]string{"el_cover_pence": "Employer's liability cover must be at least £5,000,000 by law"}},
		{"policy in part", importtest.Row{"pl_cover_pence": "", "pl_expiry": ""},
			map[string]string{"pl_cover_pence": "Enter the public liability cover", "pl_expiry": "Enter the public liability expiry date"}},
		{"only one policy", importtest.Row{"el_insurer": "", "el_cover_pence": "", "el_expiry": ""}, map[string]string{}},
		{"expired policy", importtest.Row{"el_expiry": expired},
			map[string]string{"el_expiry": "The employer's liability policy has expired: enter the current policy"}},
		{"cover not in whole pence", importtest.Row{"el_cover_pence": "£5m", "pl_cover_pence": "-500"},
			map[string]string{"el_cover_pence": "Enter the employer's liability cover in pence, as a whole number like 500000000",
				"pl_cover_pence": "Enter the public liability cover in pence, as a whole number like 500000000"}},
		{"dates in other forms", importtest.Row{"el_expiry": "14-05-2027", "pl_expiry": "2027-02-30"},
			map[string]string{"el_expiry": "Enter the employer's liability expiry date as YYYY-MM-DD or DD/MM/YYYY, like 2026-03-31",
				"pl_expiry": "The public liability expiry date must be a real date, like 2026-03-31"}},
		{"formula injection", importtest.Row{"legal_name": "=HYPERLINK(\"http://evil.example\",\"x\")", "town": "@SUM(A1)",
			"trading_name": "+1", "address_line_2": "-2", "account_name": "\t=cmd|' /C calc'!A0", "key_contact_phone": "+cmd"},
			map[string]string{"legal_name": "Legal name must not start with =, +, - or @", "town": "Town or city must not start with =, +, - or @",
				"trading_name": "Trading name must not start with =, +, - or @", "address_line_2": "Address line 2 must not start with =, +, - or @",
				"account_name": "Account name must not start with =, +, - or @", "key_contact_phone": "Key contact phone must not start with =, +, - or @"}},
		{"text on two lines", importtest.Row{"address_line_1": "1 High Street\nFlat 2"},
			map[string]string{"address_line_1": "Address line 1 must be on one line"}},
		{"control characters", importtest.Row{"trading_name": "Acme\x07"},
			map[string]string{"trading_name": "Trading name contains characters that are not allowed"}},
		{"longer than the form allows", importtest.Row{"trading_name": repeat("a", 301)},
			map[string]string{"trading_name": "The trading name must be 300 characters or fewer"}},
	}
	var rows []importtest.Row
	for i, tc := range tests {
		row := importtest.ValidRow(i, f.today)
		maps.Copy(row, tc.change)
		rows = append(rows, row)
	}
	rep := f.run(t, importtest.CSV(rows), importer.Options{DryRun: true})
	if len(rep.FileErrors) > 0 || len(rep.Rows) != len(tests) {
		t.Fatalf("file errors %v, %d rows for %d cases", rep.FileErrors, len(rep.Rows), len(tests))
	}
	for i, tc := range tests {
		got := rep.Rows[i]
		if got.Row != i+2 {
			t.Errorf("%s: row number %d, want %d", tc.name, got.Row, i+2)
		}
		if !maps.Equal(got.Errors, tc.want) {
			t.Errorf("%s: errors\n got %q\nwant %q", tc.name, got.Errors, tc.want)
		}
		if got.Outcome != "" {
			t.Errorf("%s: a dry run's row has outcome %q", tc.name, got.Outcome)
		}
	}
	if f.count(t, `SELECT count(*) FROM organisations`) != 0 || f.count(t, `SELECT count(*) FROM provider_sections`) != 0 {
		t.Error("a dry run wrote records")
	}
}

func repeat(s string, n int) string {
	out := make([]byte, 0, len(s)*n)
	for range n {
		out = append(out, s...)
	}
	return string(out)
}
