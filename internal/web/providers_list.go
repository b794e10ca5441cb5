package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"net/url"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// directoryPageSize is how many providers one page of the directory lists.
const directoryPageSize = 25

// directoryFieldOrder is the order of the directory's filters, for the error summary.
var directoryFieldOrder = []string{"q", "status", "rag", "category", "rating", "framework", "route", "sort"}

// directoryPage is the provider directory: the search, the filters as applied and one page
// of providers.
type directoryPage struct {
	Page
	Filter    directory.Filter
	Sort      directory.Sort
	Search    directory.Search
	Providers []directory.Provider
	Total     int
	// MoreThan says Total is a floor: more providers than it match (directory.CountCap).
	MoreThan bool
	// FirstURL, PrevURL and NextURL move through the pages; empty where there is nowhere to go.
	FirstURL, PrevURL, NextURL string
	// CSVURL and XLSXURL download every provider the filters select, in the sort order.
	CSVURL, XLSXURL string
	Selects         []contractSelect
	SortSelect      contractSelect
}

// directoryQuery reads the search, filters and sort from the query string, with a message
// for each that is not one of its options.
func directoryQuery(c *fiber.Ctx) (directory.Filter, directory.Sort, map[string]string) {
	f := directory.Filter{Query: c.Query("q"), Status: c.Query("status"), RAG: c.Query("rag"), Category: c.Query("category"),
		Rating: c.Query("rating"), Framework: c.Query("framework"), Route: c.Query("route")}
	errs := f.Validate()
	s, ok := directory.ParseSort(c.Query("sort"))
	if !ok {
		errs["sort"] = "Select an order from the list"
		s = directory.SortName
	}
	return f, s, errs
}

// directoryValues is the query string of a filtered, sorted directory: only what is set.
func directoryValues(f directory.Filter, s directory.Sort) url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"q": f.Query, "status": f.Status, "rag": f.RAG, "category": f.Category, "rating": f.Rating,
		"framework": f.Framework, "route": f.Route} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if s != directory.SortName {
		v.Set("sort", string(s))
	}
	return v
}

// cursorKey signs the directory's page links, so a link that was changed is refused rather
// than read. It is derived from the data key, which every instance shares, so a link made
// by one instance works on the others and after a restart.
func (s *Server) cursorKey() []byte {
	m := hmac.New(sha256.New, []byte(s.cfg.DataKey))
	m.Write([]byte("provider-portal: directory page links"))
	return m.Sum(nil)
}

// directoryFilters are the directory's filter and sort selects, as applied, with any
// message for a value that is not one of their options.
func directoryFilters(f directory.Filter, sort directory.Sort, errs map[string]string, frameworks []provider.Option) ([]contractSelect, contractSelect) {
	selects := []contractSelect{
		{ID: "status", Label: "Status", Empty: "Any status", Value: f.Status, Options: directory.Statuses, Error: errs["status"]},
		{ID: "rag", Label: "Compliance rating", Empty: "Any rating", Value: f.RAG, Options: directory.RAGFilters, Error: errs["rag"]},
		{ID: "category", Label: "Service category", Empty: "Any category", Value: f.Category, Options: provider.ServiceCategories, Error: errs["category"]},
		{ID: "rating", Label: "Ofsted or CQC rating", Empty: "Any rating", Value: f.Rating, Options: directory.Ratings, Error: errs["rating"]},
		{ID: "framework", Label: "Framework", Hint: "Of any of the provider's contracts", Empty: "Any framework", Value: f.Framework,
			Options: withCurrent(frameworks, f.Framework), Error: errs["framework"]},
		{ID: "route", Label: "Procurement route", Hint: "Of any of the provider's contracts", Empty: "Any route", Value: f.Route,
			Options: contract.Routes, Error: errs["route"]},
	}
	// The first option, which sends no value, is the default order: by name.
	sortValue := string(sort)
	if sort == directory.SortName {
		sortValue = ""
	}
	sorts := contractSelect{ID: "sort", Label: "Sort by", Empty: directory.Sorts[0].Label, Value: sortValue, Options: directory.Sorts[1:], Error: errs["sort"]}
	return selects, sorts
}

// directoryList is the officers' provider directory: search by name or any identifier, filter,
// sort, and page by keyset links that stay fast at any depth.
func (s *Server) directoryList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	f, sort, errs := directoryQuery(c)
	data := directoryPage{Page: s.page(c, "Providers"), Filter: f, Sort: sort}
	frameworks, err := directory.Frameworks(ctx, s.db)
	if err != nil {
		return err
	}
	data.Selects, data.SortSelect = directoryFilters(f, sort, errs, frameworks)
	if len(errs) > 0 {
		data.Page.Errors = fieldErrors(directoryFieldOrder, errs)
		return render(c, fiber.StatusBadRequest, "providers/list", data)
	}
	req := directory.Request{Filter: f, Sort: sort, Size: directoryPageSize}
	after, before := c.Query("after"), c.Query("before")
	if after != "" && before != "" {
		return apperr.New(apperr.Invalid, "The link to this page of providers is not valid. Go back to the first page of the directory and try again.")
	}
	key := s.cursorKey()
	for _, p := range []struct {
		v  string
		to **directory.Cursor
	}{{after, &req.After}, {before, &req.Before}} {
		if p.v == "" {
			continue
		}
		cur, err := directory.DecodeCursor(key, p.v, sort)
		if err != nil {
			return err
		}
		*p.to = &cur
	}
	page, err := directory.List(ctx, s.db, req)
	if err != nil {
		return err
	}
	total, err := directory.Count(ctx, s.db, f)
	if err != nil {
		return err
	}
	data.Total, data.MoreThan = total.N, total.More
	data.Providers, data.Search = page.Providers, directory.ParseSearch(f.Query)
	values := directoryValues(f, sort)
	link := func(param string, cur *directory.Cursor) string {
		v := url.Values{}
		for k, x := range values {
			v[k] = x
		}
		if cur != nil {
			v.Set(param, cur.Encode(key))
		}
		if len(v) == 0 {
			return "/providers"
		}
		return "/providers?" + v.Encode()
	}
	if page.Next != nil {
		data.NextURL = link("after", page.Next)
	}
	if page.Prev != nil {
		data.PrevURL, data.FirstURL = link("before", page.Prev), link("", nil)
	}
	data.CSVURL, data.XLSXURL = "/providers.csv", "/providers.xlsx"
	if q := values.Encode(); q != "" {
		data.CSVURL, data.XLSXURL = data.CSVURL+"?"+q, data.XLSXURL+"?"+q
	}
	return render(c, fiber.StatusOK, "providers/list", data)
}

// withCurrent adds the value being filtered by to the options when it is not among them
// (a framework whose last contract has gone), so the select still shows what is applied.
func withCurrent(opts []provider.Option, v string) []provider.Option {
	if v == "" {
		return opts
	}
	for _, o := range opts {
		if o.Value == v {
			return opts
		}
	}
	return append(opts, provider.Option{Value: v, Label: v})
}
