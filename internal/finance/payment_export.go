package finance

import (
	"context"
	"io"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/export"
	"github.com/council/provider-portal/internal/provider"
)

// PaymentExportOptions choose what the supplier payment file holds and how it is laid out.
type PaymentExportOptions struct {
	// Format is "csv" or "xlsx".
	Format string
	// Profile lays out a CSV file; nil is DefaultProfile. XLSX files always use the default
	// columns: they are for people, profiles are for systems.
	Profile *Profile
	// IncludeSuspended adds suspended providers, flagged "Suspended" in the status column.
	IncludeSuspended bool
}

// PaymentExport prepares the supplier payment file: every provider with verified, approved
// details in force today, with its standing data, account in full, status, effective date
// and first-payment hold. It records that the export started; stream it with WriteTo.
func (s *Service) PaymentExport(ctx context.Context, opts PaymentExportOptions) (*Export, error) {
	profile := opts.Profile
	if opts.Format == "xlsx" || profile == nil {
		profile = DefaultProfile()
	}
	if opts.Format != "csv" && opts.Format != "xlsx" {
		return nil, apperr.InvalidFields(map[string]string{"format": "Select CSV or Excel"})
	}
	statuses := []provider.Status{provider.StatusApproved}
	if opts.IncludeSuspended {
		statuses = append(statuses, provider.StatusSuspended)
	}
	asOf := s.Today()
	fields := make([]Field, len(profile.Columns))
	cols := make([]export.Column, len(profile.Columns))
	for i, c := range profile.Columns {
		f, ok := FieldByKey(c.Field)
		if !ok {
			return nil, apperr.New(apperr.Invalid, "The layout %q names a column that no longer exists. Edit the layout", profile.Name)
		}
		fields[i], cols[i] = f, export.Column{Header: c.Header, Width: f.Width, Kind: f.Kind}
	}
	e := &Export{
		Filename: "supplier-payments-" + asOf.Format("2006-01-02"),
		kind:     "supplier_payment_file",
		filters: map[string]any{"format": opts.Format, "profile": profile.Name, "profile_id": profile.ID,
			"include_suspended": opts.IncludeSuspended, "as_of": asOf.Format(time.DateOnly)},
	}
	newWriter := func(w io.Writer) (export.Writer, error) {
		if opts.Format == "xlsx" {
			return export.NewXLSX(w, export.XLSXOptions{Sheet: "Suppliers"})
		}
		return export.NewCSV(w, export.CSVOptions{Delimiter: profile.DelimiterRune(), BOM: profile.ByteOrderMark, NoHeader: !profile.HeaderRow,
			DateLayout: profile.DateLayout()})
	}
	var probe export.Writer = &export.XLSX{}
	if opts.Format == "csv" {
		var err error
		if probe, err = newWriter(io.Discard); err != nil {
			return nil, err
		}
	}
	e.Filename += "." + probe.Extension()
	e.ContentType = probe.ContentType()
	e.write = func(ctx context.Context, out io.Writer) (int, error) {
		w, err := newWriter(out)
		if err != nil {
			return 0, err
		}
		if err := w.Header(cols); err != nil {
			return 0, err
		}
		cells := make([]export.Cell, len(fields))
		n, err := s.eachPayee(ctx, asOf, statuses, func(p *Payee) error {
			for i, f := range fields {
				cells[i] = f.cell(p)
			}
			return w.Row(cells)
		})
		if err != nil {
			return n, err
		}
		return n, w.Close()
	}
	return s.start(ctx, e)
}
