// Package work holds the shape of a waiting piece of staff work (a return to review, a bank
// change to verify, a correction to make), so each capability package can list its own
// waiting items in one form and internal/workqueue can merge them into one "Your work" page.
// It has no I/O; it sits at the bottom of the layers so every capability may use it.
package work

import (
	"time"

	"github.com/lib/pq"
)

// Kind is what sort of work an item is.
type Kind string

// The kinds of work, one per place work waits.
const (
	KindSubmission       Kind = "submission"
	KindResubmission     Kind = "resubmission"
	KindSectionChange    Kind = "section_change"
	KindReturn           Kind = "return"
	KindReturnAnswer     Kind = "return_answer"
	KindQAAction         Kind = "qa_action"
	KindBankVerification Kind = "bank_verification"
	KindBankApproval     Kind = "bank_approval"
	KindCorrection       Kind = "correction"
	KindSubjectAccess    Kind = "subject_access"
	KindRoleGrant        Kind = "role_grant"

	// KindAssessmentDue and KindAssessmentOverdue are contract performance assessments
	// (Procurement Act 2023, section 71) due within a month, or past their due date.
	KindAssessmentDue     Kind = "assessment_due"
	KindAssessmentOverdue Kind = "assessment_overdue"
)

var kindLabels = map[Kind]string{
	KindSubmission:       "Registration to review",
	KindResubmission:     "Resubmitted registration",
	KindSectionChange:    "Change to an approved record",
	KindReturn:           "Monitoring return to review",
	KindReturnAnswer:     "Answer to a query on a return",
	KindQAAction:         "Quality action marked complete",
	KindBankVerification: "Bank change to verify by phone",
	KindBankApproval:     "Bank change to approve",
	KindCorrection:       "Correction request",
	KindSubjectAccess:    "Subject access request",
	KindRoleGrant:        "Staff roles to approve",

	KindAssessmentDue:     "Performance assessment due",
	KindAssessmentOverdue: "Performance assessment overdue",
}

// Label names the kind as the people doing the work say it.
func (k Kind) Label() string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return string(k)
}

// Item is one piece of waiting work.
type Item struct {
	Kind Kind `db:"kind"`
	// ID is the waiting thing's own id (a return, a change request...).
	ID string `db:"id"`
	// Title says which thing ("Occupancy, April 2026"); Href is the page where it is done.
	Title string `db:"title"`
	Href  string `db:"href"`
	// Since is when the work arrived: submitted, answered, marked complete, requested.
	Since            time.Time `db:"since"`
	OrganisationID   string    `db:"organisation_id"`
	OrganisationName string    `db:"organisation_name"`
	// Due is a deadline the law or a rule sets, when there is one (subject access).
	Due *time.Time `db:"due"`
}

// Filter chooses the waiting items one person may act on.
type Filter struct {
	// UserID is who is asking: work they cannot act on (their own request, a change they
	// verified) is left out.
	UserID string
	// Mine keeps only the providers in Organisations ("my providers"); otherwise every one.
	Mine          bool
	Organisations []string
	// After keeps only work that arrived after it (new work since the last email).
	After time.Time
	// Limit is how many items to list, oldest first.
	Limit int
}

// OrgArg is the filter's provider list as a query argument: NULL for every provider, or the
// array of ids for "my providers" (an empty array matches none).
func (f Filter) OrgArg() any {
	if !f.Mine {
		return nil
	}
	if f.Organisations == nil {
		return pq.StringArray{}
	}
	return pq.StringArray(f.Organisations)
}

// AfterArg is the filter's "arrived after" as a query argument: NULL when unset.
func (f Filter) AfterArg() any {
	if f.After.IsZero() {
		return nil
	}
	return f.After
}

// LimitArg is the filter's limit, defaulting to 25 and capped at 1000.
func (f Filter) LimitArg() int {
	switch {
	case f.Limit <= 0:
		return 25
	case f.Limit > 1000:
		return 1000
	}
	return f.Limit
}

// UserArg is the asking user's id as a query argument: NULL when unset.
func (f Filter) UserArg() any {
	if f.UserID == "" {
		return nil
	}
	return f.UserID
}
