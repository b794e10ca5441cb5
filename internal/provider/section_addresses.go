package provider

import (
	"strings"

	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/validate"
)

// AddressesAnswers are the registered office and the address for post.
type AddressesAnswers struct {
	RegLine1    string `form:"reg_line1" json:"reg_line1" validate:"required,max=200" label:"the first line of the registered office address"`
	RegLine2    string `form:"reg_line2" json:"reg_line2" validate:"max=200" label:"the second line of the address"`
	RegTown     string `form:"reg_town" json:"reg_town" validate:"required,max=100" label:"the town or city"`
	RegCounty   string `form:"reg_county" json:"reg_county" validate:"max=100" label:"the county"`
	RegPostcode string `form:"reg_postcode" json:"reg_postcode" label:"the postcode"`
	// CorrespondenceSame is "yes" when post goes to the registered office.
	CorrespondenceSame string `form:"correspondence_same" json:"correspondence_same" validate:"required,oneof=yes no" label:"whether post goes to the registered office" msg:"Select yes if we should send post to the registered office"`
	CorrLine1          string `form:"corr_line1" json:"corr_line1" validate:"max=200" label:"the first line of the correspondence address"`
	CorrLine2          string `form:"corr_line2" json:"corr_line2" validate:"max=200" label:"the second line of the address"`
	CorrTown           string `form:"corr_town" json:"corr_town" validate:"max=100" label:"the town or city"`
	CorrCounty         string `form:"corr_county" json:"corr_county" validate:"max=100" label:"the county"`
	CorrPostcode       string `form:"corr_postcode" json:"corr_postcode" label:"the postcode"`
}

// Validate checks and normalises the postcodes.
func (a *AddressesAnswers) Validate(Checks) map[string]string {
	errs := fieldsOf(validate.Struct(a))
	if p, err := ukid.Postcode(a.RegPostcode); err != nil {
		errs["reg_postcode"] = err.Error()
	} else {
		a.RegPostcode = p
	}
	if a.CorrespondenceSame == "no" {
		if a.CorrLine1 == "" {
			errs["corr_line1"] = "Enter the first line of the correspondence address"
		}
		if a.CorrTown == "" {
			errs["corr_town"] = "Enter the town or city of the correspondence address"
		}
		if p, err := ukid.Postcode(a.CorrPostcode); err != nil {
			errs["corr_postcode"] = err.Error()
		} else {
			a.CorrPostcode = p
		}
	} else if a.CorrespondenceSame == "yes" {
		a.CorrLine1, a.CorrLine2, a.CorrTown, a.CorrCounty, a.CorrPostcode = "", "", "", "", ""
	}
	return errs
}

// RegisteredOffice is the registered office as lines.
func (a *AddressesAnswers) RegisteredOffice() []string {
	return nonEmpty(a.RegLine1, a.RegLine2, a.RegTown, a.RegCounty, a.RegPostcode)
}

// Correspondence is where post goes, as lines.
func (a *AddressesAnswers) Correspondence() []string {
	if a.CorrespondenceSame != "no" {
		return a.RegisteredOffice()
	}
	return nonEmpty(a.CorrLine1, a.CorrLine2, a.CorrTown, a.CorrCounty, a.CorrPostcode)
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Summary lists the addresses.
func (a *AddressesAnswers) Summary() []SummaryRow {
	corr := "Same as the registered office"
	if a.CorrespondenceSame == "no" {
		corr = strings.Join(a.Correspondence(), ", ")
	}
	return []SummaryRow{
		{"Registered office", strings.Join(a.RegisteredOffice(), ", "), "reg_line1"},
		{"Correspondence address", corr, "correspondence_same"},
	}
}

// Search feeds the directory's postcode search.
func (a *AddressesAnswers) Search(s *SearchColumns) { s.Postcode = &a.RegPostcode }
