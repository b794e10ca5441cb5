package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"net/url"
	"strconv"
	"time"

	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/gofiber/fiber/v2"
)

// apiProviderSummary is a provider as the directory lists it: identifiers, status and the
// compliance rating as last computed.
type apiProviderSummary struct {
	ID                   string    `json:"id"`
	Name                 string    `json:"name"`
	TradingName          *string   `json:"trading_name"`
	SupplierRef          string    `json:"supplier_ref"`
	Status               string    `json:"status"`
	Postcode             *string   `json:"postcode"`
	VATNumber            *string   `json:"vat_number"`
	CompaniesHouseNumber *string   `json:"companies_house_number"`
	OfstedURNs           []string  `json:"ofsted_urns"`
	CQCProviderID        *string   `json:"cqc_provider_id"`
	ServiceCategories    []string  `json:"service_categories"`
	ComplianceRAG        *string   `json:"compliance_rag"`
	UpdatedAt            time.Time `json:"updated_at"`
}

// apiProviderList is one page of providers. NextCursor (and links.next, the same page as a
// link) is null on the last page.
type apiProviderList struct {
	Data       []apiProviderSummary `json:"data"`
	NextCursor *string              `json:"next_cursor"`
	Links      apiLinks             `json:"links"`
}

// apiLinks are the addresses of this page and the next.
type apiLinks struct {
	Self string  `json:"self"`
	Next *string `json:"next"`
}

// nullable is s, or null when empty.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// orEmpty is a list that marshals as [] rather than null.
func orEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

func apiProviderSummaryOf(p directory.Provider) apiProviderSummary {
	return apiProviderSummary{ID: p.ID, Name: p.Name, TradingName: nullable(p.TradingAs()), SupplierRef: p.SupplierRef,
		Status: string(p.Status), Postcode: nullable(directory.Text(p.Postcode)), VATNumber: nullable(directory.Text(p.VATNumber)),
		CompaniesHouseNumber: nullable(directory.Text(p.CompaniesHouseNumber)), OfstedURNs: orEmpty(p.OfstedURNs),
		CQCProviderID: nullable(directory.Text(p.CQCProviderID)), ServiceCategories: orEmpty(p.Categories),
		ComplianceRAG: nullable(string(p.RAG)), UpdatedAt: p.UpdatedAt.UTC()}
}

// apiCursorKey signs the API's page cursors. It is derived from the data key like the
// directory's own, under another label, so a cursor from one is refused by the other.
func (s *Server) apiCursorKey() []byte {
	m := hmac.New(sha256.New, []byte(s.cfg.DataKey))
	m.Write([]byte("provider-portal: api provider cursors"))
	return m.Sum(nil)
}

// apiProviderFilters are the directory's filters as query parameters, in the order the
// links carry them.
var apiProviderFilters = []string{"q", "status", "rag", "category", "rating", "framework", "route"}

// apiProviders is GET /api/v1/providers: the directory, with its search and filters, in
// pages of limit, each page starting after the last one's cursor (a signed keyset position,
// so a deep page costs what the first does and a changed cursor is refused).
func (s *Server) apiProviders(c *fiber.Ctx) error {
	p := newAPIParams(c, append(apiProviderFilters, "sort", "limit", "cursor")...)
	f := directory.Filter{Query: p.text("q", 200), Status: p.oneOf("status", directory.Statuses), RAG: p.oneOf("rag", directory.RAGFilters),
		Category: p.oneOf("category", provider.ServiceCategories), Rating: p.oneOf("rating", directory.Ratings),
		Framework: p.text("framework", 300), Route: p.oneOf("route", contract.Routes)}
	sortValue := p.oneOf("sort", directory.Sorts)
	sort, _ := directory.ParseSort(sortValue)
	limit := p.limit()
	req := directory.Request{Filter: f, Sort: sort, Size: limit}
	key := s.apiCursorKey()
	if raw := c.Query("cursor"); raw != "" && p.errs["sort"] == "" {
		cur, err := directory.DecodeCursor(key, raw, sort)
		if err != nil {
			p.fail("cursor", "cursor is not valid: pass next_cursor from the previous page unchanged, with the same sort.")
		} else {
			req.After = &cur
		}
	}
	if err := p.err(); err != nil {
		return err
	}
	page, err := directory.List(c.UserContext(), s.db, req)
	if err != nil {
		return err
	}
	q := url.Values{}
	for _, name := range apiProviderFilters {
		if v := c.Query(name); v != "" {
			q.Set(name, v)
		}
	}
	if sortValue != "" {
		q.Set("sort", sortValue)
	}
	if c.Query("limit") != "" {
		q.Set("limit", strconv.Itoa(limit))
	}
	self := url.Values{}
	for k, v := range q {
		self[k] = v
	}
	if req.After != nil {
		self.Set("cursor", c.Query("cursor"))
	}
	out := apiProviderList{Data: make([]apiProviderSummary, len(page.Providers)), Links: apiLinks{Self: s.apiURL("/api/v1/providers", self)}}
	for i, pr := range page.Providers {
		out.Data[i] = apiProviderSummaryOf(pr)
	}
	if page.Next != nil {
		next := page.Next.Encode(key)
		q.Set("cursor", next)
		link := s.apiURL("/api/v1/providers", q)
		out.NextCursor, out.Links.Next = &next, &link
	}
	return c.JSON(out)
}

// apiProviderCompliance is GET /api/v1/providers/{id}/compliance: the provider's compliance
// rating worked out now, from the record as approved and today's QA actions, returns and
// documents, with every rule's reason (green ones too), worst first.
func (s *Server) apiProviderCompliance(c *fiber.Ctx) error {
	if err := newAPIParams(c).err(); err != nil {
		return err
	}
	today := s.quality.Today()
	res, err := quality.CurrentCompliance(c.UserContext(), s.db, c.Params("id"), today)
	if err != nil {
		return err
	}
	out := apiCompliance{ProviderID: res.OrganisationID, RAG: string(res.RAG), AsOf: today.Format(time.DateOnly),
		Reasons: make([]apiComplianceReason, len(res.Reasons))}
	for i, r := range res.Reasons {
		out.Reasons[i] = apiComplianceReason{Rule: r.Rule, RuleTitle: r.RuleTitle(), RAG: string(r.RAG), Why: r.Why}
	}
	return c.JSON(out)
}

// apiCompliance is a provider's compliance: the overall rating is the worst of the reasons.
type apiCompliance struct {
	ProviderID string                `json:"provider_id"`
	RAG        string                `json:"rag"`
	AsOf       string                `json:"as_of"`
	Reasons    []apiComplianceReason `json:"reasons"`
}

type apiComplianceReason struct {
	Rule      string `json:"rule"`
	RuleTitle string `json:"rule_title"`
	RAG       string `json:"rag"`
	Why       string `json:"why"`
}
