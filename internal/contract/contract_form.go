package contract

import (
	"strconv"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/validate"
)

// ContractForm is the contract form as typed: the struct's `form` tags are the field names,
// so a form that fails comes back exactly as it was sent.
type ContractForm struct {
	Reference string `form:"reference" validate:"required,max=50" label:"the contract reference"`
	Title     string `form:"title" validate:"required,max=300" label:"the contract title"`
	// Provider is the provider's supplier reference (SUP1001), which officers quote.
	Provider          string         `form:"provider" validate:"required,max=20" label:"the provider's supplier reference"`
	ServiceCategory   string         `form:"service_category" label:"the service category"`
	Route             string         `form:"procurement_route" label:"the procurement route"`
	FrameworkName     string         `form:"framework_name" validate:"max=300" label:"the framework or dynamic purchasing system"`
	Lot               string         `form:"lot" validate:"max=200" label:"the lot"`
	StartDate         form.DateInput `form:"start_date" label:"the start date"`
	EndDate           form.DateInput `form:"end_date" label:"the end date"`
	ExtensionOptions  string         `form:"extension_options" multiline:"true" validate:"max=2000" label:"the extension options"`
	ExtensionMonths   string         `form:"extension_months" label:"the extension in months"`
	TotalValue        form.Pounds    `form:"total_value" label:"the total value"`
	AnnualValue       form.Pounds    `form:"annual_value" label:"the annual value"`
	PaymentTerms      string         `form:"payment_terms" multiline:"true" validate:"max=2000" label:"the payment terms"`
	ManagerID         string         `form:"manager" label:"the contract manager"`
	Status            string         `form:"status" label:"the status"`
	DateSigned        form.DateInput `form:"date_signed" label:"the date signed"`
	TerminationReason string         `form:"termination_reason" multiline:"true" validate:"max=2000" label:"the reason for termination"`
	// What the Procurement Act 2023 notices need (notice.go).
	Procedure      string         `form:"award_procedure" label:"the procedure"`
	LightTouch     string         `form:"light_touch" label:"whether it is a light-touch contract"`
	CPVCodes       string         `form:"cpv_codes" validate:"max=500" label:"the CPV codes"`
	SupplierPPON   string         `form:"supplier_ppon" validate:"max=20" label:"the supplier's PPON"`
	EstimatedValue form.Pounds    `form:"estimated_value" label:"the estimated value"`
	MaximumValue   form.Pounds    `form:"maximum_value" label:"the maximum value"`
	PublishedOn    form.DateInput `form:"published_on" label:"the date the contract details notice was published"`
	KPIExemption   string         `form:"kpi_exemption" label:"the exemption from section 52"`
}

// ContractFormOrder is the order of the form's fields, for the error summary.
var ContractFormOrder = []string{"reference", "title", "provider", "service_category", "procurement_route", "framework_name", "lot",
	"start_date", "end_date", "extension_options", "extension_months", "total_value", "annual_value", "payment_terms",
	"manager", "status", "date_signed", "termination_reason", "award_procedure", "light_touch", "cpv_codes", "supplier_ppon",
	"estimated_value", "maximum_value", "published_on", "kpi_exemption"}

// ContractFormOf fills the form from a stored contract, for editing.
func ContractFormOf(c *Contract) ContractForm {
	f := ContractForm{Reference: c.Reference, Title: c.Title, Provider: c.SupplierRef, ServiceCategory: c.ServiceCategory,
		Route: string(c.Route), FrameworkName: c.FrameworkName, Lot: c.Lot,
		StartDate: form.DateInputOf(&c.StartDate), EndDate: form.DateInputOf(&c.EndDate),
		ExtensionOptions: c.ExtensionOptions, TotalValue: form.PoundsOf(c.TotalValuePence), AnnualValue: form.PoundsOf(c.AnnualValuePence),
		PaymentTerms: c.PaymentTerms, Status: string(c.Stored), DateSigned: form.DateInputOf(c.DateSigned),
		TerminationReason: c.TerminationReason, Procedure: string(c.Procedure), CPVCodes: strings.Join(c.CPVCodes, ", "),
		SupplierPPON: c.SupplierPPON, PublishedOn: form.DateInputOf(c.PublishedOn), KPIExemption: c.KPIExemption, LightTouch: "no"}
	if c.LightTouch {
		f.LightTouch = "yes"
	}
	if c.EstimatedValuePence != nil {
		f.EstimatedValue = form.PoundsOf(*c.EstimatedValuePence)
	}
	if c.MaximumValuePence != nil {
		f.MaximumValue = form.PoundsOf(*c.MaximumValuePence)
	}
	if c.ExtensionMonths > 0 {
		f.ExtensionMonths = strconv.Itoa(c.ExtensionMonths)
	}
	if c.ManagerID != nil {
		f.ManagerID = *c.ManagerID
	}
	return f
}

// contractValues are the checked values of a ContractForm, ready to store.
type contractValues struct {
	Reference, Title, SupplierRef, ServiceCategory string
	Route                                          Route
	FrameworkName, Lot                             string
	StartDate, EndDate                             time.Time
	ExtensionOptions                               string
	ExtensionMonths                                int
	TotalValuePence, AnnualValuePence              int64
	PaymentTerms, ManagerID                        string
	Status                                         Status
	DateSigned                                     *time.Time
	TerminationReason                              string
	Procedure                                      Procedure
	LightTouch                                     bool
	CPVCodes                                       []string
	SupplierPPON                                   string
	EstimatedValuePence, MaximumValuePence         *int64
	PublishedOn                                    *time.Time
	KPIExemption                                   string
}

// validate checks what the form alone can tell, returning one message per wrong field;
// the service checks the rest (the provider is approved, the manager an officer, the
// reference unused) against the database.
func (f *ContractForm) validate(today time.Time) (contractValues, map[string]string) {
	errs := map[string]string{}
	for k, msg := range apperr.FieldsOf(validate.Struct(f)) {
		errs[k] = msg
	}
	v := contractValues{Reference: strings.ToUpper(f.Reference), Title: f.Title, SupplierRef: strings.ToUpper(strings.ReplaceAll(f.Provider, " ", "")),
		ServiceCategory: f.ServiceCategory, Route: Route(f.Route), FrameworkName: f.FrameworkName, Lot: f.Lot,
		ExtensionOptions: f.ExtensionOptions, PaymentTerms: f.PaymentTerms, ManagerID: f.ManagerID, Status: Status(f.Status),
		TerminationReason: f.TerminationReason}
	if errs["reference"] == "" && !referenceOK(v.Reference) {
		errs["reference"] = "The contract reference must only include letters, numbers, hyphens, slashes and full stops"
	}
	if !hasOption(provider.ServiceCategories, f.ServiceCategory) {
		errs["service_category"] = "Select the service category"
	}
	if !hasOption(Routes, f.Route) {
		errs["procurement_route"] = "Select the procurement route"
	} else if v.Route.NeedsFramework() && f.FrameworkName == "" && errs["framework_name"] == "" {
		errs["framework_name"] = "Enter the name of the framework or dynamic purchasing system"
	} else if !v.Route.NeedsFramework() {
		v.FrameworkName = ""
	}
	var msg string
	if v.StartDate, msg = f.StartDate.Time("the start date"); msg != "" {
		errs["start_date"] = msg
	}
	if v.EndDate, msg = f.EndDate.Time("the end date"); msg != "" {
		errs["end_date"] = msg
	} else if errs["start_date"] == "" && v.EndDate.Before(v.StartDate) {
		errs["end_date"] = "The end date must be the same as or after the start date"
	}
	if f.ExtensionMonths != "" {
		n, err := strconv.Atoi(f.ExtensionMonths)
		if err != nil || n < 0 || n > 240 {
			errs["extension_months"] = "Enter the extension in whole months, from 0 to 240"
		}
		v.ExtensionMonths = n
	}
	if v.ExtensionMonths > 0 && f.ExtensionOptions == "" && errs["extension_options"] == "" {
		errs["extension_options"] = "Describe the extension options, like 2 optional extensions of 12 months each"
	}
	if v.TotalValuePence, msg = f.TotalValue.Pence("the total value"); msg != "" {
		errs["total_value"] = msg
	}
	if v.AnnualValuePence, msg = f.AnnualValue.Pence("the annual value"); msg != "" {
		errs["annual_value"] = msg
	} else if errs["total_value"] == "" && v.AnnualValuePence > v.TotalValuePence {
		errs["annual_value"] = "The annual value must not be more than the total value"
	}
	if f.ManagerID == "" {
		errs["manager"] = "Select the contract manager"
	}
	if !hasOption(StoredStatuses, f.Status) {
		errs["status"] = "Select the status"
	}
	if !f.DateSigned.IsEmpty() {
		d, msg := f.DateSigned.Time("the date signed")
		switch {
		case msg != "":
			errs["date_signed"] = msg
		case d.After(today):
			errs["date_signed"] = "The date signed must be today or in the past"
		default:
			v.DateSigned = &d
		}
	}
	if v.Status == StatusTerminated && f.TerminationReason == "" && errs["termination_reason"] == "" {
		errs["termination_reason"] = "Enter the reason the contract was terminated"
	} else if v.Status != StatusTerminated {
		v.TerminationReason = ""
	}
	f.validateNotices(&v, errs, today)
	return v, errs
}

// validateNotices checks what the Procurement Act 2023 notices need. A contract let before
// the Act (procedure pcr2015) may leave the CPV codes and values empty, since old records
// often lack them; every other contract must give them.
func (f *ContractForm) validateNotices(v *contractValues, errs map[string]string, today time.Time) {
	v.Procedure = Procedure(f.Procedure)
	legacy := v.Procedure == ProcedurePCR2015
	if !hasOption(Procedures, f.Procedure) {
		errs["award_procedure"] = "Select the procedure the contract was awarded under"
	} else if v.Procedure == ProcedureCallOff && !v.Route.NeedsFramework() && errs["procurement_route"] == "" {
		errs["award_procedure"] = "A call-off must have the procurement route framework call-off or dynamic purchasing system"
	}
	switch f.LightTouch {
	case "yes", "no":
		v.LightTouch = f.LightTouch == "yes"
	default:
		errs["light_touch"] = "Select yes if it is a light-touch contract"
	}
	if errs["cpv_codes"] == "" {
		codes, msg := ParseCPVCodes(f.CPVCodes)
		switch {
		case msg != "":
			errs["cpv_codes"] = msg
		case len(codes) == 0 && !legacy:
			errs["cpv_codes"] = "Enter at least one CPV code, like 85311300-5"
		}
		v.CPVCodes = codes
	}
	if errs["supplier_ppon"] == "" {
		ppon, ok := NormalisePPON(f.SupplierPPON)
		if !ok {
			errs["supplier_ppon"] = "Enter the PPON as 12 letters and numbers starting with P, like PDLN-5395-QMNP"
		}
		v.SupplierPPON = ppon
	}
	pounds := func(p form.Pounds, field, label string) *int64 {
		if legacy && strings.TrimSpace(string(p)) == "" {
			return nil
		}
		n, msg := p.Pence(label)
		if msg != "" {
			errs[field] = msg
			return nil
		}
		return &n
	}
	v.EstimatedValuePence = pounds(f.EstimatedValue, "estimated_value", "the estimated value")
	v.MaximumValuePence = pounds(f.MaximumValue, "maximum_value", "the maximum value")
	switch {
	case errs["estimated_value"] != "" || errs["maximum_value"] != "":
	case (v.EstimatedValuePence == nil) != (v.MaximumValuePence == nil):
		if v.EstimatedValuePence == nil {
			errs["estimated_value"] = "Enter the estimated value, or leave both values empty"
		} else {
			errs["maximum_value"] = "Enter the maximum value, or leave both values empty"
		}
	case v.MaximumValuePence != nil && *v.MaximumValuePence < *v.EstimatedValuePence:
		errs["maximum_value"] = "The maximum value must be the same as or more than the estimated value"
	}
	if !f.PublishedOn.IsEmpty() {
		d, msg := f.PublishedOn.Time("the date the contract details notice was published")
		switch {
		case msg != "":
			errs["published_on"] = msg
		case d.After(today):
			errs["published_on"] = "The date the notice was published must be today or in the past"
		case v.DateSigned == nil && errs["date_signed"] == "":
			errs["published_on"] = "Enter the date signed: a contract details notice is published after the contract is signed"
		case v.DateSigned != nil && d.Before(*v.DateSigned):
			errs["published_on"] = "The date the notice was published must be the same as or after the date signed"
		default:
			v.PublishedOn = &d
		}
	}
	if !hasOption(KPIExemptions, f.KPIExemption) {
		errs["kpi_exemption"] = "Select whether the contract is exempt from section 52"
	}
	v.KPIExemption = f.KPIExemption
}

// referenceOK allows what council contract registers use: letters, digits, - / . and _.
func referenceOK(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-/._", r)) {
			return false
		}
	}
	return s != ""
}
