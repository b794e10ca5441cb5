package importer

import (
	"path/filepath"
	"strings"
)

// Columns is the template's header row, in this order.
var Columns = []string{"supplier_ref", "legal_name", "trading_name", "legal_form",
	"companies_house_number", "charity_number", "vat_number", "address_line_1", "address_line_2",
	"town", "postcode", "key_contact_name", "key_contact_email", "key_contact_phone",
	"account_name", "sort_code", "account_number", "roll_number", "ofsted_urn", "cqc_provider_id",
	"el_insurer", "el_cover_pence", "el_expiry", "pl_insurer", "pl_cover_pence", "pl_expiry", "creditor_number"}

// The columns' positions in Columns (and in a row's cells).
const (
	colSupplierRef = iota
	colLegalName
	colTradingName
	colLegalForm
	colCompaniesHouse
	colCharity
	colVAT
	colAddress1
	colAddress2
	colTown
	colPostcode
	colContactName
	colContactEmail
	colContactPhone
	colAccountName
	colSortCode
	colAccountNumber
	colRollNumber
	colOfstedURN
	colCQCProviderID
	colELInsurer
	colELCover
	colELExpiry
	colPLInsurer
	colPLCover
	colPLExpiry
	colCreditorNumber
	numColumns
)

// kind says how a column's cells are read: text (checked against formula injection), a
// telephone number (text that may start with +), whole pence, or a date.
type kind int

const (
	kindText kind = iota
	kindPhone
	kindPence
	kindDate
)

// ColumnGuide documents one column of the template: the XLSX template's "Guidance" sheet and
// the import page show it.
type ColumnGuide struct {
	Name string
	// Label names the column in messages ("Legal name must not start with ...").
	Label string
	// Required says when a value must be given.
	Required string
	// Description says what to put in the column and in what form.
	Description string
	kind        kind
}

// Guidance describes every column, in template order.
var Guidance = []ColumnGuide{
	{"supplier_ref", "Supplier reference", "Always",
		"The council's own reference for the supplier, as the finance system holds it: up to 50 letters, numbers, hyphens, slashes, full stops or underscores. Importing a row again with the same reference updates that supplier's record. Stored in capitals.", kindText},
	{"legal_name", "Legal name", "Always", "The organisation's legal name, as registered.", kindText},
	{"trading_name", "Trading name", "No", "The name the organisation trades under, if different.", kindText},
	{"legal_form", "Legal form", "Always",
		"One of: company, charity, cio, cic, llp, partnership, sole_trader, public_body (or the form's wording, like \"Limited company\").", kindText},
	{"companies_house_number", "Companies House number", "For a company, CIC or LLP", "8 characters, like 01234567 or SC123456.", kindText},
	{"charity_number", "Charity number", "For a charity or CIO", "Like 1234567, SC012345 or NIC100002.", kindText},
	{"vat_number", "VAT number", "No", "The UK VAT registration number, like GB123456789. Leave empty if the organisation is not registered for VAT.", kindText},
	{"address_line_1", "Address line 1", "Always", "First line of the registered office address.", kindText},
	{"address_line_2", "Address line 2", "No", "Second line of the registered office address.", kindText},
	{"town", "Town or city", "Always", "Town or city of the registered office.", kindText},
	{"postcode", "Postcode", "Always", "UK postcode of the registered office, like SW1A 1AA.", kindText},
	{"key_contact_name", "Key contact name", "Always", "Full name of the supplier's key contact. They are the person invited to claim the record.", kindText},
	{"key_contact_email", "Key contact email", "Always", "The key contact's email address: the invitation to claim the record goes here.", kindText},
	{"key_contact_phone", "Key contact phone", "Always", "The key contact's UK telephone number, like 01632 960 001 or +44 1632 960 001.", kindPhone},
	{"account_name", "Account name", "With bank details", "The name on the bank account. Leave the four bank columns empty to import no bank details. Bank details go to the finance team to verify, by a call to the supplier, before they are paid.", kindText},
	{"sort_code", "Sort code", "With bank details", "6 digits, like 309430 or 30-94-30. Format the column as text so leading zeros are kept.", kindText},
	{"account_number", "Account number", "With bank details", "6 to 10 digits. Format the column as text so leading zeros are kept.", kindText},
	{"roll_number", "Building society roll number", "No", "Only for building society accounts that have one: up to 18 letters, numbers, spaces, hyphens, full stops or slashes.", kindText},
	{"ofsted_urn", "Ofsted URN", "No", "Ofsted unique reference number, like SC057941, EY123456 or 123456.", kindText},
	{"cqc_provider_id", "CQC provider ID", "No", "Care Quality Commission provider ID, like 1-101726253.", kindText},
	{"el_insurer", "Employer's liability insurer", "With employer's liability cover", "The insurer. Leave the three el_ columns empty to import no employer's liability policy.", kindText},
	{"el_cover_pence", "Employer's liability cover", "With employer's liability cover", "The cover in pence, as a whole number: £5 million is 500000000. At least £5 million by law.", kindPence},
	{"el_expiry", "Employer's liability expiry date", "With employer's liability cover", "The date the policy ends: YYYY-MM-DD or DD/MM/YYYY, or a date cell in XLSX. Must not have passed.", kindDate},
	{"pl_insurer", "Public liability insurer", "With public liability cover", "The insurer. Leave the three pl_ columns empty to import no public liability policy.", kindText},
	{"pl_cover_pence", "Public liability cover", "With public liability cover", "The cover in pence, as a whole number: £10 million is 1000000000.", kindPence},
	{"pl_expiry", "Public liability expiry date", "With public liability cover", "The date the policy ends: YYYY-MM-DD or DD/MM/YYYY, or a date cell in XLSX. Must not have passed.", kindDate},
	{"creditor_number", "Creditor number", "No",
		"The supplier's creditor number in the council's finance system, if it differs from the supplier reference or you want it recorded: up to 30 letters, numbers, hyphens, slashes, full stops or underscores. The National Fraud Initiative file uses it as the creditor reference. Each number belongs to one supplier. The column may be left out of the file; an empty cell keeps the number finance holds.", kindText},
}

// optionalColumn reports whether a file may leave the column out altogether: a column added
// to the template after files were made from it.
func optionalColumn(col int) bool { return col == colCreditorNumber }

// columnIndex finds a column by its header name (already lower-cased and trimmed).
func columnIndex(name string) int {
	for i, c := range Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// Format is a file format the importer reads.
type Format string

// The formats: comma-separated UTF-8 text, and an Excel workbook.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat accepts "csv" or "xlsx" in any case.
func ParseFormat(s string) (Format, bool) {
	switch Format(strings.ToLower(strings.TrimSpace(s))) {
	case CSV:
		return CSV, true
	case XLSX:
		return XLSX, true
	}
	return "", false
}

// FormatOf guesses a file's format from its name's extension.
func FormatOf(filename string) (Format, bool) {
	return ParseFormat(strings.TrimPrefix(filepath.Ext(filename), "."))
}

// ContentType is the media type of a file in this format, for downloads.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Mode is how a real run treats rows that fail their checks.
type Mode string

const (
	// AllOrNothing writes nothing when any row fails.
	AllOrNothing Mode = "all-or-nothing"
	// ValidOnly writes the good rows and skips the failed ones.
	ValidOnly Mode = "valid-only"
)

// ParseMode accepts "all-or-nothing" or "valid-only".
func ParseMode(s string) (Mode, bool) {
	switch Mode(strings.ToLower(strings.TrimSpace(s))) {
	case AllOrNothing:
		return AllOrNothing, true
	case ValidOnly:
		return ValidOnly, true
	}
	return "", false
}
