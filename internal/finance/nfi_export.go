package finance

import (
	"context"
	"io"
	"time"

	"github.com/council/provider-portal/internal/export"
	"github.com/council/provider-portal/internal/provider"
)

// nfiColumns are the trade creditors standing data in the National Fraud Initiative's shape
// (creditor reference, name, address lines, postcode, telephone, VAT and company numbers,
// bank details, and the dates the creditor was set up and last amended). The column list
// follows the NFI data specification's standing data fields as published; the NFI does not
// publish a fixed file layout beyond them, so a heading row names each column.
var nfiColumns = []string{
	"Creditor reference", "Creditor name", "Address line 1", "Address line 2", "Address line 3", "Address line 4",
	"Postcode", "Telephone number", "VAT registration number", "Company registration number",
	"Bank sort code", "Bank account number", "Building society roll number",
	"Date creditor created", "Date creditor last amended",
}

// nfiDate is NFI's preferred date format.
const nfiDate = "02012006"

// NFIExport prepares the National Fraud Initiative trade creditors standing data: current
// creditors only (approved providers with verified details in force; suspended and dormant
// ones are left out, as the NFI asks), in ASCII, pipe-delimited, dates ddmmyyyy. It records
// that the export started; stream it with WriteTo.
func (s *Service) NFIExport(ctx context.Context) (*Export, error) {
	asOf := s.Today()
	e := &Export{
		Filename:    "nfi-trade-creditors-standing-" + asOf.Format("20060102") + ".txt",
		ContentType: "text/plain; charset=us-ascii",
		kind:        "nfi_trade_creditors_standing",
		filters:     map[string]any{"statuses": []string{string(provider.StatusApproved)}, "as_of": asOf.Format(time.DateOnly)},
	}
	e.write = func(ctx context.Context, out io.Writer) (int, error) {
		w, err := export.NewCSV(out, export.CSVOptions{Delimiter: '|'})
		if err != nil {
			return 0, err
		}
		cols := make([]export.Column, len(nfiColumns))
		for i, h := range nfiColumns {
			cols[i] = export.Column{Header: h}
		}
		if err := w.Header(cols); err != nil {
			return 0, err
		}
		cells := make([]export.Cell, len(nfiColumns))
		n, err := s.eachPayee(ctx, asOf, []provider.Status{provider.StatusApproved}, func(p *Payee) error {
			st := p.Standing
			values := []string{
				p.SupplierRef, st.LegalName, p.line(0), p.line(1), p.line(2), p.line(3),
				st.Postcode, st.KeyContactPhone, st.VATNumber, st.CompaniesHouseNumber,
				p.Account.SortCode, p.Account.AccountNumber, p.Account.RollNumber,
				p.FirstEffectiveFrom.Format(nfiDate), p.ApprovedAt.In(london).Format(nfiDate),
			}
			for i, v := range values {
				cells[i] = export.Text(export.ASCII(v))
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
