// Package provider is the provider record: an organisation's supplier information in
// sections (organisation, contacts, addresses, VAT, bank details, insurance, regulation,
// safeguarding, health and safety, declarations), their checks, and the workflow from draft
// through submission and review to approval, suspension and reinstatement.
//
// Each section is one typed struct that is at once the form (its `form` tags), the checked
// answers (Validate) and the stored document (JSON in provider_sections, secrets sealed).
// One generic store and service then give every section versions, conflicts, field-level
// audit, and changes held for review after approval.
package provider

import (
	"time"

	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
)

// Status is where a provider record is in its workflow.
type Status string

const (
	StatusDraft            Status = "draft"
	StatusSubmitted        Status = "submitted"
	StatusChangesRequested Status = "changes_requested"
	StatusResubmitted      Status = "resubmitted"
	StatusApproved         Status = "approved"
	StatusRejected         Status = "rejected"
	StatusSuspended        Status = "suspended"
)

// Label is the status as people say it.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "Draft"
	case StatusSubmitted:
		return "Submitted"
	case StatusChangesRequested:
		return "Changes requested"
	case StatusResubmitted:
		return "Resubmitted"
	case StatusApproved:
		return "Approved"
	case StatusRejected:
		return "Rejected"
	case StatusSuspended:
		return "Suspended"
	}
	return string(s)
}

// TagClass is the GOV.UK tag colour the status is shown in.
func (s Status) TagClass() string {
	switch s {
	case StatusApproved:
		return "govuk-tag--green"
	case StatusRejected:
		return "govuk-tag--red"
	case StatusSuspended:
		return "govuk-tag--orange"
	case StatusChangesRequested:
		return "govuk-tag--yellow"
	case StatusDraft:
		return "govuk-tag--grey"
	}
	return "govuk-tag--blue"
}

// Editable reports whether the provider may change the record's sections in this status.
// After approval edits are allowed but held for review; a rejected or suspended record is
// read-only, and so is one waiting for a decision.
func (s Status) Editable() bool {
	switch s {
	case StatusDraft, StatusChangesRequested, StatusApproved:
		return true
	}
	return false
}

// AwaitingReview reports whether an officer has a decision to make.
func (s Status) AwaitingReview() bool { return s == StatusSubmitted || s == StatusResubmitted }

// Approved reports whether the record has been approved, whether or not it is suspended
// now: its bank details have gone to finance, which alone changes them from then on.
func (s Status) Approved() bool { return s == StatusApproved || s == StatusSuspended }

// Submittable reports whether a record in this status may be sent for review, once every
// section is complete.
func (s Status) Submittable() bool { return s == StatusDraft || s == StatusChangesRequested }

// CanSubmit reports whether the provider may send the record for review now: its status
// allows it and every task is complete. Submit enforces the same rule.
func CanSubmit(s Status, tasks []Task) bool {
	for _, t := range tasks {
		if t.Status != TaskCompleted {
			return false
		}
	}
	return s.Submittable()
}

// Locked reports whether the provider may not change the section in a record of status s:
// the record is not editable, or the section changes only through another process after
// approval (bank details, through finance's verified change).
func (d Definition) Locked(s Status) bool {
	return !s.Editable() || (d.LockedWhenApproved && s.Approved())
}

// Organisation is the provider organisation with its workflow state.
type Organisation struct {
	ID                   string     `db:"id"`
	Name                 string     `db:"name"`
	SupplierRef          string     `db:"supplier_ref"`
	Status               Status     `db:"status"`
	Version              int        `db:"version"`
	SubmittedAt          *time.Time `db:"submitted_at"`
	DecidedAt            *time.Time `db:"decided_at"`
	CreatedAt            time.Time  `db:"created_at"`
	UpdatedAt            time.Time  `db:"updated_at"`
	LegalName            *string    `db:"legal_name"`
	Postcode             *string    `db:"postcode"`
	VATNumber            *string    `db:"vat_number"`
	CompaniesHouseNumber *string    `db:"companies_house_number"`
}

// DisplayName is the legal name once given, else the name given at registration.
func (o *Organisation) DisplayName() string {
	if o.LegalName != nil && *o.LegalName != "" {
		return *o.LegalName
	}
	return o.Name
}

// Checks are what a section's validation needs beyond its own fields.
type Checks struct {
	Modulus *ukid.ModulusTable
	Today   time.Time
	// MinEmployersLiabilityPence is the legal minimum cover (£5m).
	MinEmployersLiabilityPence int64
}

// SummaryRow is one line of a "Check your answers" page.
type SummaryRow struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	// Field is the form field the change link goes to.
	Field string `json:"field"`
}

// Answers is implemented by every section's document type.
type Answers interface {
	// Validate checks the answers and returns one message per form field that is wrong.
	// It may normalise values (postcodes, VAT numbers) in place.
	Validate(c Checks) map[string]string
	// Summary lists the answers for the check-your-answers page. Secrets appear masked.
	Summary() []SummaryRow
}

// Keeper is implemented by sections whose form cannot show everything stored (sealed
// secrets shown masked with blank inputs; uploaded certificates): KeepFrom copies the stored
// values for inputs left blank, before Validate.
type Keeper interface {
	KeepFrom(previous Answers)
}

// Sealer is implemented by sections holding secrets (bank details, DBS certificate numbers):
// Seal encrypts the clear values typed in and clears them, after Validate, so nothing secret
// is stored or audited in clear.
type Sealer interface {
	Seal(v *vault.Vault, aad string) error
}

// Searchable is implemented by sections that feed the organisation's search columns.
type Searchable interface {
	Search(s *SearchColumns)
}

// SearchColumns are copied onto the organisation row for the directory and exports.
type SearchColumns struct {
	LegalName, TradingName, Postcode, VATNumber, CompaniesHouseNumber, CharityNumber, CQCProviderID *string
	OfstedURNs, ServiceCategories                                                                   []string
}
