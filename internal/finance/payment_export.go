package finance

import (
	"context"
	"io"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/export"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
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
	// Changes writes only the suppliers that are new or changed since the last payment file
	// a system loaded (see LastPaymentFile), and those no longer payable, with their status,
	// so the finance system can close them.
	Changes bool
}

// PaymentExport prepares the supplier payment file: every provider with verified, approved
// details in force today, with its standing data, account in full, status, effective date
// and first-payment hold (or, with Changes, only what changed). It records that the export
// started; stream it with WriteTo.
//
// A CSV file, full or changes, is what a finance system loads, so when it is written whole
// it becomes the baseline the next changes file is compared with (payment_file_suppliers),
// in the transaction that records its completion. An XLSX file is for a person to read and
// moves nothing.
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
	forSystem := opts.Format == "csv" && profile.ForSystem
	cellOf := func(f Field, p *Payee) export.Cell {
		if forSystem {
			return f.systemCell(p)
		}
		return f.cell(p)
	}
	file := "full"
	e := &Export{Filename: "supplier-payments-" + asOf.Format("2006-01-02"), kind: "supplier_payment_file"}
	if opts.Changes {
		file = "changes"
		e.Filename = "supplier-payment-changes-" + asOf.Format("2006-01-02")
	}
	e.filters = map[string]any{"format": opts.Format, "profile": profile.Name, "profile_id": profile.ID,
		"include_suspended": opts.IncludeSuspended, "as_of": asOf.Format(time.DateOnly), "file": file, "for_system": forSystem}
	newWriter := func(w io.Writer) (export.Writer, error) {
		if opts.Format == "xlsx" {
			return export.NewXLSX(w, export.XLSXOptions{Sheet: "Suppliers"})
		}
		return export.NewCSV(w, export.CSVOptions{Delimiter: profile.DelimiterRune(), BOM: profile.ByteOrderMark, NoHeader: !profile.HeaderRow,
			DateLayout: profile.DateLayout(), Verbatim: forSystem})
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
	// The baseline this file leaves, recorded by finish once the file is written whole.
	var sent []sentSupplier
	e.write = func(ctx context.Context, out io.Writer) (int, error) {
		w, err := newWriter(out)
		if err != nil {
			return 0, err
		}
		if err := w.Header(cols); err != nil {
			return 0, err
		}
		var last map[string]sentSupplier
		if opts.Changes {
			if last, err = s.lastSent(ctx); err != nil {
				return 0, err
			}
		}
		cells := make([]export.Cell, len(fields))
		writeRow := func(p *Payee) error {
			for i, f := range fields {
				cells[i] = cellOf(f, p)
			}
			return w.Row(cells)
		}
		rows := 0
		seen := map[string]bool{}
		sent = sent[:0]
		_, err = s.eachPayee(ctx, asOf, statuses, func(p *Payee) error {
			now := sentSupplier{OrganisationID: p.OrganisationID, Fingerprint: p.fingerprint(), Status: p.SupplierStatus}
			sent = append(sent, now)
			seen[p.OrganisationID] = true
			if before, ok := last[p.OrganisationID]; ok && string(before.Fingerprint) == string(now.Fingerprint) {
				return nil // unchanged since the last file
			}
			rows++
			return writeRow(p)
		})
		if err != nil {
			return rows, err
		}
		if opts.Changes {
			n, err := s.eachStopped(ctx, last, seen, writeRow)
			rows += n
			if err != nil {
				return rows, err
			}
		}
		return rows, w.Close()
	}
	if opts.Format == "csv" {
		e.finish = func(ctx context.Context, tx *sqlx.Tx, rows int) error {
			return s.recordSent(ctx, tx, file, rows, sent)
		}
	}
	return s.start(ctx, e)
}
