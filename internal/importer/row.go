package importer

import (
	"strings"

	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
)

// rowRecord is a checked row: the supplier reference and the answers it gives for each
// section of the provider record, as that section's form would hold them, normalised by the
// section's own checks. A section the row says nothing about is nil.
type rowRecord struct {
	ref string
	// given marks the cells that hold a value: an empty cell never changes what is stored.
	given      [numColumns]bool
	org        *provider.OrganisationAnswers
	contacts   *provider.ContactsAnswers
	addresses  *provider.AddressesAnswers
	vat        *provider.VATAnswers
	bank       *provider.BankAnswers // the account in clear, as typed into the form
	insurance  *provider.InsuranceAnswers
	regulation *provider.RegulationAnswers
	// creditor is the finance system's creditor number, normalised; "" when not given.
	creditor string
}

// policyColumns are the template columns of the two policies, by policy kind.
var policyColumns = []struct {
	kind                    string
	insurer, cover, expiry  int
	coverLabel, expiryLabel string
}{
	{provider.PolicyEmployersLiability, colELInsurer, colELCover, colELExpiry, "the employer's liability cover", "the employer's liability expiry date"},
	{provider.PolicyPublicLiability, colPLInsurer, colPLCover, colPLExpiry, "the public liability cover", "the public liability expiry date"},
}

// Each section's form fields that the template fills, by form field name. Messages for the
// section's other fields (a key contact's role, a policy number) are left out: the file has
// nowhere to give them, and the provider completes them after claiming the record.
var (
	organisationFields = map[string]int{"legal_name": colLegalName, "trading_name": colTradingName,
		"companies_house_number": colCompaniesHouse, "charity_number": colCharity}
	contactFields = map[string]int{"key_contact_name": colContactName, "key_contact_email": colContactEmail,
		"key_contact_phone": colContactPhone}
	addressFields = map[string]int{"reg_line1": colAddress1, "reg_line2": colAddress2, "reg_town": colTown,
		"reg_postcode": colPostcode}
	vatFields  = map[string]int{"vat_number": colVAT}
	bankFields = map[string]int{"account_name": colAccountName, "sort_code": colSortCode,
		"account_number": colAccountNumber, "roll_number": colRollNumber}
	regulationFields = map[string]int{"ofsted-0-urn": colOfstedURN, "cqc_provider_id": colCQCProviderID}
	// The insurance form numbers its policies in PolicyKinds order: 0 employer's, 1 public.
	insuranceFields = map[string]int{"policies-0-insurer": colELInsurer, "policies-0-cover": colELCover,
		"policies-0-expiry": colELExpiry, "policies-1-insurer": colPLInsurer, "policies-1-cover": colPLCover,
		"policies-1-expiry": colPLExpiry}
)

// checkRow reads and checks one row with the provider forms' checks. It returns the row's
// answers and one message per column that is wrong (empty when the row is good).
func checkRow(r sheetRow, c provider.Checks) (rowRecord, map[string]string) {
	var rec rowRecord
	errs := map[string]string{}
	var v [numColumns]string
	for i := range v {
		val, msg := cleanCell(i, r.cells[i], r.formula&(1<<i) != 0)
		if msg != "" {
			errs[Columns[i]] = msg
		}
		v[i], rec.given[i] = val, val != ""
	}
	// take keeps a section's messages for the template's columns, after any message the
	// cell itself already has.
	take := func(fields map[string]int, msgs map[string]string, only func(col int) bool) {
		for field, msg := range msgs {
			col, ok := fields[field]
			if !ok || (only != nil && !only(col)) {
				continue
			}
			if _, has := errs[Columns[col]]; !has {
				errs[Columns[col]] = msg
			}
		}
	}

	if rec.given[colCreditorNumber] {
		rec.creditor = finance.NormaliseCreditorNumber(v[colCreditorNumber])
		if msg := finance.CheckCreditorNumber(rec.creditor); msg != "" {
			setOnce(errs, colCreditorNumber, msg)
		}
	}

	rec.ref = normaliseRef(v[colSupplierRef])
	if msg := checkRef(rec.ref); msg != "" && errs["supplier_ref"] == "" {
		errs["supplier_ref"] = msg
	}

	rec.org = &provider.OrganisationAnswers{LegalName: v[colLegalName], TradingName: v[colTradingName],
		CompaniesHouseNumber: v[colCompaniesHouse], CharityNumber: v[colCharity]}
	legalForm, ok := parseLegalForm(v[colLegalForm])
	if ok {
		rec.org.LegalForm = legalForm
	} else if errs["legal_form"] == "" {
		errs["legal_form"] = "Enter the legal form as one of: " + strings.Join(legalFormValues(), ", ")
	}
	take(organisationFields, rec.org.Validate(c), nil)

	rec.contacts = &provider.ContactsAnswers{KeyContactName: v[colContactName], KeyContactEmail: v[colContactEmail],
		KeyContactPhone: v[colContactPhone]}
	take(contactFields, rec.contacts.Validate(c), nil)

	rec.addresses = &provider.AddressesAnswers{RegLine1: v[colAddress1], RegLine2: v[colAddress2], RegTown: v[colTown],
		RegPostcode: v[colPostcode], CorrespondenceSame: "yes"}
	take(addressFields, rec.addresses.Validate(c), nil)

	if rec.given[colVAT] {
		rec.vat = &provider.VATAnswers{Registered: "yes", Number: v[colVAT]}
		take(vatFields, rec.vat.Validate(c), nil)
	}

	if rec.any(colAccountName, colSortCode, colAccountNumber, colRollNumber) {
		rec.bank = &provider.BankAnswers{AccountName: v[colAccountName], SortCode: v[colSortCode],
			AccountNumber: v[colAccountNumber], RollNumber: v[colRollNumber]}
		take(bankFields, rec.bank.Validate(c), nil)
	}

	if rec.any(colELInsurer, colELCover, colELExpiry, colPLInsurer, colPLCover, colPLExpiry) {
		rec.insurance = &provider.InsuranceAnswers{}
		for _, pc := range policyColumns {
			p := provider.Policy{Kind: pc.kind, Insurer: v[pc.insurer]}
			if rec.given[pc.cover] {
				if pence, msg := parsePence(v[pc.cover], pc.coverLabel); msg != "" {
					setOnce(errs, pc.cover, msg)
				} else {
					p.Cover = form.PoundsOf(pence)
				}
			}
			if rec.given[pc.expiry] {
				if d, msg := parseDate(v[pc.expiry], pc.expiryLabel); msg != "" {
					setOnce(errs, pc.expiry, msg)
				} else {
					p.Expiry = d
				}
			}
			rec.insurance.Policies = append(rec.insurance.Policies, p)
		}
		// Only the policies the row gives are checked: leaving all three of a policy's
		// cells empty imports no policy of that kind.
		take(insuranceFields, rec.insurance.Validate(c), func(col int) bool {
			for _, pc := range policyColumns {
				if col == pc.insurer || col == pc.cover || col == pc.expiry {
					return rec.any(pc.insurer, pc.cover, pc.expiry)
				}
			}
			return false
		})
	}

	if rec.given[colOfstedURN] || rec.given[colCQCProviderID] {
		rec.regulation = &provider.RegulationAnswers{}
		if rec.given[colOfstedURN] {
			rec.regulation.OfstedRegistered = "yes"
			rec.regulation.Ofsted = []provider.OfstedRegistration{{URN: v[colOfstedURN]}}
		}
		if rec.given[colCQCProviderID] {
			rec.regulation.CQCRegistered, rec.regulation.CQCProviderID = "yes", v[colCQCProviderID]
		}
		take(regulationFields, rec.regulation.Validate(c), nil)
	}
	return rec, errs
}

func setOnce(errs map[string]string, col int, msg string) {
	if _, has := errs[Columns[col]]; !has {
		errs[Columns[col]] = msg
	}
}

// any reports whether any of the columns holds a value.
func (rec *rowRecord) any(cols ...int) bool {
	for _, c := range cols {
		if rec.given[c] {
			return true
		}
	}
	return false
}

// parseLegalForm accepts a legal form's stored value ("cio"), the form's wording
// ("Charitable incorporated organisation (CIO)") or its abbreviation in brackets ("CIO"),
// in any case.
func parseLegalForm(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", false
	}
	for _, o := range provider.LegalForms {
		label := strings.ToLower(o.Label)
		if s == o.Value || s == strings.ReplaceAll(o.Value, "_", " ") || s == label {
			return o.Value, true
		}
		if i := strings.Index(label, "("); i >= 0 && s == strings.Trim(label[i:], "()") {
			return o.Value, true
		}
	}
	return "", false
}

func legalFormValues() []string {
	out := make([]string, len(provider.LegalForms))
	for i, o := range provider.LegalForms {
		out[i] = o.Value
	}
	return out
}
