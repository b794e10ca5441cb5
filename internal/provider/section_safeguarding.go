package provider

import (
	"fmt"

	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
)

// DBSLevels are the levels of DBS check.
var DBSLevels = []Option{
	{"basic", "Basic"}, {"standard", "Standard"}, {"enhanced", "Enhanced"},
	{"enhanced_barred", "Enhanced with barred list(s)"},
}

// DBSCheckResults are the outcomes of an Update Service status check. The portal records
// the status of a check, never the content of a certificate (DBS guidance).
var DBSCheckResults = []Option{
	{"current", "No new information (current)"}, {"new_information", "New information: apply for a new certificate"},
	{"not_checked", "Not yet checked"},
}

// StaffMember is one member of staff in a regulated role and their DBS check.
type StaffMember struct {
	Name              string         `form:"name" json:"name"`
	Role              string         `form:"role" json:"role"`
	Level             string         `form:"level" json:"level"`
	CertificateNumber string         `form:"certificate_number" json:"-"`
	CertificateSealed string         `form:"-" json:"certificate_sealed,omitempty"`
	CertificateLast4  string         `form:"-" json:"certificate_last4,omitempty"`
	IssueDate         form.DateInput `form:"issue_date" json:"issue_date"`
	UpdateService     string         `form:"update_service" json:"update_service"`
	LastCheckDate     form.DateInput `form:"last_check_date" json:"last_check_date"`
	LastCheckResult   string         `form:"last_check_result" json:"last_check_result"`
	// Ref identifies the member across edits, so a stored certificate number stays with them.
	Ref string `form:"ref" json:"ref"`
	// LeftOn is when they left, which starts the DBS record's retention clock.
	LeftOn form.DateInput `form:"left_on" json:"left_on"`
}

// MaskedCertificate shows the last four digits of the certificate number.
func (m StaffMember) MaskedCertificate() string { return vault.Mask(m.CertificateLast4) }

// SafeguardingAnswers list staff in regulated roles and their DBS checks. This is criminal
// offence data: officers' views of it are audited.
type SafeguardingAnswers struct {
	Staff []StaffMember `form:"staff" json:"staff"`
}

// StaffRows are the members of staff the form shows: at least one, so there is always a row
// to start with (and for the error summary to link to).
func (a *SafeguardingAnswers) StaffRows() []StaffMember {
	if len(a.Staff) == 0 {
		return []StaffMember{{}}
	}
	return a.Staff
}

// KeepFrom keeps stored certificate numbers for staff whose number was not retyped.
func (a *SafeguardingAnswers) KeepFrom(previous Answers) {
	p, ok := previous.(*SafeguardingAnswers)
	if !ok {
		return
	}
	for i := range a.Staff {
		m := &a.Staff[i]
		if m.CertificateNumber != "" || m.Ref == "" {
			continue
		}
		for _, old := range p.Staff {
			if old.Ref == m.Ref {
				m.CertificateSealed, m.CertificateLast4 = old.CertificateSealed, old.CertificateLast4
			}
		}
	}
}

// Validate checks each member's details and certificate number.
func (a *SafeguardingAnswers) Validate(c Checks) map[string]string {
	errs := map[string]string{}
	if len(a.Staff) == 0 {
		errs["staff-0-name"] = "Add at least one member of staff in a regulated role"
	}
	if len(a.Staff) > form.MaxRepeats {
		errs["staff-0-name"] = fmt.Sprintf("Add no more than %d members of staff here", form.MaxRepeats)
	}
	for i := range a.Staff {
		m := &a.Staff[i]
		f := func(s string) string { return fmt.Sprintf("staff-%d-%s", i, s) }
		if m.Name == "" || len(m.Name) > 200 {
			errs[f("name")] = "Enter the member of staff's full name (200 characters or fewer)"
		}
		if m.Role == "" || len(m.Role) > 200 {
			errs[f("role")] = "Enter their role (200 characters or fewer)"
		}
		if !contains(values(DBSLevels), m.Level) {
			errs[f("level")] = "Select the level of DBS check"
		}
		switch {
		case m.CertificateNumber != "":
			if n, err := ukid.DBSCertificate(m.CertificateNumber); err != nil {
				errs[f("certificate_number")] = err.Error()
			} else {
				m.CertificateNumber = n
			}
		case m.CertificateSealed == "":
			errs[f("certificate_number")] = "Enter the 12-digit DBS certificate number"
		}
		checkPastDate(errs, f("issue_date"), m.IssueDate, "the certificate's issue date", c)
		if m.UpdateService != "yes" && m.UpdateService != "no" {
			errs[f("update_service")] = "Select yes if the certificate is on the DBS Update Service"
		} else if m.UpdateService == "yes" && (m.Level == "basic") {
			errs[f("update_service")] = "The Update Service covers standard and enhanced certificates only"
		}
		if !contains(values(DBSCheckResults), m.LastCheckResult) {
			errs[f("last_check_result")] = "Select the result of the last status check"
		} else if m.LastCheckResult != "not_checked" {
			checkPastDate(errs, f("last_check_date"), m.LastCheckDate, "the date of the last status check", c)
		}
		if !m.LeftOn.IsEmpty() {
			checkPastDate(errs, f("left_on"), m.LeftOn, "the date they left", c)
		}
		if m.Ref == "" {
			m.Ref = newRef()
		}
	}
	return errs
}

// Seal encrypts newly typed certificate numbers.
func (a *SafeguardingAnswers) Seal(v *vault.Vault, aad string) error {
	for i := range a.Staff {
		m := &a.Staff[i]
		if m.CertificateNumber == "" {
			continue
		}
		sealed, err := v.Seal(m.CertificateNumber, aad+":staff:"+m.Ref)
		if err != nil {
			return err
		}
		m.CertificateSealed, m.CertificateLast4, m.CertificateNumber = sealed, m.CertificateNumber[len(m.CertificateNumber)-4:], ""
	}
	return nil
}

// Summary lists the staff, certificate numbers masked.
func (a *SafeguardingAnswers) Summary() []SummaryRow {
	var rows []SummaryRow
	for i, m := range a.Staff {
		rows = append(rows, SummaryRow{m.Name, fmt.Sprintf("%s; %s check, certificate %s issued %s; Update Service: %s; last status check: %s%s",
			m.Role, labelOf(DBSLevels, m.Level), m.MaskedCertificate(), m.IssueDate.Display(), labelOf(YesNo, m.UpdateService),
			labelOf(DBSCheckResults, m.LastCheckResult), dateSuffix(m.LastCheckDate)), fmt.Sprintf("staff-%d-name", i)})
	}
	return rows
}
