package provider

import (
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/validate"
)

// VATAnswers say whether the provider is VAT registered, and the number.
type VATAnswers struct {
	Registered string `form:"vat_registered" json:"vat_registered" validate:"required,oneof=yes no" msg:"Select yes if the organisation is registered for VAT"`
	Number     string `form:"vat_number" json:"vat_number" label:"the VAT registration number"`
}

// Validate checks the number with HMRC's check digits.
func (a *VATAnswers) Validate(Checks) map[string]string {
	errs := fieldsOf(validate.Struct(a))
	if a.Registered == "yes" {
		if n, err := ukid.VAT(a.Number); err != nil {
			errs["vat_number"] = err.Error()
		} else {
			a.Number = n
		}
	} else if a.Registered == "no" {
		// Cleared only on a definite "no": when the question is unanswered the form comes
		// back with its error and must still show the number typed.
		a.Number = ""
	}
	return errs
}

// Summary lists the answers.
func (a *VATAnswers) Summary() []SummaryRow {
	rows := []SummaryRow{{"Registered for VAT", labelOf(YesNo, a.Registered), "vat_registered"}}
	if a.Registered == "yes" {
		rows = append(rows, SummaryRow{"VAT number", a.Number, "vat_number"})
	}
	return rows
}

// Search feeds the directory's VAT search.
func (a *VATAnswers) Search(s *SearchColumns) { s.VATNumber = &a.Number }
