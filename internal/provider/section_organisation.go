package provider

import (
	"strings"

	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/validate"
)

// OrganisationAnswers are the supplier's core identity.
type OrganisationAnswers struct {
	LegalName            string         `form:"legal_name" json:"legal_name" validate:"required,max=300" label:"the organisation's legal name"`
	TradingName          string         `form:"trading_name" json:"trading_name" validate:"max=300" label:"the trading name"`
	LegalForm            string         `form:"legal_form" json:"legal_form" validate:"required" label:"the legal form" msg:"Select the organisation's legal form"`
	CompaniesHouseNumber string         `form:"companies_house_number" json:"companies_house_number" label:"the Companies House number"`
	CharityNumber        string         `form:"charity_number" json:"charity_number" label:"the charity number"`
	StartDate            form.DateInput `form:"start_date" json:"start_date" label:"the registration or trading start date"`
	Website              string         `form:"website" json:"website" validate:"omitempty,max=300,http_url" label:"the website address"`
	OperationType        string         `form:"operation_type" json:"operation_type" validate:"required" label:"the type of organisation" msg:"Select the type of organisation"`
	ServiceCategories    []string       `form:"service_categories" json:"service_categories" validate:"min=1" label:"the services you provide" msg:"Select the services you provide"`
}

// needsCompanyNumber lists the legal forms registered at Companies House.
var needsCompanyNumber = []string{"company", "cic", "llp"}

// Validate checks the answers and normalises the registration numbers.
func (a *OrganisationAnswers) Validate(c Checks) map[string]string {
	errs := fieldsOf(validate.Struct(a))
	if a.LegalForm != "" && !contains(values(LegalForms), a.LegalForm) {
		errs["legal_form"] = "Select the organisation's legal form"
	}
	if a.OperationType != "" && !contains(values(OperationTypes), a.OperationType) {
		errs["operation_type"] = "Select the type of organisation"
	}
	for _, s := range a.ServiceCategories {
		if !contains(values(ServiceCategories), s) {
			errs["service_categories"] = "Select the services you provide from the list"
		}
	}
	switch {
	case a.CompaniesHouseNumber != "":
		n, err := ukid.CompaniesHouse(a.CompaniesHouseNumber)
		if err != nil {
			errs["companies_house_number"] = err.Error()
		} else {
			a.CompaniesHouseNumber = n
		}
	case contains(needsCompanyNumber, a.LegalForm):
		errs["companies_house_number"] = "Enter the Companies House number, like 01234567 or SC123456"
	}
	switch {
	case a.CharityNumber != "":
		ch, err := ukid.CharityNumber(a.CharityNumber)
		if err != nil {
			errs["charity_number"] = err.Error()
		} else {
			a.CharityNumber = ch.Number
		}
	case a.LegalForm == "charity" || a.LegalForm == "cio":
		errs["charity_number"] = "Enter the charity number, like 1234567 or SC012345"
	}
	if d, msg := a.StartDate.Time("the registration or trading start date"); msg != "" {
		errs["start_date"] = msg
	} else if d.After(c.Today) {
		errs["start_date"] = "The registration or trading start date must be today or in the past"
	}
	if a.Website != "" && !strings.HasPrefix(a.Website, "http") {
		errs["website"] = "Enter the website address in the correct format, like https://www.example.com"
	}
	return errs
}

// Summary lists the answers for checking.
func (a *OrganisationAnswers) Summary() []SummaryRow {
	cats := make([]string, len(a.ServiceCategories))
	for i, s := range a.ServiceCategories {
		cats[i] = ServiceCategoryLabel(s)
	}
	return []SummaryRow{
		{"Legal name", a.LegalName, "legal_name"},
		{"Trading name", orNone(a.TradingName), "trading_name"},
		{"Legal form", labelOf(LegalForms, a.LegalForm), "legal_form"},
		{"Companies House number", orNone(a.CompaniesHouseNumber), "companies_house_number"},
		{"Charity number", orNone(a.CharityNumber), "charity_number"},
		{"Registered or started trading", a.StartDate.Display(), "start_date-day"},
		{"Website", orNone(a.Website), "website"},
		{"Type of organisation", labelOf(OperationTypes, a.OperationType), "operation_type"},
		{"Services", strings.Join(cats, ", "), "service_categories"},
	}
}

// Search feeds the directory.
func (a *OrganisationAnswers) Search(s *SearchColumns) {
	s.LegalName, s.TradingName = &a.LegalName, &a.TradingName
	s.CompaniesHouseNumber, s.CharityNumber = &a.CompaniesHouseNumber, &a.CharityNumber
	s.ServiceCategories = append([]string{}, a.ServiceCategories...)
}
