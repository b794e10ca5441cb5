package web

import (
	"context"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/export"
	"github.com/gofiber/fiber/v2"
)

// directoryColumns are the directory download's columns: the identifiers a provider is
// known by, not its people.
var directoryColumns = []export.Column{
	{Header: "Supplier reference"}, {Header: "Name", Width: 40}, {Header: "Trading name", Width: 30}, {Header: "Status"},
	{Header: "Compliance rating"}, {Header: "Compliance reasons", Width: 60}, {Header: "Postcode"}, {Header: "Companies House number"}, {Header: "VAT number"},
	{Header: "Ofsted URNs", Width: 24}, {Header: "CQC ID"}, {Header: "Service categories", Width: 50}, {Header: "Last updated", Kind: export.KindInstant},
}

// directoryCells is one provider's row: identifiers (URNs, VAT and company numbers) stay
// text, so none loses a leading zero. The rating comes with its reasons in words, as on the
// directory page.
func directoryCells(p directory.Provider) []export.Cell {
	rag, why := "Not rated yet", ""
	if p.RAG != "" {
		rag, why = p.RAG.Label(), p.RAG.Meaning()
		if concerns := p.Concerns; len(concerns) > 0 {
			words := make([]string, len(concerns))
			for i, c := range concerns {
				words[i] = c.Why
			}
			why = strings.Join(words, " ")
		}
	}
	return append(export.Texts(p.SupplierRef, p.Name, directory.Text(p.TradingName), p.Status.Label(), rag, why, directory.Text(p.Postcode),
		directory.Text(p.CompaniesHouseNumber), directory.Text(p.VATNumber), strings.Join(p.OfstedURNs, ", "),
		directory.Text(p.CQCProviderID), strings.Join(p.CategoryLabels(), ", ")), export.Instant(p.UpdatedAt))
}

// directoryCSV and directoryXLSX download every provider the directory's search and filters
// select, in its sort order.
func (s *Server) directoryCSV(c *fiber.Ctx) error  { return s.directoryDownload(c, "csv") }
func (s *Server) directoryXLSX(c *fiber.Ctx) error { return s.directoryDownload(c, "xlsx") }

func (s *Server) directoryDownload(c *fiber.Ctx, format string) error {
	f, sort, errs := directoryQuery(c)
	if len(errs) > 0 {
		return apperr.New(apperr.Invalid, "The search or a filter is not valid. Go back to the directory and correct it.")
	}
	filters := map[string]any{"sort": string(sort)}
	for k, v := range directoryValues(f, sort) {
		filters[k] = v[0]
	}
	return s.streamTable(c, tableDownload{Name: "providers", Area: "directory", Format: format, Filters: filters, Columns: directoryColumns,
		Rows: func(ctx context.Context, row func([]export.Cell) error) (int, error) {
			return directory.Each(ctx, s.db, f, sort, func(p directory.Provider) error { return row(directoryCells(p)) })
		}})
}
