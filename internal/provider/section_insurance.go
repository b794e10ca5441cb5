package provider

import (
	"fmt"

	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/validate"
)

// The three policies, in the order the form shows them.
const (
	PolicyEmployersLiability    = "employers_liability"
	PolicyPublicLiability       = "public_liability"
	PolicyProfessionalIndemnity = "professional_indemnity"
)

// PolicyKinds names the policies.
var PolicyKinds = []Option{
	{PolicyEmployersLiability, "Employer's liability"},
	{PolicyPublicLiability, "Public liability"},
	{PolicyProfessionalIndemnity, "Professional indemnity"},
}

// MinEmployersLiabilityPence is the legal minimum employer's liability cover, £5 million
// (Employers' Liability (Compulsory Insurance) Regulations 1998).
const MinEmployersLiabilityPence = 500_000_000

// Policy is one insurance policy and its certificate.
type Policy struct {
	Kind         string         `form:"kind" json:"kind"`
	Insurer      string         `form:"insurer" json:"insurer" validate:"max=200"`
	PolicyNumber string         `form:"policy_number" json:"policy_number" validate:"max=100"`
	Cover        form.Pounds    `form:"cover" json:"cover"`
	CoverPence   int64          `form:"-" json:"cover_pence"`
	Start        form.DateInput `form:"start" json:"start"`
	Expiry       form.DateInput `form:"expiry" json:"expiry"`
	// CertificateID is the uploaded certificate (internal/document); set by the upload, not the form.
	CertificateID   string `form:"-" json:"certificate_id"`
	CertificateName string `form:"-" json:"certificate_name"`
	// UploadedID is posted back by a page showing a file uploaded earlier but not yet saved
	// ("File uploaded: name"); the save resolves it against the organisation's pending uploads.
	UploadedID string `form:"certificate_id" json:"-"`
	// Pending marks a certificate uploaded with this page that no save has used yet.
	Pending bool `form:"-" json:"-"`
}

// InsuranceAnswers are the provider's three liability policies.
type InsuranceAnswers struct {
	Policies []Policy `form:"policies" json:"policies"`
	// ELExempt is "yes" for an organisation exempt from employer's liability insurance
	// (for example, one with no employees, or a public body); the reason is required.
	ELExempt       string `form:"el_exempt" json:"el_exempt" validate:"omitempty,oneof=yes no" msg:"Select yes if the organisation is exempt from employer's liability insurance"`
	ELExemptReason string `form:"el_exempt_reason" json:"el_exempt_reason" validate:"max=1000" label:"the reason" multiline:"true"`
}

// Policy returns the policy of a kind, or an empty one.
func (a *InsuranceAnswers) Policy(kind string) Policy {
	for _, p := range a.Policies {
		if p.Kind == kind {
			return p
		}
	}
	return Policy{Kind: kind}
}

// normalise puts exactly one policy of each kind in order, whatever the form sent.
func (a *InsuranceAnswers) normalise() {
	out := make([]Policy, len(PolicyKinds))
	for i, k := range PolicyKinds {
		out[i] = a.Policy(k.Value)
	}
	a.Policies = out
}

// KeepFrom keeps stored certificates when no new file was uploaded.
func (a *InsuranceAnswers) KeepFrom(previous Answers) {
	p, ok := previous.(*InsuranceAnswers)
	if !ok {
		return
	}
	a.normalise()
	for i := range a.Policies {
		if a.Policies[i].CertificateID == "" {
			old := p.Policy(a.Policies[i].Kind)
			a.Policies[i].CertificateID, a.Policies[i].CertificateName = old.CertificateID, old.CertificateName
		}
	}
}

// Validate checks each policy, the legal minimum for employer's liability, and that each
// has a certificate.
func (a *InsuranceAnswers) Validate(c Checks) map[string]string {
	a.normalise()
	errs := map[string]string{}
	for k, msg := range fieldsOf(validate.Struct(a)) {
		if k == "el_exempt" || k == "el_exempt_reason" { // the policies are checked below, by form name
			errs[k] = msg
		}
	}
	minEL := c.MinEmployersLiabilityPence
	if minEL == 0 {
		minEL = MinEmployersLiabilityPence
	}
	if a.ELExempt == "yes" && a.ELExemptReason == "" {
		errs["el_exempt_reason"] = "Enter the reason the organisation does not need employer's liability insurance"
	}
	for i := range a.Policies {
		p := &a.Policies[i]
		if p.Kind == PolicyEmployersLiability && a.ELExempt == "yes" {
			continue // cleared below once the answers are accepted, so a refused form keeps what was typed
		}
		name := lower(labelOf(PolicyKinds, p.Kind))
		f := func(field string) string { return fmt.Sprintf("policies-%d-%s", i, field) }
		if p.Insurer == "" {
			errs[f("insurer")] = fmt.Sprintf("Enter the %s insurer", name)
		} else if len(p.Insurer) > 200 {
			errs[f("insurer")] = "Insurer must be 200 characters or fewer"
		}
		if p.PolicyNumber == "" {
			errs[f("policy_number")] = fmt.Sprintf("Enter the %s policy number", name)
		} else if len(p.PolicyNumber) > 100 {
			errs[f("policy_number")] = "Policy number must be 100 characters or fewer"
		}
		pence, msg := p.Cover.Pence(fmt.Sprintf("the %s cover", name))
		switch {
		case msg != "":
			errs[f("cover")] = msg
		case p.Kind == PolicyEmployersLiability && pence < minEL:
			errs[f("cover")] = fmt.Sprintf("Employer's liability cover must be at least £%s by law", groupThousands(minEL/100))
		default:
			p.CoverPence = pence
		}
		start, msg := p.Start.Time(fmt.Sprintf("the %s start date", name))
		if msg != "" {
			errs[f("start")] = msg
		}
		expiry, msg := p.Expiry.Time(fmt.Sprintf("the %s expiry date", name))
		if msg != "" {
			errs[f("expiry")] = msg
		} else if errs[f("start")] == "" && !expiry.After(start) {
			errs[f("expiry")] = fmt.Sprintf("The %s expiry date must be after the start date", name)
		} else if expiry.Before(c.Today) {
			errs[f("expiry")] = fmt.Sprintf("The %s policy has expired: enter the current policy", name)
		}
		if p.CertificateID == "" {
			errs[f("certificate")] = fmt.Sprintf("Upload the %s certificate", name)
		}
	}
	if a.ELExempt == "yes" && len(errs) == 0 {
		a.Policies[0] = Policy{Kind: PolicyEmployersLiability} // normalise put it first
	}
	return errs
}

// Summary lists the policies.
func (a *InsuranceAnswers) Summary() []SummaryRow {
	var rows []SummaryRow
	for i, k := range PolicyKinds {
		p := a.Policy(k.Value)
		if k.Value == PolicyEmployersLiability && a.ELExempt == "yes" {
			rows = append(rows, SummaryRow{k.Label, "Exempt: " + a.ELExemptReason, "el_exempt"})
			continue
		}
		rows = append(rows, SummaryRow{k.Label, fmt.Sprintf("%s, policy %s, cover £%s, %s to %s, certificate %s",
			p.Insurer, p.PolicyNumber, groupThousands(p.CoverPence/100), p.Start.Display(), p.Expiry.Display(), p.CertificateName),
			fmt.Sprintf("policies-%d-insurer", i)})
	}
	return rows
}

func groupThousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
