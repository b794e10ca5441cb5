// Package quality is the council's quality assurance of providers: officers' visits and
// the actions arising from them (which providers answer with a response and evidence, and
// officers close), each provider's compliance as a red, amber or green rating computed by
// documented rules with a plain-English reason for every finding, and the daily reminders
// sent before insurance, DBS status checks and contracts fall due.
//
// The compliance rules are listed in Rules (compliance.go); each rule function's doc comment
// states what it reads and when it is red, amber or green, and its thresholds are settings
// (settings.go). Every change commits in one transaction with its audit event, recorded
// against the provider's organisation so that it shows in the record's history, and with the
// provider's stored compliance recomputed (compliance_refresh.go explains the stored copy).
package quality

import (
	"slices"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/provider"
	"github.com/lib/pq"
)

// Grade is a visit's overall judgement, on Ofsted's four-point scale.
type Grade string

const (
	GradeOutstanding         Grade = "outstanding"
	GradeGood                Grade = "good"
	GradeRequiresImprovement Grade = "requires_improvement"
	GradeInadequate          Grade = "inadequate"
)

// Grades are the grades in the order forms show them.
var Grades = []provider.Option{
	{Value: string(GradeOutstanding), Label: "Outstanding"},
	{Value: string(GradeGood), Label: "Good"},
	{Value: string(GradeRequiresImprovement), Label: "Requires improvement"},
	{Value: string(GradeInadequate), Label: "Inadequate"},
}

// Label is the grade as people say it.
func (g Grade) Label() string { return labelOf(Grades, string(g)) }

// TagClass is the GOV.UK tag colour of the grade; the tag always carries the words too.
func (g Grade) TagClass() string {
	switch g {
	case GradeOutstanding, GradeGood:
		return "govuk-tag--green"
	case GradeRequiresImprovement:
		return "govuk-tag--yellow"
	case GradeInadequate:
		return "govuk-tag--red"
	}
	return "govuk-tag--grey"
}

// Areas are the areas a visit can review.
var Areas = []provider.Option{
	{Value: "safeguarding", Label: "Safeguarding and child protection"},
	{Value: "care_planning", Label: "Care planning, records and reviews"},
	{Value: "staffing", Label: "Staffing, recruitment and training"},
	{Value: "premises", Label: "Premises, health and safety"},
	{Value: "medication", Label: "Health and medication"},
	{Value: "education", Label: "Education and outcomes"},
	{Value: "voice_of_child", Label: "Children's views and participation"},
	{Value: "leadership", Label: "Leadership and management"},
	{Value: "complaints", Label: "Complaints and incidents"},
	{Value: "contract", Label: "Contract compliance and value for money"},
}

// AreaLabels names areas as people say them.
func AreaLabels(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		out = append(out, labelOf(Areas, v))
	}
	return out
}

// VisitTypes are announced and unannounced, for the radios.
var VisitTypes = []provider.Option{{Value: "announced", Label: "Announced"}, {Value: "unannounced", Label: "Unannounced"}}

// ActionStatus is where an action arising from a visit is. Overdue is not a status: it is an
// action not yet completed or closed whose due date has passed (see Action.Overdue).
type ActionStatus string

const (
	ActionOpen       ActionStatus = "open"
	ActionInProgress ActionStatus = "in_progress"
	ActionCompleted  ActionStatus = "completed"
	ActionClosed     ActionStatus = "closed"
)

// ActionStatuses are the statuses in the order forms show them.
var ActionStatuses = []provider.Option{
	{Value: string(ActionOpen), Label: "Open"},
	{Value: string(ActionInProgress), Label: "In progress"},
	{Value: string(ActionCompleted), Label: "Completed"},
	{Value: string(ActionClosed), Label: "Closed"},
}

// ResponseStatuses are what a provider may say of an action when responding: they cannot
// close it (officers do, once satisfied) nor reopen it.
var ResponseStatuses = []provider.Option{
	{Value: string(ActionInProgress), Label: "We are working on it"},
	{Value: string(ActionCompleted), Label: "We have completed it"},
}

// Label is the status as people say it.
func (s ActionStatus) Label() string { return labelOf(ActionStatuses, string(s)) }

// TagClass is the GOV.UK tag colour of the status.
func (s ActionStatus) TagClass() string {
	switch s {
	case ActionOpen:
		return "govuk-tag--blue"
	case ActionInProgress:
		return "govuk-tag--light-blue"
	case ActionCompleted:
		return "govuk-tag--green"
	}
	return "govuk-tag--grey"
}

// Outstanding reports whether the action still needs doing: it can become overdue.
func (s ActionStatus) Outstanding() bool { return s == ActionOpen || s == ActionInProgress }

// Visit is a quality assurance visit to a provider.
type Visit struct {
	ID             string         `db:"id"`
	OrganisationID string         `db:"organisation_id"`
	VisitedOn      time.Time      `db:"visited_on"`
	Announced      bool           `db:"announced"`
	Areas          pq.StringArray `db:"areas"`
	Findings       string         `db:"findings"`
	Grade          Grade          `db:"grade"`
	CreatedByName  string         `db:"created_by_name"`
	CreatedAt      time.Time      `db:"created_at"`
	UpdatedAt      time.Time      `db:"updated_at"`
	Version        int            `db:"version"`
	Officers       []Officer      `db:"-"`
	// OrganisationName is the provider's name, for lists across providers.
	OrganisationName string `db:"organisation_name"`
	// OpenActions and OverdueActions count the visit's actions still to do, and those late.
	OpenActions    int `db:"open_actions"`
	OverdueActions int `db:"overdue_actions"`
}

// TypeLabel says whether the visit was announced.
func (v Visit) TypeLabel() string {
	if v.Announced {
		return "Announced"
	}
	return "Unannounced"
}

// AreaLabels names the areas reviewed.
func (v Visit) AreaLabels() []string { return AreaLabels(v.Areas) }

// FindingsParagraphs are the findings split into the paragraphs and lines they were typed in.
func (v Visit) FindingsParagraphs() []string {
	var out []string
	for _, line := range strings.Split(v.Findings, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// OfficerNames lists the visiting officers.
func (v Visit) OfficerNames() []string {
	out := make([]string, 0, len(v.Officers))
	for _, o := range v.Officers {
		out = append(out, o.Name)
	}
	return out
}

// OfficerIDs lists the visiting officers' user ids, for the edit form's checkboxes.
func (v Visit) OfficerIDs() []string {
	out := make([]string, 0, len(v.Officers))
	for _, o := range v.Officers {
		out = append(out, o.ID)
	}
	return out
}

// Officer is a commissioning officer who can make visits.
type Officer struct {
	ID    string `db:"id"`
	Name  string `db:"name"`
	Email string `db:"email"`
}

// Action is something a visit found needs doing, by when and by whom.
type Action struct {
	ID             string       `db:"id"`
	VisitID        string       `db:"visit_id"`
	OrganisationID string       `db:"organisation_id"`
	Description    string       `db:"description"`
	OwnerName      string       `db:"owner_name"`
	OwnerEmail     *string      `db:"owner_email"`
	DueOn          time.Time    `db:"due_on"`
	Status         ActionStatus `db:"status"`
	ClosingNote    string       `db:"closing_note"`
	ClosedByName   string       `db:"closed_by_name"`
	ClosedAt       *time.Time   `db:"closed_at"`
	CreatedByName  string       `db:"created_by_name"`
	CreatedAt      time.Time    `db:"created_at"`
	UpdatedAt      time.Time    `db:"updated_at"`
	Version        int          `db:"version"`
	VisitedOn      time.Time    `db:"visited_on"`
	// OrganisationName is the provider's name, for lists across providers.
	OrganisationName string `db:"organisation_name"`
	// Today is the date Overdue is judged on, set when the action is read.
	Today time.Time `db:"-"`
}

// Overdue reports whether the action is not completed or closed and its due date has passed.
func (a Action) Overdue() bool { return a.Status.Outstanding() && a.DueOn.Before(a.Today) }

// DaysOverdue is how many days past its due date an overdue action is (0 otherwise).
func (a Action) DaysOverdue() int {
	if !a.Overdue() {
		return 0
	}
	return daysBetween(a.DueOn, a.Today)
}

// Owner is the owner as shown, with their email when they are a contact on file.
func (a Action) Owner() string {
	if a.OwnerEmail != nil && *a.OwnerEmail != "" {
		return a.OwnerName + " (" + *a.OwnerEmail + ")"
	}
	return a.OwnerName
}

// Response is a provider's answer to an action.
type Response struct {
	ID               int64        `db:"id"`
	ActionID         string       `db:"action_id"`
	Response         string       `db:"response"`
	Status           ActionStatus `db:"status"`
	EvidenceID       *string      `db:"evidence_document_id"`
	EvidenceFilename *string      `db:"evidence_filename"`
	ByName           string       `db:"by_name"`
	At               time.Time    `db:"at"`
}

// StatusWords is what the provider said of the action, in their words on the form.
func (r Response) StatusWords() string { return labelOf(ResponseStatuses, string(r.Status)) }

// HistoryEntry is one quality event in a provider's record: a visit recorded or changed, an
// action added, answered or closed, a reminder sent.
type HistoryEntry struct {
	At      time.Time `db:"at"`
	Action  string    `db:"action"`
	ByEmail string    `db:"actor_email"`
	Summary string    `db:"summary"`
}

// Label says what happened in words.
func (h HistoryEntry) Label() string {
	switch h.Action {
	case "quality.visit.recorded":
		return "Visit recorded"
	case "quality.visit.updated":
		return "Visit changed"
	case "quality.action.added":
		return "Action added"
	case "quality.action.updated":
		return "Action changed"
	case "quality.action.responded":
		return "Provider responded to an action"
	case "quality.action.closed":
		return "Action closed"
	case "quality.reminder.sent":
		return "Reminder sent"
	}
	return h.Action
}

func labelOf(opts []provider.Option, value string) string {
	if i := slices.IndexFunc(opts, func(o provider.Option) bool { return o.Value == value }); i >= 0 {
		return opts[i].Label
	}
	return value
}

func isOption(opts []provider.Option, value string) bool {
	return slices.ContainsFunc(opts, func(o provider.Option) bool { return o.Value == value })
}

// daysBetween is the whole number of days from a to b (negative when b is before a). Both
// are dates at midnight UTC, as the database returns them.
func daysBetween(a, b time.Time) int {
	return int(b.Sub(a).Hours() / 24)
}
