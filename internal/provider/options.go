package provider

import "slices"

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
}

// ServiceCategoryLabel is how a category is shown.
func ServiceCategoryLabel(v string) string { return labelOf(ServiceCategories, v) }

// YesNo is the options of a yes or no question.
var YesNo = []Option{{"yes", "Yes"}, {"no", "No"}}
