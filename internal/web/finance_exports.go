package web

import (
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

type financeExportsPage struct {
	Page
	// NFI is what the NFI standing data will hold today and what it leaves out.
	NFI              *finance.NFISummary
	NFIFormat        string
	NFIFormatOptions []provider.Option
	Profiles         []finance.Profile
	FormatOptions    []provider.Option
	ProfileOptions   []provider.Option
	FileOptions      []provider.Option
	Format           string
	Profile          string
	File             string
	IncludeSuspended bool
	SteppedUp        bool
	// FormulaNames are the payees' names a spreadsheet would read as a formula, which
	// spreadsheet downloads show with an apostrophe in front.
	FormulaNames []finance.FormulaName
}

var exportFormatOptions = []provider.Option{
	{Value: "csv", Label: "CSV, to load into the finance system"},
	{Value: "xlsx", Label: "Excel workbook (XLSX), to read"},
}

func (s *Server) financeExports(c *fiber.Ctx) error {
	return s.renderFinanceExports(c, fiber.StatusOK, financeExportsPage{Format: "csv", File: "full"}, nil)
}

// paymentFileOptions are the full file and the changes since the last CSV file, with its
// date, so finance know what "changes" is measured from.
func paymentFileOptions(last *time.Time) []provider.Option {
	changes := "Changes since the last export: no CSV payment file has been exported yet, so every supplier is new"
	if last != nil {
		changes = "Changes since the last export (" + last.Local().Format("2 January 2006 at 3:04pm") + "): new and changed suppliers, and those no longer payable"
	}
	return []provider.Option{{Value: "full", Label: "Full file: every supplier"}, {Value: "changes", Label: changes}}
}

func (s *Server) renderFinanceExports(c *fiber.Ctx, status int, data financeExportsPage, errs map[string]string) error {
	if err := s.nfiExportSection(c, &data); err != nil {
		return err
	}
	profiles, err := finance.Profiles(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	last, err := finance.LastPaymentFile(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	if data.FormulaNames, err = s.finance.FormulaNames(c.UserContext()); err != nil {
		return err
	}
	data.Profiles, data.FormatOptions, data.SteppedUp = profiles, exportFormatOptions, steppedUp(c)
	data.FileOptions = paymentFileOptions(last)
	data.ProfileOptions = []provider.Option{{Value: "", Label: finance.DefaultProfile().Name + " (every column)"}}
	for _, p := range profiles {
		data.ProfileOptions = append(data.ProfileOptions, provider.Option{Value: p.ID, Label: p.Name})
	}
	data.Page = s.page(c, "Export payment files")
	data.Page.Back = "/finance"
	data.Page.Errors = fieldErrors([]string{"file", "format", "profile"}, errs)
	return render(c, status, "finance/exports", data)
}

// financeExportPayments streams the supplier payment file, after a step-up. The export is
// audited with its filters, row count and SHA-256 by the service.
func (s *Server) financeExportPayments(c *fiber.Ctx) error {
	if !steppedUp(c) {
		return toStepUp(c, "/finance/exports")
	}
	ctx := c.UserContext()
	data := financeExportsPage{Format: c.FormValue("format"), Profile: c.FormValue("profile"), File: c.FormValue("file", "full"),
		IncludeSuspended: c.FormValue("include_suspended") == "yes"}
	if data.File != "full" && data.File != "changes" {
		return s.renderFinanceExports(c, fiber.StatusUnprocessableEntity, data, map[string]string{"file": "Select the full file or the changes since the last export"})
	}
	opts := finance.PaymentExportOptions{Format: data.Format, IncludeSuspended: data.IncludeSuspended, Changes: data.File == "changes"}
	if data.Profile != "" && data.Format == "csv" {
		p, err := finance.ProfileByID(ctx, s.db, data.Profile)
		if apperr.Is(err, apperr.NotFound) {
			return s.renderFinanceExports(c, fiber.StatusUnprocessableEntity, data, map[string]string{"profile": "Select a layout from the list"})
		}
		if err != nil {
			return err
		}
		opts.Profile = p
	}
	e, err := s.finance.PaymentExport(ctx, opts)
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.renderFinanceExports(c, fiber.StatusUnprocessableEntity, data, fields)
	}
	if err != nil {
		return err
	}
	return s.streamExport(c, e)
}

// nfiExportSection fills the page's NFI section: the counts, the creditors without a
// creditor number, and the choice of delimiter (pipes unless chosen).
func (s *Server) nfiExportSection(c *fiber.Ctx, data *financeExportsPage) error {
	var err error
	if data.NFI, err = s.finance.NFISummary(c.UserContext()); err != nil {
		return err
	}
	if data.NFIFormat == "" {
		data.NFIFormat = "pipe"
	}
	data.NFIFormatOptions = nil
	for _, f := range finance.NFIFormats {
		data.NFIFormatOptions = append(data.NFIFormatOptions, provider.Option{Value: f.Value, Label: f.Label})
	}
	return nil
}

// financeExportNFI streams the National Fraud Initiative trade creditors standing data,
// after a step-up. Finance audits it and, once it is written in full, records the
// disclosure to the NFI in the same transaction.
func (s *Server) financeExportNFI(c *fiber.Ctx) error {
	if !steppedUp(c) {
		return toStepUp(c, "/finance/exports")
	}
	format := c.FormValue("nfi_format")
	e, err := s.finance.NFIExport(c.UserContext(), format)
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.renderFinanceExports(c, fiber.StatusUnprocessableEntity, financeExportsPage{Format: "csv", NFIFormat: format}, fields)
	}
	if err != nil {
		return err
	}
	return s.streamExport(c, e)
}
