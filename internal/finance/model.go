// Package finance holds the account the council pays each provider and the controls around
// it against mandate fraud: a change is requested (by the provider, with evidence), verified
// by a finance officer's call to a contact already on file, and approved by a second finance
// officer, and the requester, verifier and approver are three different people. It also
// writes the files finance exports (the supplier payment file, the National Fraud Initiative
// trade creditors standing data) and the monthly report of changes to master data.
//
// Sort codes, account numbers and roll numbers are sealed by internal/vault, bound to their
// row; only the last digits are kept in clear for masked display.
package finance

import (
	"time"

	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
)

// ChangeStatus is where a bank-detail change request is in its life.
type ChangeStatus string

const (
	StatusPendingVerification ChangeStatus = "pending_verification"
	StatusVerified            ChangeStatus = "verified"
	StatusApproved            ChangeStatus = "approved"
	StatusRejected            ChangeStatus = "rejected"
	StatusWithdrawn           ChangeStatus = "withdrawn"
	StatusExpired             ChangeStatus = "expired"
)

// Label is the status as people say it.
func (s ChangeStatus) Label() string {
	switch s {
	case StatusPendingVerification:
		return "Waiting for verification"
	case StatusVerified:
		return "Verified, waiting for approval"
	case StatusApproved:
		return "Approved"
	case StatusRejected:
		return "Rejected"
	case StatusWithdrawn:
		return "Withdrawn"
	case StatusExpired:
		return "Expired"
	}
	return string(s)
}

// Open reports whether the request still waits for someone.
func (s ChangeStatus) Open() bool { return s == StatusPendingVerification || s == StatusVerified }

// TagClass is the GOV.UK tag colour for the status.
func (s ChangeStatus) TagClass() string {
	switch s {
	case StatusPendingVerification:
		return "govuk-tag--yellow"
	case StatusVerified:
		return "govuk-tag--blue"
	case StatusApproved:
		return "govuk-tag--green"
	case StatusRejected:
		return "govuk-tag--red"
	}
	return "govuk-tag--grey"
}

// ChangeKind says where a request came from.
type ChangeKind string

const (
	// KindInitial carries the details a provider gave at registration into verification.
	KindInitial ChangeKind = "initial"
	// KindChange is a later request to pay a different account.
	KindChange ChangeKind = "change"
)

// Label is the kind as people say it.
func (k ChangeKind) Label() string {
	if k == KindInitial {
		return "Details from registration"
	}
	return "Change of bank details"
}

// Account is the masked view of sealed bank details, shared by requests and payment details.
type Account struct {
	AccountName         string  `db:"account_name"`
	SortCodeSealed      string  `db:"sort_code_sealed"`
	AccountNumberSealed string  `db:"account_number_sealed"`
	RollNumberSealed    *string `db:"roll_number_sealed"`
	SortCodeLast2       string  `db:"sort_code_last2"`
	AccountLast4        string  `db:"account_last4"`
	RemittanceEmail     string  `db:"remittance_email"`
}

// MaskedSortCode shows only the last two digits.
func (a Account) MaskedSortCode() string { return "••-••-" + a.SortCodeLast2 }

// MaskedAccount shows only the last four digits.
func (a Account) MaskedAccount() string { return vault.Mask(a.AccountLast4) }

// HasRollNumber reports whether a building society roll number was given.
func (a Account) HasRollNumber() bool { return a.RollNumberSealed != nil && *a.RollNumberSealed != "" }

// Change is a bank-detail change request.
type Change struct {
	ID             string     `db:"id"`
	OrganisationID string     `db:"organisation_id"`
	Kind           ChangeKind `db:"kind"`
	Account
	ModulusVersion     string       `db:"modulus_version"`
	Reason             string       `db:"reason"`
	EvidenceDocumentID *string      `db:"evidence_document_id"`
	RequestedBy        *string      `db:"requested_by"`
	RequestedByName    string       `db:"requested_by_name"`
	RequestedAt        time.Time    `db:"requested_at"`
	Status             ChangeStatus `db:"status"`
	VerifiedBy         *string      `db:"verified_by"`
	VerifiedByName     *string      `db:"verified_by_name"`
	VerifiedAt         *time.Time   `db:"verified_at"`
	ApprovedBy         *string      `db:"approved_by"`
	ApprovedByName     *string      `db:"approved_by_name"`
	ApprovedAt         *time.Time   `db:"approved_at"`
	EffectiveFrom      *time.Time   `db:"effective_from"`
	RejectedBy         *string      `db:"rejected_by"`
	RejectedByName     *string      `db:"rejected_by_name"`
	RejectedAt         *time.Time   `db:"rejected_at"`
	RejectionReason    string       `db:"rejection_reason"`
	SuspectedFraud     bool         `db:"suspected_fraud"`
	WithdrawnBy        *string      `db:"withdrawn_by"`
	WithdrawnAt        *time.Time   `db:"withdrawn_at"`
	ExpiresAt          time.Time    `db:"expires_at"`
	ClosedAt           *time.Time   `db:"closed_at"`
	PaymentDetailsID   *string      `db:"payment_details_id"`
	Version            int          `db:"version"`

	// From the organisation, for lists.
	OrganisationName string `db:"organisation_name"`
	SupplierRef      string `db:"supplier_ref"`
}

// Requested reports whether userID asked for this change.
func (c *Change) Requested(userID string) bool {
	return c.RequestedBy != nil && *c.RequestedBy == userID
}

// Verified reports whether userID verified this change.
func (c *Change) Verified(userID string) bool { return c.VerifiedBy != nil && *c.VerifiedBy == userID }

// Age is how long the request has been waiting, in whole days.
func (c *Change) Age(now time.Time) int { return int(now.Sub(c.RequestedAt).Hours() / 24) }

// Call is one verification call.
type Call struct {
	ID           int64     `db:"id"`
	ChangeID     string    `db:"change_id"`
	CalledByName string    `db:"called_by_name"`
	ContactName  string    `db:"contact_name"`
	NumberUsed   string    `db:"number_used"`
	CalledAt     time.Time `db:"called_at"`
	Outcome      Outcome   `db:"outcome"`
	Notes        string    `db:"notes"`
}

// Outcome is what the contact said on a verification call.
type Outcome string

const (
	// OutcomeConfirmed: the contact on file confirmed they asked for this change.
	OutcomeConfirmed Outcome = "confirmed"
	// OutcomeDenied: the contact on file said they did not ask for it (suspected fraud).
	OutcomeDenied Outcome = "denied"
	// OutcomeNoAnswer: nobody could confirm it; the request keeps waiting.
	OutcomeNoAnswer Outcome = "no_answer"
)

// Label is the outcome as people say it.
func (o Outcome) Label() string {
	switch o {
	case OutcomeConfirmed:
		return "Confirmed the change"
	case OutcomeDenied:
		return "Said they did not ask for it"
	case OutcomeNoAnswer:
		return "No answer or could not confirm"
	}
	return string(o)
}

// PaymentDetails is an approved set of bank details.
type PaymentDetails struct {
	ID             string `db:"id"`
	OrganisationID string `db:"organisation_id"`
	ChangeID       string `db:"change_id"`
	Account
	EffectiveFrom  time.Time  `db:"effective_from"`
	HoldUntil      *time.Time `db:"hold_until"`
	Status         string     `db:"status"`
	SupersededOn   *time.Time `db:"superseded_on"`
	VerifiedByName string     `db:"verified_by_name"`
	ApprovedByName string     `db:"approved_by_name"`
	ApprovedAt     time.Time  `db:"approved_at"`
}

// InForce reports whether these details are the ones paid on day.
func (p *PaymentDetails) InForce(day time.Time) bool {
	return !p.EffectiveFrom.After(day) && (p.SupersededOn == nil || p.SupersededOn.After(day))
}

// ClearAccount is bank details in clear: typed in a request, or opened for a reveal or an
// export. It never leaves this package except to be shown to someone entitled to it.
type ClearAccount struct {
	AccountName     string
	SortCode        string
	AccountNumber   string
	RollNumber      string
	RemittanceEmail string
}

// FormattedSortCode shows a sort code as people write it: 30-94-30.
func (a ClearAccount) FormattedSortCode() string {
	if len(a.SortCode) != 6 {
		return a.SortCode
	}
	return a.SortCode[0:2] + "-" + a.SortCode[2:4] + "-" + a.SortCode[4:6]
}

// Payable is the 6-digit sort code and 8-digit account a payment system pays, converted from
// the account as the bank issued it by the Pay.UK rules (ukid.PaymentAccount): every file
// and API that hands bank details to another system gives this pair, so a 9- or 10-digit
// number never reaches one as typed. ok is false for an account approved before the rule
// that no bank could have issued, which must not be paid until finance checks it.
func (a ClearAccount) Payable() (sortCode, accountNumber string, ok bool) {
	sc, acc, err := ukid.PaymentAccount(a.SortCode, a.AccountNumber)
	if err != nil {
		return "", "", false
	}
	return sc, acc, true
}

// Settings are finance's own settings.
type Settings struct {
	FirstPaymentHoldDays int `db:"first_payment_hold_days"`
	ChangeExpiryDays     int `db:"change_expiry_days"`
	// DormantMonths is how long a creditor may go without contract or bank-detail activity
	// before the NFI standing data leaves it out as dormant (SettingDormantMonths).
	DormantMonths int       `db:"-"`
	Version       int       `db:"version"`
	UpdatedAt     time.Time `db:"updated_at"`
}

// ContactOnFile is a telephone number the verifier may call: the key contact's or another
// contact's, from the approved contacts section.
type ContactOnFile struct {
	Name  string
	Role  string
	Phone string
}

// ProviderWithoutDetails is an approved provider the council cannot pay yet.
type ProviderWithoutDetails struct {
	OrganisationID string     `db:"organisation_id"`
	Name           string     `db:"organisation_name"`
	SupplierRef    string     `db:"supplier_ref"`
	Status         string     `db:"status"`
	ApprovedAt     *time.Time `db:"decided_at"`
	OpenChangeID   *string    `db:"open_change_id"`
	OpenStatus     *string    `db:"open_status"`
}
