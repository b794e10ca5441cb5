package provider

import (
	"fmt"
	"strings"

	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/validate"
)

// OfstedJudgements are the overall judgements for children's social care (SCCIF).
var OfstedJudgements = []Option{
	{"outstanding", "Outstanding"}, {"good", "Good"}, {"requires_improvement", "Requires improvement to be good"},
	{"inadequate", "Inadequate"}, {"not_yet_inspected", "Not yet inspected"},
}

// CQCRatings are the CQC's overall ratings.
var CQCRatings = []Option{
	{"outstanding", "Outstanding"}, {"good", "Good"}, {"requires_improvement", "Requires improvement"},
	{"inadequate", "Inadequate"}, {"not_yet_rated", "Not yet rated"},
}

// OfstedRegistration is one Ofsted-registered setting.
type OfstedRegistration struct {
	URN           string         `form:"urn" json:"urn"`
	Judgement     string         `form:"judgement" json:"judgement"`
	JudgementDate form.DateInput `form:"judgement_date" json:"judgement_date"`
}

// CQCLocation is one CQC-registered location.
type CQCLocation struct {
	LocationID string         `form:"location_id" json:"location_id"`
	Rating     string         `form:"rating" json:"rating"`
	RatingDate form.DateInput `form:"rating_date" json:"rating_date"`
}

// RegulationAnswers are the provider's Ofsted and CQC registrations.
type RegulationAnswers struct {
	OfstedRegistered string               `form:"ofsted_registered" json:"ofsted_registered" validate:"required,oneof=yes no" msg:"Select yes if the organisation is registered with Ofsted"`
	Ofsted           []OfstedRegistration `form:"ofsted" json:"ofsted" validate:"max=30"`
	CQCRegistered    string               `form:"cqc_registered" json:"cqc_registered" validate:"required,oneof=yes no" msg:"Select yes if the organisation is registered with the CQC"`
	CQCProviderID    string               `form:"cqc_provider_id" json:"cqc_provider_id"`
	CQCLocations     []CQCLocation        `form:"cqc_locations" json:"cqc_locations" validate:"max=30"`
	// NotRegisteredReason explains a provider registered with neither regulator.
	NotRegisteredReason string `form:"not_registered_reason" json:"not_registered_reason" validate:"max=2000" multiline:"true" label:"the reason"`
}

// OfstedRows are the Ofsted registrations the form shows: at least one, so there is always
// a row to type the first URN into (and for the error summary to link to).
func (a *RegulationAnswers) OfstedRows() []OfstedRegistration {
	if len(a.Ofsted) == 0 {
		return []OfstedRegistration{{}}
	}
	return a.Ofsted
}

// Validate checks the identifiers and that each has its rating and date.
func (a *RegulationAnswers) Validate(c Checks) map[string]string {
	errs := fieldsOf(validate.Struct(a))
	if a.OfstedRegistered == "yes" {
		if len(a.Ofsted) == 0 {
			errs["ofsted-0-urn"] = "Enter the Ofsted unique reference number (URN)"
		}
		for i := range a.Ofsted {
			o := &a.Ofsted[i]
			f := func(s string) string { return fmt.Sprintf("ofsted-%d-%s", i, s) }
			if urn, err := ukid.OfstedURN(o.URN); err != nil {
				errs[f("urn")] = err.Error()
			} else {
				o.URN = urn
			}
			if !contains(values(OfstedJudgements), o.Judgement) {
				errs[f("judgement")] = "Select the latest overall judgement"
			} else if o.Judgement != "not_yet_inspected" {
				checkPastDate(errs, f("judgement_date"), o.JudgementDate, "the date of the judgement", c)
			}
		}
	} else {
		a.Ofsted = nil
	}
	if a.CQCRegistered == "yes" {
		if id, err := ukid.CQCID(a.CQCProviderID); err != nil {
			errs["cqc_provider_id"] = err.Error()
		} else {
			a.CQCProviderID = id
		}
		for i := range a.CQCLocations {
			l := &a.CQCLocations[i]
			f := func(s string) string { return fmt.Sprintf("cqc_locations-%d-%s", i, s) }
			if id, err := ukid.CQCID(l.LocationID); err != nil {
				errs[f("location_id")] = err.Error()
			} else {
				l.LocationID = id
			}
			if !contains(values(CQCRatings), l.Rating) {
				errs[f("rating")] = "Select the location's rating"
			} else if l.Rating != "not_yet_rated" {
				checkPastDate(errs, f("rating_date"), l.RatingDate, "the date of the rating", c)
			}
		}
	} else {
		a.CQCProviderID, a.CQCLocations = "", nil
	}
	if a.OfstedRegistered == "no" && a.CQCRegistered == "no" && strings.TrimSpace(a.NotRegisteredReason) == "" {
		errs["not_registered_reason"] = "Explain why the organisation is not registered with Ofsted or the CQC"
	}
	return errs
}

func checkPastDate(errs map[string]string, field string, d form.DateInput, label string, c Checks) {
	t, msg := d.Time(label)
	if msg != "" {
		errs[field] = msg
	} else if t.After(c.Today) {
		errs[field] = strings.ToUpper(label[:1]) + label[1:] + " must be today or in the past"
	}
}

// Summary lists the registrations.
func (a *RegulationAnswers) Summary() []SummaryRow {
	rows := []SummaryRow{{"Registered with Ofsted", labelOf(YesNo, a.OfstedRegistered), "ofsted_registered"}}
	for i, o := range a.Ofsted {
		rows = append(rows, SummaryRow{"Ofsted URN " + o.URN, labelOf(OfstedJudgements, o.Judgement) + dateSuffix(o.JudgementDate), fmt.Sprintf("ofsted-%d-urn", i)})
	}
	rows = append(rows, SummaryRow{"Registered with the CQC", labelOf(YesNo, a.CQCRegistered), "cqc_registered"})
	if a.CQCRegistered == "yes" {
		rows = append(rows, SummaryRow{"CQC provider ID", a.CQCProviderID, "cqc_provider_id"})
		for i, l := range a.CQCLocations {
			rows = append(rows, SummaryRow{"CQC location " + l.LocationID, labelOf(CQCRatings, l.Rating) + dateSuffix(l.RatingDate), fmt.Sprintf("cqc_locations-%d-location_id", i)})
		}
	}
	if a.NotRegisteredReason != "" {
		rows = append(rows, SummaryRow{"Why not registered", a.NotRegisteredReason, "not_registered_reason"})
	}
	return rows
}

func dateSuffix(d form.DateInput) string {
	if s := d.Display(); s != "" {
		return ", " + s
	}
	return ""
}

// Search feeds the directory's URN and CQC searches.
func (a *RegulationAnswers) Search(s *SearchColumns) {
	urns := []string{}
	for _, o := range a.Ofsted {
		urns = append(urns, o.URN)
	}
	s.OfstedURNs, s.CQCProviderID = urns, &a.CQCProviderID
}
