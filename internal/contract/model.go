// Package contract holds the council's contracts with approved providers: their terms,
// variations and documents; the key performance indicators (KPIs) each contract is
// monitored by; the monitoring returns providers make for each KPI period, with the
// officer's acceptance or query; the RAG rating of each value and a trend chart; and the
// Open Contracting Data Standard (OCDS 1.1.5) release packages the council publishes.
//
// A contract's stored status is draft, active, ended or terminated; "expiring" is computed
// (active and ending within a setting's number of days) so it never goes stale. Each KPI's
// periods are made as rows when the KPI or the contract's dates are saved, so overdue
// returns are a plain query for the dashboard and the compliance rules.
package contract

import (
	"slices"
	"time"

	"github.com/council/provider-portal/internal/provider"
	"github.com/lib/pq"
)

// Status is where a contract is in its life.
type Status string

const (
	StatusDraft  Status = "draft"
	StatusActive Status = "active"
	// StatusExpiring is never stored: an active contract ending within the setting's days.
	StatusExpiring   Status = "expiring"
	StatusEnded      Status = "ended"
	StatusTerminated Status = "terminated"
)

// Label is the status as people say it.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "Draft"
	case StatusActive:
		return "Active"
	case StatusExpiring:
		return "Expiring"
	case StatusEnded:
		return "Ended"
	case StatusTerminated:
		return "Terminated"
	}
	return string(s)
}

// TagClass is the GOV.UK tag colour for the status.
func (s Status) TagClass() string {
	switch s {
	case StatusActive:
		return "govuk-tag--green"
	case StatusExpiring:
		return "govuk-tag--orange"
	case StatusTerminated:
		return "govuk-tag--red"
	case StatusDraft:
		return "govuk-tag--blue"
	}
	return "govuk-tag--grey"
}

// StoredStatuses are the statuses an officer can set; expiring follows from the dates.
var StoredStatuses = []provider.Option{
	{Value: string(StatusDraft), Label: "Draft"}, {Value: string(StatusActive), Label: "Active"},
	{Value: string(StatusEnded), Label: "Ended"}, {Value: string(StatusTerminated), Label: "Terminated"},
}

// FilterStatuses are the statuses a list can be filtered by, expiring included.
var FilterStatuses = []provider.Option{
	{Value: string(StatusDraft), Label: "Draft"}, {Value: string(StatusActive), Label: "Active"},
	{Value: string(StatusExpiring), Label: "Expiring"}, {Value: string(StatusEnded), Label: "Ended"},
	{Value: string(StatusTerminated), Label: "Terminated"},
}

// Route is how the contract was procured.
type Route string

const (
	RouteFramework Route = "framework"
	RouteDPS       Route = "dps"
	RouteBlock     Route = "block"
	RouteSpot      Route = "spot"
	RouteGrant     Route = "grant"
)

// Routes are the procurement routes, for forms and filters.
var Routes = []provider.Option{
	{Value: string(RouteFramework), Label: "Framework call-off"},
	{Value: string(RouteDPS), Label: "Dynamic purchasing system"},
	{Value: string(RouteBlock), Label: "Block contract"},
	{Value: string(RouteSpot), Label: "Spot purchase"},
	{Value: string(RouteGrant), Label: "Grant agreement"},
}

// Label is the route as people say it.
func (r Route) Label() string { return optionLabel(Routes, string(r)) }

// NeedsFramework reports whether the route calls off an arrangement that has a name.
func (r Route) NeedsFramework() bool { return r == RouteFramework || r == RouteDPS }

// DocumentTypes are the kinds of contract document, as OCDS documentType codes.
var DocumentTypes = []provider.Option{
	{Value: "contractSigned", Label: "Signed contract"},
	{Value: "contractSchedule", Label: "Schedule or specification"},
	{Value: "contractAnnexe", Label: "Annex"},
	{Value: "contractNotice", Label: "Contract notice"},
	{Value: "other", Label: "Other"},
}

// DocumentTypeLabel is how a document type is shown.
func DocumentTypeLabel(v string) string { return optionLabel(DocumentTypes, v) }

func optionLabel(opts []provider.Option, v string) string {
	if i := slices.IndexFunc(opts, func(o provider.Option) bool { return o.Value == v }); i >= 0 {
		return opts[i].Label
	}
	return v
}

func hasOption(opts []provider.Option, v string) bool {
	return slices.ContainsFunc(opts, func(o provider.Option) bool { return o.Value == v })
}

// Contract is a contract with the provider's name and the sum of its variations.
type Contract struct {
	ID                string     `db:"id"`
	Reference         string     `db:"reference"`
	Title             string     `db:"title"`
	OrganisationID    string     `db:"organisation_id"`
	ProviderName      string     `db:"provider_name"`
	SupplierRef       string     `db:"supplier_ref"`
	ServiceCategory   string     `db:"service_category"`
	Route             Route      `db:"procurement_route"`
	FrameworkName     string     `db:"framework_name"`
	Lot               string     `db:"lot"`
	StartDate         time.Time  `db:"start_date"`
	EndDate           time.Time  `db:"end_date"`
	ExtensionOptions  string     `db:"extension_options"`
	ExtensionMonths   int        `db:"extension_months"`
	TotalValuePence   int64      `db:"total_value_pence"`
	AnnualValuePence  int64      `db:"annual_value_pence"`
	PaymentTerms      string     `db:"payment_terms"`
	ManagerID         *string    `db:"manager_id"`
	ManagerName       *string    `db:"manager_name"`
	ManagerEmail      *string    `db:"manager_email"`
	Stored            Status     `db:"status"`
	DateSigned        *time.Time `db:"date_signed"`
	TerminationReason string     `db:"termination_reason"`
	TerminatedOn      *time.Time `db:"terminated_on"`
	VariationsPence   int64      `db:"variations_pence"`
	// What the Procurement Act 2023 notices need (see notice.go).
	Procedure    Procedure      `db:"award_procedure"`
	LightTouch   bool           `db:"light_touch"`
	CPVCodes     pq.StringArray `db:"cpv_codes"`
	SupplierPPON string         `db:"supplier_ppon"`
	PublishedOn  *time.Time     `db:"published_on"`
	// EstimatedValuePence and MaximumValuePence are nil on contracts let before the Act
	// that nobody has recorded them for.
	EstimatedValuePence *int64    `db:"estimated_value_pence"`
	MaximumValuePence   *int64    `db:"maximum_value_pence"`
	KPIExemption        string    `db:"kpi_exemption"`
	Version             int       `db:"version"`
	CreatedAt           time.Time `db:"created_at"`
	UpdatedAt           time.Time `db:"updated_at"`
	// Status is the status as of the day the contract was read: Stored, with an active
	// contract shown as expiring or ended by its end date.
	Status Status `db:"-"`
}

// StatusOn is the contract's status on a day: an active contract whose end date has passed
// has ended, and one ending within expiringDays is expiring.
func (c *Contract) StatusOn(today time.Time, expiringDays int) Status {
	if c.Stored != StatusActive {
		return c.Stored
	}
	end := dateOf(c.EndDate)
	switch {
	case end.Before(today):
		return StatusEnded
	case !end.After(today.AddDate(0, 0, expiringDays)):
		return StatusExpiring
	}
	return StatusActive
}

// CurrentValuePence is the value as let plus every variation.
func (c *Contract) CurrentValuePence() int64 { return c.TotalValuePence + c.VariationsPence }

// CategoryLabel is the service category as people say it.
func (c *Contract) CategoryLabel() string { return provider.ServiceCategoryLabel(c.ServiceCategory) }

// ExtensionEnd is the latest end date if every extension were taken, or nil without one.
func (c *Contract) ExtensionEnd() *time.Time {
	if c.ExtensionMonths == 0 {
		return nil
	}
	t := addMonthsFrom(dateOf(c.EndDate), c.ExtensionMonths)
	return &t
}

// Variation is a change to a contract after it was let.
type Variation struct {
	ID               string    `db:"id"`
	ContractID       string    `db:"contract_id"`
	VariedOn         time.Time `db:"varied_on"`
	Description      string    `db:"description"`
	ValueChangePence int64     `db:"value_change_pence"`
	RecordedByName   string    `db:"recorded_by_name"`
	RecordedAt       time.Time `db:"recorded_at"`
}

// Document is a file attached to a contract.
type Document struct {
	ContractID   string    `db:"contract_id"`
	DocumentID   string    `db:"document_id"`
	Title        string    `db:"title"`
	DocumentType string    `db:"document_type"`
	Filename     string    `db:"filename"`
	ContentType  string    `db:"content_type"`
	Size         int       `db:"size_bytes"`
	AddedAt      time.Time `db:"added_at"`
	// Public documents are linked from the open data; the rest only signed-in users see.
	Public bool `db:"public"`
}

// TypeLabel is the document's type as people say it.
func (d Document) TypeLabel() string { return DocumentTypeLabel(d.DocumentType) }

// london is the council's time zone: "today", due dates and lateness are UK dates.
var london = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

// dateOf is the calendar date of t as midnight UTC, which is how the database returns dates.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// ukDate is the UK calendar date of an instant, as midnight UTC.
func ukDate(t time.Time) time.Time { return dateOf(t.In(london)) }
