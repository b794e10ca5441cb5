package provider

import (
	"strconv"

	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/validate"
)

// HealthSafetyAnswers are the provider's health and safety arrangements.
type HealthSafetyAnswers struct {
	LeadName                 string         `form:"lead_name" json:"lead_name" validate:"required,max=200" label:"the name of the health and safety lead"`
	HealthSafetyPolicyReview form.DateInput `form:"hs_policy_review" json:"hs_policy_review"`
	SafeguardingPolicyReview form.DateInput `form:"safeguarding_policy_review" json:"safeguarding_policy_review"`
	ReportableIncidents      string         `form:"reportable_incidents" json:"reportable_incidents" label:"the number of reportable incidents"`
}

// Validate checks the review dates (a policy reviewed more than a year ago is out of date)
// and the incident count.
func (a *HealthSafetyAnswers) Validate(c Checks) map[string]string {
	errs := fieldsOf(validate.Struct(a))
	checkPastDate(errs, "hs_policy_review", a.HealthSafetyPolicyReview, "the date the health and safety policy was last reviewed", c)
	checkPastDate(errs, "safeguarding_policy_review", a.SafeguardingPolicyReview, "the date the safeguarding policy was last reviewed", c)
	n, err := strconv.Atoi(a.ReportableIncidents)
	switch {
	case a.ReportableIncidents == "":
		errs["reportable_incidents"] = "Enter the number of reportable incidents in the last 12 months, or 0"
	case err != nil || n < 0 || n > 10000:
		errs["reportable_incidents"] = "Number of reportable incidents must be a whole number, like 0 or 3"
	default:
		a.ReportableIncidents = strconv.Itoa(n)
	}
	return errs
}

// Summary lists the answers.
func (a *HealthSafetyAnswers) Summary() []SummaryRow {
	return []SummaryRow{
		{"Health and safety lead", a.LeadName, "lead_name"},
		{"Health and safety policy last reviewed", a.HealthSafetyPolicyReview.Display(), "hs_policy_review-day"},
		{"Safeguarding policy last reviewed", a.SafeguardingPolicyReview.Display(), "safeguarding_policy_review-day"},
		{"Reportable incidents in the last 12 months", a.ReportableIncidents, "reportable_incidents"},
	}
}
