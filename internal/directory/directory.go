// Package directory is the officers' provider directory: a search by name or by any of the
// identifiers a provider record holds, filters (status, compliance rating, service
// category, Ofsted or CQC rating, the framework or route of a contract), four sort orders,
// and keyset pagination, so that the hundredth page of 100,000 providers costs what the
// first does. It also counts providers by status for the dashboard.
//
// Why keyset rather than OFFSET: an offset makes PostgreSQL read and throw away every row
// before the page, so deep pages get slower as the register grows. A page here starts after
// the previous page's last row (its sort key and id), which a btree index on exactly those
// expressions finds directly; migration 00013 has one for each sort order.
package directory

import (
	"slices"
	"time"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/lib/pq"
)

// Sort is an order the directory can be read in.
type Sort string

const (
	// SortName is by name, A to Z: the default.
	SortName Sort = "name"
	// SortStatus is by status in workflow order (draft first, rejected last), then name.
	SortStatus Sort = "status"
	// SortUpdated is the most recently updated first.
	SortUpdated Sort = "updated"
	// SortRAG is the worst compliance rating first (red, amber, green, not rated), then name.
	SortRAG Sort = "rag"
)

// Sorts are the sort orders, for the form.
var Sorts = []provider.Option{
	{Value: string(SortName), Label: "Name (A to Z)"},
	{Value: string(SortStatus), Label: "Status"},
	{Value: string(SortUpdated), Label: "Recently updated"},
	{Value: string(SortRAG), Label: "Compliance rating (red first)"},
}

// ParseSort reads a sort order; "" is SortName.
func ParseSort(s string) (Sort, bool) {
	if s == "" {
		return SortName, true
	}
	return Sort(s), slices.ContainsFunc(Sorts, func(o provider.Option) bool { return o.Value == s })
}

// Unrated is the compliance filter for providers not rated yet (the daily refresh has not
// reached them).
const Unrated = "unrated"

// RAGFilters are the compliance ratings a list can be filtered by.
var RAGFilters = []provider.Option{
	{Value: string(quality.Red), Label: "Red"}, {Value: string(quality.Amber), Label: "Amber"},
	{Value: string(quality.Green), Label: "Green"}, {Value: Unrated, Label: "Not rated yet"},
}

// Statuses are the record statuses in workflow order, for filters and counts.
var Statuses = []provider.Option{
	{Value: string(provider.StatusDraft), Label: provider.StatusDraft.Label()},
	{Value: string(provider.StatusSubmitted), Label: provider.StatusSubmitted.Label()},
	{Value: string(provider.StatusResubmitted), Label: provider.StatusResubmitted.Label()},
	{Value: string(provider.StatusChangesRequested), Label: provider.StatusChangesRequested.Label()},
	{Value: string(provider.StatusApproved), Label: provider.StatusApproved.Label()},
	{Value: string(provider.StatusSuspended), Label: provider.StatusSuspended.Label()},
	{Value: string(provider.StatusRejected), Label: provider.StatusRejected.Label()},
}

// Ratings are the regulator ratings a list can be filtered by: a provider matches when any
// of its Ofsted settings was last judged so, or any of its CQC locations is rated so.
var Ratings = []provider.Option{
	{Value: "outstanding", Label: "Outstanding"},
	{Value: "good", Label: "Good"},
	{Value: "requires_improvement", Label: "Requires improvement"},
	{Value: "inadequate", Label: "Inadequate"},
}

// Filter selects providers. Empty fields select everything.
type Filter struct {
	// Query is a name, or part of one, or an identifier: Ofsted URN, CQC id, postcode (or
	// its outward code), VAT number, Companies House number or supplier reference, typed
	// however people type them.
	Query    string
	Status   string
	RAG      string
	Category string
	Rating   string
	// Framework is the framework or dynamic purchasing system of any of the provider's
	// contracts; Route the procurement route of any of them.
	Framework string
	Route     string
}

// maxQuery bounds the search text.
const maxQuery = 200

// maxFramework is the longest framework name a contract may have.
const maxFramework = 300

// Validate returns one message per filter that is not one of its options, keyed by the
// name of the filter's form field.
func (f Filter) Validate() map[string]string {
	errs := map[string]string{}
	check := func(field, v string, opts []provider.Option, msg string) {
		if v != "" && !slices.ContainsFunc(opts, func(o provider.Option) bool { return o.Value == v }) {
			errs[field] = msg
		}
	}
	if len([]rune(f.Query)) > maxQuery || !printable(f.Query) || !utf8.ValidString(f.Query) {
		errs["q"] = "Search must be 200 characters or fewer, letters, numbers and punctuation only"
	}
	check("status", f.Status, Statuses, "Select a status from the list")
	check("rag", f.RAG, RAGFilters, "Select a compliance rating from the list")
	check("category", f.Category, provider.ServiceCategories, "Select a service category from the list")
	check("rating", f.Rating, Ratings, "Select an Ofsted or CQC rating from the list")
	check("route", f.Route, contract.Routes, "Select a procurement route from the list")
	if len([]rune(f.Framework)) > maxFramework || !printable(f.Framework) || !utf8.ValidString(f.Framework) {
		errs["framework"] = "Select a framework from the list"
	}
	return errs
}

// Active reports whether any filter or search is set.
func (f Filter) Active() bool {
	return f != Filter{}
}

// printable reports whether s holds no control characters (a pasted tab or newline is
// allowed: the search folds white space).
func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return false
		}
	}
	return true
}

// Provider is one row of the directory.
type Provider struct {
	ID string `db:"id"`
	// Name is the legal name once given, else the name given at registration.
	Name                 string          `db:"display_name"`
	TradingName          *string         `db:"trading_name"`
	SupplierRef          string          `db:"supplier_ref"`
	Status               provider.Status `db:"status"`
	Postcode             *string         `db:"postcode"`
	VATNumber            *string         `db:"vat_number"`
	CompaniesHouseNumber *string         `db:"companies_house_number"`
	OfstedURNs           pq.StringArray  `db:"ofsted_urns"`
	CQCProviderID        *string         `db:"cqc_provider_id"`
	Categories           pq.StringArray  `db:"service_categories"`
	// RAG is the compliance rating as last computed; "" when not rated yet.
	RAG quality.RAG `db:"rag"`
	// Concerns are the stored rating's reasons that are not green (internal/quality), worst
	// first, shown in words beside it. Only these are read: every list shows the concerns
	// alone, and a rating's green reasons are most of its stored words.
	Concerns  quality.Reasons `db:"rag_concerns"`
	UpdatedAt time.Time       `db:"updated_at"`
}

// CategoryLabels names the provider's service categories.
func (p Provider) CategoryLabels() []string {
	out := make([]string, len(p.Categories))
	for i, c := range p.Categories {
		out[i] = provider.ServiceCategoryLabel(c)
	}
	return out
}

// TradingAs is the trading name when the provider has one other than its name.
func (p Provider) TradingAs() string {
	if t := Text(p.TradingName); t != p.Name {
		return t
	}
	return ""
}

// PostcodeText is the registered office's postcode, or "".
func (p Provider) PostcodeText() string { return Text(p.Postcode) }

// Text is a nullable column as text.
func Text(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Page is one page of the directory and where the pages either side of it start.
type Page struct {
	Providers []Provider
	// Next starts the page after this one; nil on the last page.
	Next *Cursor
	// Prev ends the page before this one; nil on the first page.
	Prev *Cursor
}
