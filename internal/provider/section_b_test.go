package provider_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/vault"
)

// checksOn are the checks as they would run on a fixed day, so dates in the tables stay
// past or future whenever the tests run.
var checksOn = provider.Checks{Today: time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC), MinEmployersLiabilityPence: provider.MinEmployersLiabilityPence}

func date(d, m, y string) form.DateInput { return form.DateInput{Day: d, Month: m, Year: y} }

// wantErrors checks that Validate reported exactly the wanted fields, each message
// containing the wanted text ("" for any message).
func wantErrors(t *testing.T, got map[string]string, want map[string]string) {
	t.Helper()
	if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
		t.Fatalf("errors %v, want fields %v", got, slices.Sorted(maps.Keys(want)))
	}
	for k, part := range want {
		if !strings.Contains(got[k], part) {
			t.Errorf("%s: %q, want it to contain %q", k, got[k], part)
		}
	}
}

func validPolicy(kind string) provider.Policy {
	return provider.Policy{Kind: kind, Insurer: "Hiscox", PolicyNumber: "PL-" + kind, Cover: "10,000,000",
		Start: date("1", "4", "2025"), Expiry: date("31", "3", "2026"), CertificateID: "doc-" + kind, CertificateName: kind + ".pdf"}
}

func validInsurance() *provider.InsuranceAnswers {
	return &provider.InsuranceAnswers{ELExempt: "no", Policies: []provider.Policy{
		validPolicy(provider.PolicyEmployersLiability), validPolicy(provider.PolicyPublicLiability), validPolicy(provider.PolicyProfessionalIndemnity)}}
}

func TestInsuranceValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(a *provider.InsuranceAnswers)
		want   map[string]string
	}{
		{"valid", func(*provider.InsuranceAnswers) {}, nil},
		{"employer's liability exactly £5m", func(a *provider.InsuranceAnswers) { a.Policies[0].Cover = "£5,000,000.00" }, nil},
		{"employer's liability below £5m", func(a *provider.InsuranceAnswers) { a.Policies[0].Cover = "4999999.99" },
			map[string]string{"policies-0-cover": "must be at least £5,000,000"}},
		{"public liability may be below £5m", func(a *provider.InsuranceAnswers) { a.Policies[1].Cover = "1000000" }, nil},
		{"cover not a number", func(a *provider.InsuranceAnswers) { a.Policies[2].Cover = "five million" },
			map[string]string{"policies-2-cover": "in pounds"}},
		{"cover with three decimals", func(a *provider.InsuranceAnswers) { a.Policies[2].Cover = "100.001" },
			map[string]string{"policies-2-cover": "in pounds"}},
		{"nothing given", func(a *provider.InsuranceAnswers) { *a = provider.InsuranceAnswers{} },
			map[string]string{
				"policies-0-insurer": "employer's liability insurer", "policies-0-policy_number": "", "policies-0-cover": "", "policies-0-start": "", "policies-0-expiry": "", "policies-0-certificate": "Upload",
				"policies-1-insurer": "public liability insurer", "policies-1-policy_number": "", "policies-1-cover": "", "policies-1-start": "", "policies-1-expiry": "", "policies-1-certificate": "",
				"policies-2-insurer": "professional indemnity insurer", "policies-2-policy_number": "", "policies-2-cover": "", "policies-2-start": "", "policies-2-expiry": "", "policies-2-certificate": "",
			}},
		{"exempt with a reason needs no employer's liability", func(a *provider.InsuranceAnswers) {
			a.ELExempt, a.ELExemptReason = "yes", "No employees: the director is the only worker"
			a.Policies[0] = provider.Policy{Kind: provider.PolicyEmployersLiability}
		}, nil},
		{"exempt without a reason", func(a *provider.InsuranceAnswers) { a.ELExempt = "yes" },
			map[string]string{"el_exempt_reason": "reason"}},
		{"exempt answer not yes or no", func(a *provider.InsuranceAnswers) { a.ELExempt = "maybe" },
			map[string]string{"el_exempt": "Select yes if"}},
		{"expired policy", func(a *provider.InsuranceAnswers) {
			a.Policies[1].Start, a.Policies[1].Expiry = date("1", "6", "2024"), date("14", "6", "2025")
		}, map[string]string{"policies-1-expiry": "has expired"}},
		{"expiring today is still in force", func(a *provider.InsuranceAnswers) { a.Policies[1].Expiry = date("15", "6", "2025") }, nil},
		{"expiry before start", func(a *provider.InsuranceAnswers) {
			a.Policies[2].Start, a.Policies[2].Expiry = date("1", "7", "2025"), date("30", "6", "2025")
		}, map[string]string{"policies-2-expiry": "must be after the start date"}},
		{"not a real date", func(a *provider.InsuranceAnswers) { a.Policies[0].Start = date("31", "2", "2025") },
			map[string]string{"policies-0-start": "real date"}},
		{"no certificate", func(a *provider.InsuranceAnswers) { a.Policies[2].CertificateID = "" },
			map[string]string{"policies-2-certificate": "Upload the professional indemnity certificate"}},
		{"insurer too long", func(a *provider.InsuranceAnswers) { a.Policies[1].Insurer = strings.Repeat("x", 201) },
			map[string]string{"policies-1-insurer": "200 characters"}},
		{"exemption reason too long", func(a *provider.InsuranceAnswers) {
			a.ELExempt, a.ELExemptReason = "yes", strings.Repeat("x", 1001)
		}, map[string]string{"el_exempt_reason": "1000 characters"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validInsurance()
			c.change(a)
			wantErrors(t, a.Validate(checksOn), c.want)
		})
	}
}

func TestInsuranceNormalises(t *testing.T) {
	a := validInsurance()
	// The form's order is not trusted: the policies come back one of each kind, in order,
	// with their cover in pence.
	a.Policies = []provider.Policy{a.Policies[2], a.Policies[0], a.Policies[1], {Kind: "made_up", Insurer: "X"}}
	a.Policies[1].Cover = "£5,000,000.50"
	if errs := a.Validate(checksOn); len(errs) > 0 {
		t.Fatal(errs)
	}
	var kinds []string
	for _, p := range a.Policies {
		kinds = append(kinds, p.Kind)
	}
	if want := []string{provider.PolicyEmployersLiability, provider.PolicyPublicLiability, provider.PolicyProfessionalIndemnity}; !slices.Equal(kinds, want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
	if got := a.Policy(provider.PolicyEmployersLiability).CoverPence; got != 500_000_050 {
		t.Errorf("cover %d pence, want 500000050", got)
	}

	exempt := validInsurance()
	exempt.ELExempt, exempt.ELExemptReason = "yes", "Sole trader with no employees"
	if errs := exempt.Validate(checksOn); len(errs) > 0 {
		t.Fatal(errs)
	}
	if p := exempt.Policy(provider.PolicyEmployersLiability); p.Insurer != "" || p.CertificateID != "" {
		t.Errorf("an exempt organisation keeps employer's liability details %+v", p)
	}
	if rows := exempt.Summary(); rows[0].Value != "Exempt: Sole trader with no employees" {
		t.Errorf("summary %+v", rows[0])
	}
}

func TestInsuranceKeepsCertificates(t *testing.T) {
	stored := validInsurance()
	edited := validInsurance()
	edited.Policies[0].CertificateID, edited.Policies[0].CertificateName = "", ""           // no new file: keep
	edited.Policies[1].CertificateID, edited.Policies[1].CertificateName = "new", "new.pdf" // a new file replaces
	edited.KeepFrom(stored)
	if p := edited.Policy(provider.PolicyEmployersLiability); p.CertificateID != "doc-employers_liability" || p.CertificateName != "employers_liability.pdf" {
		t.Errorf("kept certificate %q %q", p.CertificateID, p.CertificateName)
	}
	if p := edited.Policy(provider.PolicyPublicLiability); p.CertificateID != "new" {
		t.Errorf("replaced certificate %q", p.CertificateID)
	}
}

func validRegulation() *provider.RegulationAnswers {
	return &provider.RegulationAnswers{
		OfstedRegistered: "yes",
		Ofsted:           []provider.OfstedRegistration{{URN: "sc 057941", Judgement: "good", JudgementDate: date("3", "12", "2024")}},
		CQCRegistered:    "yes", CQCProviderID: "1-101726253",
		CQCLocations: []provider.CQCLocation{{LocationID: "1–123456789", Rating: "not_yet_rated"}},
	}
}

func TestRegulationValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(a *provider.RegulationAnswers)
		want   map[string]string
	}{
		{"valid", func(*provider.RegulationAnswers) {}, nil},
		{"nothing answered", func(a *provider.RegulationAnswers) { *a = provider.RegulationAnswers{} },
			map[string]string{"ofsted_registered": "registered with Ofsted", "cqc_registered": "registered with the CQC"}},
		{"invalid URN", func(a *provider.RegulationAnswers) { a.Ofsted[0].URN = "AB12345" },
			map[string]string{"ofsted-0-urn": "correct format"}},
		{"registered with Ofsted but no URN", func(a *provider.RegulationAnswers) { a.Ofsted = nil },
			map[string]string{"ofsted-0-urn": "Enter the Ofsted unique reference number"}},
		{"second URN wrong", func(a *provider.RegulationAnswers) {
			a.Ofsted = append(a.Ofsted, provider.OfstedRegistration{URN: "SC000000", Judgement: "outstanding", JudgementDate: date("1", "1", "2025")})
		}, map[string]string{"ofsted-1-urn": "correct format"}},
		{"no judgement", func(a *provider.RegulationAnswers) { a.Ofsted[0].Judgement = "" },
			map[string]string{"ofsted-0-judgement": "Select the latest overall judgement"}},
		{"unknown judgement", func(a *provider.RegulationAnswers) { a.Ofsted[0].Judgement = "brilliant" },
			map[string]string{"ofsted-0-judgement": "Select the latest overall judgement"}},
		{"not yet inspected needs no date", func(a *provider.RegulationAnswers) {
			a.Ofsted[0].Judgement, a.Ofsted[0].JudgementDate = "not_yet_inspected", form.DateInput{}
		}, nil},
		{"judgement without a date", func(a *provider.RegulationAnswers) { a.Ofsted[0].JudgementDate = form.DateInput{} },
			map[string]string{"ofsted-0-judgement_date": "Enter the date of the judgement"}},
		{"judgement in the future", func(a *provider.RegulationAnswers) { a.Ofsted[0].JudgementDate = date("16", "6", "2025") },
			map[string]string{"ofsted-0-judgement_date": "today or in the past"}},
		{"invalid CQC provider id", func(a *provider.RegulationAnswers) { a.CQCProviderID = "1-12" },
			map[string]string{"cqc_provider_id": "correct format"}},
		{"CQC registered without an id", func(a *provider.RegulationAnswers) { a.CQCProviderID = "" },
			map[string]string{"cqc_provider_id": "Enter a CQC ID"}},
		{"invalid CQC location", func(a *provider.RegulationAnswers) { a.CQCLocations[0].LocationID = "RXX01" },
			map[string]string{"cqc_locations-0-location_id": "correct format"}},
		{"CQC location rating missing", func(a *provider.RegulationAnswers) { a.CQCLocations[0].Rating = "" },
			map[string]string{"cqc_locations-0-rating": "rating"}},
		{"CQC rating without a date", func(a *provider.RegulationAnswers) { a.CQCLocations[0].Rating = "good" },
			map[string]string{"cqc_locations-0-rating_date": "Enter the date of the rating"}},
		{"neither, without a reason", func(a *provider.RegulationAnswers) { a.OfstedRegistered, a.CQCRegistered = "no", "no" },
			map[string]string{"not_registered_reason": "Explain why"}},
		{"neither, with a reason", func(a *provider.RegulationAnswers) {
			a.OfstedRegistered, a.CQCRegistered, a.NotRegisteredReason = "no", "no", "We provide short breaks only, which need no registration"
		}, nil},
		{"not registered ignores the rows given", func(a *provider.RegulationAnswers) {
			a.OfstedRegistered, a.CQCRegistered, a.NotRegisteredReason = "no", "no", "Not needed"
			a.Ofsted[0].URN, a.CQCProviderID = "rubbish", "rubbish"
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validRegulation()
			c.change(a)
			wantErrors(t, a.Validate(checksOn), c.want)
		})
	}
}

func TestRegulationNormalises(t *testing.T) {
	a := validRegulation()
	if errs := a.Validate(checksOn); len(errs) > 0 {
		t.Fatal(errs)
	}
	if a.Ofsted[0].URN != "SC057941" || a.CQCLocations[0].LocationID != "1-123456789" {
		t.Errorf("normalised to %q and %q", a.Ofsted[0].URN, a.CQCLocations[0].LocationID)
	}
	var cols provider.SearchColumns
	a.Search(&cols)
	if !slices.Equal(cols.OfstedURNs, []string{"SC057941"}) || cols.CQCProviderID == nil || *cols.CQCProviderID != "1-101726253" {
		t.Errorf("search columns %v %v", cols.OfstedURNs, cols.CQCProviderID)
	}

	none := &provider.RegulationAnswers{OfstedRegistered: "no", CQCRegistered: "no", NotRegisteredReason: "Not needed",
		Ofsted: []provider.OfstedRegistration{{URN: "SC057941"}}, CQCProviderID: "1-101726253"}
	if errs := none.Validate(checksOn); len(errs) > 0 {
		t.Fatal(errs)
	}
	if none.Ofsted != nil || none.CQCProviderID != "" {
		t.Errorf("registrations kept for an unregistered provider: %+v", none)
	}
	if rows := none.OfstedRows(); len(rows) != 1 || rows[0].URN != "" {
		t.Errorf("an empty list shows %d rows, want one empty row", len(rows))
	}
}

func validStaff() provider.StaffMember {
	return provider.StaffMember{Name: "Sam Jones", Role: "Registered manager", Level: "enhanced_barred",
		CertificateNumber: "0012 3456 7890", IssueDate: date("10", "1", "2024"), UpdateService: "yes",
		LastCheckDate: date("1", "6", "2025"), LastCheckResult: "current"}
}

func TestSafeguardingValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(a *provider.SafeguardingAnswers)
		want   map[string]string
	}{
		{"valid", func(*provider.SafeguardingAnswers) {}, nil},
		{"nobody listed", func(a *provider.SafeguardingAnswers) { a.Staff = nil },
			map[string]string{"staff-0-name": "Add at least one"}},
		{"everything missing", func(a *provider.SafeguardingAnswers) { a.Staff = []provider.StaffMember{{}} },
			map[string]string{"staff-0-name": "full name", "staff-0-role": "role", "staff-0-level": "level of DBS check",
				"staff-0-certificate_number": "12-digit", "staff-0-issue_date": "issue date", "staff-0-update_service": "Update Service",
				"staff-0-last_check_result": "last status check"}},
		{"certificate number too short", func(a *provider.SafeguardingAnswers) { a.Staff[0].CertificateNumber = "12345678901" },
			map[string]string{"staff-0-certificate_number": "12 digits"}},
		{"certificate number with letters", func(a *provider.SafeguardingAnswers) { a.Staff[0].CertificateNumber = "00123456789O" },
			map[string]string{"staff-0-certificate_number": "12 digits"}},
		{"certificate number all zeros", func(a *provider.SafeguardingAnswers) { a.Staff[0].CertificateNumber = "000000000000" },
			map[string]string{"staff-0-certificate_number": "12 digits"}},
		{"blank number with one stored", func(a *provider.SafeguardingAnswers) {
			a.Staff[0].CertificateNumber, a.Staff[0].CertificateSealed = "", "sealed"
		}, nil},
		{"basic check on the Update Service", func(a *provider.SafeguardingAnswers) { a.Staff[0].Level = "basic" },
			map[string]string{"staff-0-update_service": "standard and enhanced certificates only"}},
		{"basic check off the Update Service", func(a *provider.SafeguardingAnswers) {
			a.Staff[0].Level, a.Staff[0].UpdateService = "basic", "no"
		}, nil},
		{"unknown level", func(a *provider.SafeguardingAnswers) { a.Staff[0].Level = "super" },
			map[string]string{"staff-0-level": "level of DBS check"}},
		{"issue date in the future", func(a *provider.SafeguardingAnswers) { a.Staff[0].IssueDate = date("1", "1", "2026") },
			map[string]string{"staff-0-issue_date": "today or in the past"}},
		{"not checked needs no date", func(a *provider.SafeguardingAnswers) {
			a.Staff[0].LastCheckResult, a.Staff[0].LastCheckDate = "not_checked", form.DateInput{}
		}, nil},
		{"checked without a date", func(a *provider.SafeguardingAnswers) { a.Staff[0].LastCheckDate = form.DateInput{} },
			map[string]string{"staff-0-last_check_date": "Enter the date of the last status check"}},
		{"left in the future", func(a *provider.SafeguardingAnswers) { a.Staff[0].LeftOn = date("1", "7", "2025") },
			map[string]string{"staff-0-left_on": "today or in the past"}},
		{"left in the past", func(a *provider.SafeguardingAnswers) { a.Staff[0].LeftOn = date("1", "5", "2025") }, nil},
		{"second member wrong", func(a *provider.SafeguardingAnswers) {
			m := validStaff()
			m.Name = ""
			a.Staff = append(a.Staff, m)
		}, map[string]string{"staff-1-name": "full name"}},
		{"too many", func(a *provider.SafeguardingAnswers) {
			for len(a.Staff) <= form.MaxRepeats {
				a.Staff = append(a.Staff, validStaff())
			}
		}, map[string]string{"staff-0-name": "no more than 50"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := &provider.SafeguardingAnswers{Staff: []provider.StaffMember{validStaff()}}
			c.change(a)
			wantErrors(t, a.Validate(checksOn), c.want)
		})
	}
}

func TestSafeguardingSealsCertificateNumbers(t *testing.T) {
	v, err := vault.ParseKeys("test:" + vault.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	a := &provider.SafeguardingAnswers{Staff: []provider.StaffMember{validStaff()}}
	if errs := a.Validate(checksOn); len(errs) > 0 {
		t.Fatal(errs)
	}
	ref := a.Staff[0].Ref
	if ref == "" || a.Staff[0].CertificateNumber != "001234567890" {
		t.Fatalf("after Validate: ref %q, number %q", ref, a.Staff[0].CertificateNumber)
	}
	if err := a.Seal(v, "provider_sections:org:safeguarding"); err != nil {
		t.Fatal(err)
	}
	m := a.Staff[0]
	if m.CertificateNumber != "" || m.CertificateLast4 != "7890" || m.MaskedCertificate() != vault.MaskPrefix+"7890" {
		t.Errorf("after Seal: number %q, last 4 %q, masked %q", m.CertificateNumber, m.CertificateLast4, m.MaskedCertificate())
	}
	if clear, err := v.Open(m.CertificateSealed, "provider_sections:org:safeguarding:staff:"+ref); err != nil || clear != "001234567890" {
		t.Errorf("Open = %q, %v", clear, err)
	}
	if _, err := v.Open(m.CertificateSealed, "provider_sections:other-org:safeguarding:staff:"+ref); err == nil {
		t.Error("the sealed number opened for another organisation")
	}
	stored, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(stored), "1234567890") {
		t.Errorf("stored JSON holds the number: %s", stored)
	}
	if s := a.Summary()[0].Value; strings.Contains(s, "1234567890") || !strings.Contains(s, vault.MaskPrefix+"7890") {
		t.Errorf("summary %q", s)
	}

	// Saving again with the number left blank keeps it for the same person (matched by
	// ref), not for someone new who takes their place in the list.
	again := &provider.SafeguardingAnswers{Staff: []provider.StaffMember{
		{Name: "New Person", Ref: ""}, {Name: "Sam Jones", Ref: ref}, {Name: "Impostor", Ref: "guessed"}}}
	again.KeepFrom(a)
	if again.Staff[1].CertificateSealed != m.CertificateSealed || again.Staff[1].CertificateLast4 != "7890" {
		t.Errorf("kept %+v", again.Staff[1])
	}
	if again.Staff[0].CertificateSealed != "" || again.Staff[2].CertificateSealed != "" {
		t.Errorf("another member took the stored number: %+v", again.Staff)
	}
	if rows := (&provider.SafeguardingAnswers{}).StaffRows(); len(rows) != 1 {
		t.Errorf("an empty list shows %d rows, want 1", len(rows))
	}
}

func TestHealthSafetyValidate(t *testing.T) {
	valid := func() *provider.HealthSafetyAnswers {
		return &provider.HealthSafetyAnswers{LeadName: "Alex Smith", HealthSafetyPolicyReview: date("1", "3", "2025"),
			SafeguardingPolicyReview: date("15", "6", "2025"), ReportableIncidents: "0"}
	}
	cases := []struct {
		name   string
		change func(a *provider.HealthSafetyAnswers)
		want   map[string]string
	}{
		{"valid", func(*provider.HealthSafetyAnswers) {}, nil},
		{"nothing given", func(a *provider.HealthSafetyAnswers) { *a = provider.HealthSafetyAnswers{} },
			map[string]string{"lead_name": "Enter the name of the health and safety lead", "hs_policy_review": "health and safety policy",
				"safeguarding_policy_review": "safeguarding policy", "reportable_incidents": "or 0"}},
		{"lead name too long", func(a *provider.HealthSafetyAnswers) { a.LeadName = strings.Repeat("x", 201) },
			map[string]string{"lead_name": "200 characters"}},
		{"review in the future", func(a *provider.HealthSafetyAnswers) { a.HealthSafetyPolicyReview = date("16", "6", "2025") },
			map[string]string{"hs_policy_review": "today or in the past"}},
		{"review date missing the month", func(a *provider.HealthSafetyAnswers) { a.SafeguardingPolicyReview.Month = "" },
			map[string]string{"safeguarding_policy_review": "must include a month"}},
		{"negative incidents", func(a *provider.HealthSafetyAnswers) { a.ReportableIncidents = "-1" },
			map[string]string{"reportable_incidents": "whole number"}},
		{"incidents as words", func(a *provider.HealthSafetyAnswers) { a.ReportableIncidents = "three" },
			map[string]string{"reportable_incidents": "whole number"}},
		{"fractional incidents", func(a *provider.HealthSafetyAnswers) { a.ReportableIncidents = "1.5" },
			map[string]string{"reportable_incidents": "whole number"}},
		{"absurd incidents", func(a *provider.HealthSafetyAnswers) { a.ReportableIncidents = "99999999999999999999" },
			map[string]string{"reportable_incidents": "whole number"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := valid()
			c.change(a)
			wantErrors(t, a.Validate(checksOn), c.want)
		})
	}
	a := valid()
	a.ReportableIncidents = "007"
	if errs := a.Validate(checksOn); len(errs) > 0 || a.ReportableIncidents != "7" {
		t.Errorf("007 gave %v and %q, want 7", errs, a.ReportableIncidents)
	}
}

func TestDeclarationsValidate(t *testing.T) {
	cases := []struct {
		name string
		a    provider.DeclarationsAnswers
		want map[string]string
	}{
		{"both confirmed", provider.DeclarationsAnswers{Accurate: true, NoticeRead: true, NoticeVersion: 1}, nil},
		{"neither", provider.DeclarationsAnswers{NoticeVersion: 1},
			map[string]string{"accurate": "accurate and complete", "notice_read": "read the privacy notice"}},
		{"accuracy only", provider.DeclarationsAnswers{Accurate: true, NoticeVersion: 1},
			map[string]string{"notice_read": "read the privacy notice"}},
		{"notice only", provider.DeclarationsAnswers{NoticeRead: true, NoticeVersion: 2},
			map[string]string{"accurate": "accurate and complete"}},
		{"no notice version", provider.DeclarationsAnswers{Accurate: true, NoticeRead: true},
			map[string]string{"notice_read": "current privacy notice"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantErrors(t, c.a.Validate(checksOn), c.want)
		})
	}
}
