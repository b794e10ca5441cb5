package web

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
)

// BenchmarkRenderDirectory renders a full page of the directory, as an officer sees it at
// 100,000 providers (its filters, each row rated with concerns in words), with no database: the
// share of a page's cost that is its templates. make bench profiles the same under load.
var benchRows = 25

func BenchmarkRenderDirectory(b *testing.B) {
	views, err := loadViews()
	if err != nil {
		b.Fatal(err)
	}
	name, postcode := "Oak Lodge", "OX4 4JQ"
	data := directoryPage{Page: Page{Title: "Providers", CouncilName: "Benchmark Council", CouncilEmail: "c@example.gov.uk", CSRF: "token",
		User: &auth.User{Name: "An Officer"}, Timeout: &SessionTimeout{Idle: "30 minutes", SecondsLeft: 1800, WarnSeconds: 300},
		Nav: []NavItem{{Text: "Dashboard", Href: "/dashboard"}, {Text: "Providers", Href: "/providers", Current: true}, {Text: "Your work", Href: "/work", Counted: true, Count: 3, CountHint: "to do"}}},
		Total: 8000, NextURL: "/providers?after=x", CSVURL: "/providers.csv", XLSXURL: "/providers.xlsx"}
	data.Filter.Status, data.Filter.Category = "approved", "childrens_homes"
	var frameworks []provider.Option
	for i := range 12 {
		name := fmt.Sprintf("Regional Children's Homes Framework %d", i)
		frameworks = append(frameworks, provider.Option{Value: name, Label: name})
	}
	data.Selects, data.SortSelect = directoryFilters(data.Filter, directory.SortName, nil, frameworks)
	for i := range benchRows {
		data.Providers = append(data.Providers, directory.Provider{ID: fmt.Sprintf("102ffea6-87a5-4593-98f0-61da9157%04d", i), Name: fmt.Sprintf("Acorn Care Homes %d CIC", i),
			TradingName: &name, SupplierRef: fmt.Sprintf("SUP%05d", i), Status: provider.StatusApproved, Postcode: &postcode,
			Categories: []string{"childrens_homes"}, RAG: quality.Amber, UpdatedAt: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
			Concerns: quality.Reasons{{Rule: "insurance", RAG: quality.Amber, Why: "The employer's liability insurance (Royal London Mutual, policy RLM-500280-2026) expires on 31 December 2026, in 24 days (within 30 days)."},
				{Rule: "ofsted", RAG: quality.Amber, Why: "Ofsted has not yet inspected SC195395, so there is no independent judgement of its quality."}}})
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := views.Render(io.Discard, "providers/list", data, "layouts/base"); err != nil {
			b.Fatal(err)
		}
	}
}
