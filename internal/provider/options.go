package provider

import (
	"slices"
	"time"
)

// Option is one choice of a radio or checkbox question.
type Option struct {
	Value, Label string
}

// labelOf returns the label of value in opts, or value itself.
func labelOf(opts []Option, value string) string {
	if i := slices.IndexFunc(opts, func(o Option) bool { return o.Value == value }); i >= 0 {
		return opts[i].Label
	}
	return value
}

func values(opts []Option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Value
	}
	return out
}

// LegalForms are the legal forms a supplier can have (Procurement Regulations 2024).
var LegalForms = []Option{
	{"company", "Limited company"}, {"charity", "Registered charity"}, {"cio", "Charitable incorporated organisation (CIO)"},
	{"cic", "Community interest company (CIC)"}, {"llp", "Limited liability partnership (LLP)"}, {"partnership", "Partnership"},
	{"sole_trader", "Sole trader"}, {"public_body", "Public body"},
}

// OperationTypes are the supplier types the Central Digital Platform records.
var OperationTypes = []Option{
	{"sme", "Small or medium-sized enterprise (SME)"}, {"vcse", "Voluntary, community or social enterprise (VCSE)"},
	{"supported_employment", "Supported employment provider"}, {"public_service_mutual", "Public service mutual"},
	{"large", "None of these (large organisation)"},
}

// ServiceCategories are the children's services the council buys.
var ServiceCategories = []Option{
	{"childrens_homes", "Children's homes"}, {"independent_fostering", "Independent fostering"},
	{"supported_accommodation", "Supported accommodation (16 to 17)"}, {"send_education", "SEND education (independent special schools)"},
	{"short_breaks", "Short breaks"}, {"youth_services", "Youth services"}, {"family_support", "Family support"},
	{"residential_special_schools", "Residential special schools"},
	{"residential_family_centres", "Residential family centres"}, {"adoption_support", "Adoption support"},
	{"regulated_activities", "Health or personal care (CQC regulated activities)"},
}

// Categories that need a regulator's registration (the compliance rules read these): a
// provider of any of them that says it is not registered is red. Ofsted registers children's
// homes, independent fostering agencies, residential family centres and adoption support
// agencies (Care Standards Act 2000) and, from 28 October 2023, supported accommodation for
// 16 and 17 year olds; the CQC registers anyone carrying on a regulated activity (Health and
// Social Care Act 2008), which a provider tells the portal by choosing that service.
var (
	OfstedRegisteredCategories = []string{"childrens_homes", "independent_fostering", "supported_accommodation",
		"residential_family_centres", "adoption_support"}
	CQCRegisteredCategories = []string{"regulated_activities"}
)

// SupportedAccommodationRegisteredFrom is the day supported accommodation for 16 and 17
// year olds had to be registered with Ofsted.
var SupportedAccommodationRegisteredFrom = time.Date(2023, 10, 28, 0, 0, 0, 0, time.UTC)

// ServiceCategoryLabel is how a category is shown.
func ServiceCategoryLabel(v string) string { return labelOf(ServiceCategories, v) }

// YesNo is the options of a yes or no question.
var YesNo = []Option{{"yes", "Yes"}, {"no", "No"}}
