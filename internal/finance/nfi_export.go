package finance

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/export"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/settings"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// NFIField is one field of the National Fraud Initiative's trade creditors standing data.
type NFIField struct {
	Name string
	// Mandatory fields are those the NFI cannot match a creditor without; an approved
	// supplier's record always has them.
	Mandatory bool
	// Date fields are written ddmmyyyy and not quoted; every other field is text, quoted.
	Date bool
}

// NFIStandingFields are the standing data's fields in file order: creditor reference and
// site ID first (the keys the NFI joins to the payment history the finance system submits,
// whose first two fields they are), then the creditor's name, address, telephone, bank
// details, VAT and company registration numbers, and the dates the creditor record was
// created and last amended. The NFI's instructions ask that the layout follow its data
// specification, with a blank field still given its delimiter; a heading row names each
// field so the upload can be checked against it.
var NFIStandingFields = []NFIField{
	{Name: "Creditor reference", Mandatory: true},
	{Name: "Site ID"},
	{Name: "Creditor name", Mandatory: true},
	{Name: "Address line 1", Mandatory: true},
	{Name: "Address line 2"},
	{Name: "Address line 3"},
	{Name: "Address line 4"},
	{Name: "Address line 5"},
	{Name: "Postcode"},
	{Name: "Telephone number"},
	{Name: "Bank sort code"},
	{Name: "Bank account number"},
	{Name: "Building society roll number"},
	{Name: "VAT registration number"},
	{Name: "Company registration number"},
	{Name: "Date creditor created", Mandatory: true, Date: true},
	{Name: "Date creditor last amended", Mandatory: true, Date: true},
}

// nfiDate is the NFI's preferred date format.
const nfiDate = "02012006"

// The dormancy setting: a creditor with no contract active, and no bank details approved or
// asked for, in this many months is dormant, and the NFI asks for dormant creditors to be
// left out. 18 months by default: longer than a year, so a supplier used once a year (an
// annual placement, a yearly contract) is not dropped between uses, and shorter than the
// two years between NFI exercises, so a creditor unused since the last one is not sent again.
const (
	SettingDormantMonths = "finance.nfi_dormant_months"
	DefaultDormantMonths = 18
	MinDormantMonths     = 3
	MaxDormantMonths     = 60
)

// dormantMonths reads the dormancy setting, or its default.
func dormantMonths(ctx context.Context, q sqlx.QueryerContext) (int, error) {
	stored, err := settings.Values(ctx, q, []string{SettingDormantMonths})
	if err != nil {
		return 0, fmt.Errorf("finance settings: %w", err)
	}
	if n, err := strconv.Atoi(stored[SettingDormantMonths]); err == nil && n >= MinDormantMonths && n <= MaxDormantMonths {
		return n, nil
	}
	return DefaultDormantMonths, nil
}

// saveDormantMonths stores the dormancy setting in the caller's audited transaction.
func saveDormantMonths(ctx context.Context, tx *sqlx.Tx, months int) error {
	if err := settings.Lock(ctx, tx); err != nil {
		return err
	}
	return settings.Save(ctx, tx, map[string]string{SettingDormantMonths: strconv.Itoa(months)}, audit.ActorFrom(ctx).UserID)
}

// ActivityFunc lists the organisations among the portal's suppliers with a contract active
// at some time from since to today. Contracts are contract's; the wiring sets
// Service.ContractActivity to contract.OrganisationsActiveSince, since finance may not
// import contract.
type ActivityFunc func(ctx context.Context, q sqlx.QueryerContext, since, today time.Time) ([]string, error)

// NFIFile is an NFI export that was written in full: what the disclosure log records. The
// file's SHA-256 is in the audit event recorded in the same transaction.
type NFIFile struct {
	On       time.Time
	Rows     int
	Filename string
}

// NFIDisclosedFunc records an NFI file in the disclosure log, in the transaction that
// audits the export's completion. The log is privacy's; the wiring sets
// Service.NFIDisclosed to a privacy function, since finance may not import privacy.
type NFIDisclosedFunc func(ctx context.Context, tx *sqlx.Tx, f NFIFile) error

// NFIFormats are the files the NFI accepts: pipe-delimited (its advice when names hold
// commas or quotes, as suppliers' often do) or comma-separated.
var NFIFormats = []struct{ Value, Label string }{
	{"pipe", "Separated by pipes (|): recommended, as the NFI advises when names may hold commas"},
	{"csv", "Separated by commas (CSV)"},
}

// NFISummary is what the export page says before the download: how many current creditors
// there are, how many the file will hold, and why the others are left out.
type NFISummary struct {
	AsOf          time.Time
	DormantMonths int
	// Current are approved suppliers with verified bank details in force today.
	Current int
	// Dormant are current ones with no contract or bank-detail activity in DormantMonths.
	Dormant int
	// WithoutNumber are active ones finance has given no creditor number yet; Unnumbered
	// lists the first of them.
	WithoutNumber int
	Unnumbered    []UnnumberedCreditor
	// Included is how many rows the file holds.
	Included int
}

// UnnumberedCreditor is a current, active supplier the NFI file leaves out until finance
// records its creditor number.
type UnnumberedCreditor struct {
	OrganisationID string `db:"organisation_id"`
	SupplierRef    string `db:"supplier_ref"`
	Name           string `db:"name"`
}

// nfiScope is the creditors the standing data is about, as SQL over payment details in
// force (pd), their organisation (o) and its creditor number (fc, left joined), with the
// column "active". $1 is today, $2 the start of the activity window, $3 the organisations
// with a contract active in it (joined as a set, so a long list costs a hash, not a scan per
// creditor).
const nfiScope = `
	FROM payment_details pd JOIN organisations o ON o.id = pd.organisation_id
	LEFT JOIN finance_creditors fc ON fc.organisation_id = o.id
	LEFT JOIN (SELECT DISTINCT unnest($3::uuid[]) AS id) ac ON ac.id = o.id,
	LATERAL (SELECT ac.id IS NOT NULL
		OR EXISTS (SELECT 1 FROM payment_details p2 WHERE p2.organisation_id = o.id AND p2.approved_at >= $2::date)
		OR EXISTS (SELECT 1 FROM bank_detail_changes c WHERE c.organisation_id = o.id AND c.requested_at >= $2::date) AS active) act
	WHERE pd.effective_from <= $1::date AND (pd.superseded_on IS NULL OR pd.superseded_on > $1::date) AND o.status = 'approved'`

// nfiWindow returns today, the dormancy setting, the start of the activity window and the
// organisations with a contract active in it.
func (s *Service) nfiWindow(ctx context.Context) (time.Time, int, time.Time, []string, error) {
	if s.ContractActivity == nil {
		return time.Time{}, 0, time.Time{}, nil, fmt.Errorf("nfi: no contract activity function wired")
	}
	today := s.Today()
	months, err := dormantMonths(ctx, s.DB)
	if err != nil {
		return today, 0, time.Time{}, nil, err
	}
	since := today.AddDate(0, -months, 0)
	active, err := s.ContractActivity(ctx, s.DB, since, today)
	if err != nil {
		return today, months, since, nil, fmt.Errorf("nfi: contract activity: %w", err)
	}
	if active == nil {
		active = []string{} // an empty array, not NULL
	}
	return today, months, since, active, nil
}

// NFISummary counts the current creditors and those the file leaves out, and lists the
// first 100 active ones without a creditor number.
func (s *Service) NFISummary(ctx context.Context) (*NFISummary, error) {
	today, months, since, active, err := s.nfiWindow(ctx)
	if err != nil {
		return nil, err
	}
	args := []any{today.Format(time.DateOnly), since.Format(time.DateOnly), pq.StringArray(active)}
	sum := NFISummary{AsOf: today, DormantMonths: months}
	var counts struct {
		Current       int `db:"current"`
		Dormant       int `db:"dormant"`
		WithoutNumber int `db:"without_number"`
	}
	err = sqlx.GetContext(ctx, s.DB, &counts, `SELECT count(*) AS current, count(*) FILTER (WHERE NOT act.active) AS dormant,
		count(*) FILTER (WHERE act.active AND fc.organisation_id IS NULL) AS without_number`+nfiScope, args...)
	if err != nil {
		return nil, fmt.Errorf("nfi summary: %w", err)
	}
	sum.Current, sum.Dormant, sum.WithoutNumber = counts.Current, counts.Dormant, counts.WithoutNumber
	sum.Included = sum.Current - sum.Dormant - sum.WithoutNumber
	if err := sqlx.SelectContext(ctx, s.DB, &sum.Unnumbered, `SELECT o.id AS organisation_id, o.supplier_ref,
		coalesce(nullif(o.legal_name, ''), o.name) AS name`+nfiScope+` AND act.active AND fc.organisation_id IS NULL
		ORDER BY length(o.supplier_ref), o.supplier_ref LIMIT 100`, args...); err != nil {
		return nil, fmt.Errorf("nfi summary: %w", err)
	}
	return &sum, nil
}

// nfiRow is a creditor as the standing data query reads it.
type nfiRow struct {
	accountRow
	CreditorNumber string    `db:"creditor_number"`
	SiteID         string    `db:"site_id"`
	CreatedAt      time.Time `db:"created_at"`
	AmendedAt      time.Time `db:"amended_at"`
}

// NFIExport prepares the National Fraud Initiative trade creditors standing data, the half
// of the NFI's creditor data the portal holds (the payment history comes from the finance
// system). It holds current creditors only: approved suppliers with verified bank details
// in force today, not dormant (no contract active and no bank details approved or asked for
// in the dormancy period), under the finance system's creditor number; suppliers without
// one are left out and listed on the export page (NFISummary), since a row under any other
// reference could not be joined to the finance system's payment history. The file is ASCII,
// pipe- or comma-delimited, every text field quoted and written as it is (it goes to the
// NFI's upload, never a spreadsheet), dates ddmmyyyy. Preparing it audits the start;
// writing it in full audits the completion and records the disclosure to the NFI.
func (s *Service) NFIExport(ctx context.Context, format string) (*Export, error) {
	delim, ext := '|', "txt"
	switch format {
	case "pipe", "":
		format = "pipe"
	case "csv":
		delim, ext = ',', "csv"
	default:
		return nil, apperr.InvalidFields(map[string]string{"nfi_format": "Select how the fields are separated"})
	}
	if s.NFIDisclosed == nil {
		return nil, fmt.Errorf("nfi: no disclosure log wired")
	}
	today, months, since, active, err := s.nfiWindow(ctx)
	if err != nil {
		return nil, err
	}
	e := &Export{
		Filename:    "nfi-trade-creditors-standing-" + today.Format("20060102") + "." + ext,
		ContentType: "text/plain; charset=us-ascii",
		kind:        "nfi_trade_creditors_standing",
		filters: map[string]any{"statuses": []string{string(provider.StatusApproved)}, "as_of": today.Format(time.DateOnly),
			"dormant_months": months, "active_since": since.Format(time.DateOnly), "format": format},
	}
	if format == "csv" {
		e.ContentType = "text/csv; charset=us-ascii"
	}
	e.finish = func(ctx context.Context, tx *sqlx.Tx, rows int) error {
		return s.NFIDisclosed(ctx, tx, NFIFile{On: today, Rows: rows, Filename: e.Filename})
	}
	e.write = func(ctx context.Context, out io.Writer) (int, error) {
		w, err := export.NewCSV(out, export.CSVOptions{Delimiter: delim, DateLayout: nfiDate, QuoteText: true, Verbatim: true})
		if err != nil {
			return 0, err
		}
		cols := make([]export.Column, len(NFIStandingFields))
		for i, f := range NFIStandingFields {
			cols[i] = export.Column{Header: f.Name}
			if f.Date {
				cols[i].Kind = export.KindDate
			}
		}
		if err := w.Header(cols); err != nil {
			return 0, err
		}
		n, err := s.eachNFICreditor(ctx, []any{today.Format(time.DateOnly), since.Format(time.DateOnly), pq.StringArray(active)},
			func(r *nfiRow, st *provider.SupplierStanding, account ClearAccount) error {
				line := func(i int) string {
					if i < len(st.Address) {
						return st.Address[i]
					}
					return ""
				}
				// The NFI matches bank details across bodies' files, so they are the pair a
				// payment system pays; an account no bank could have issued is given as held.
				sortCode, accountNumber, ok := account.Payable()
				if !ok {
					sortCode, accountNumber = account.SortCode, account.AccountNumber
				}
				texts := []string{r.CreditorNumber, r.SiteID, st.LegalName, line(0), line(1), line(2), line(3), line(4),
					st.Postcode, st.KeyContactPhone, sortCode, accountNumber, account.RollNumber,
					st.VATNumber, st.CompaniesHouseNumber}
				cells := make([]export.Cell, 0, len(NFIStandingFields))
				for _, v := range texts {
					cells = append(cells, export.Text(export.ASCII(v)))
				}
				cells = append(cells, export.Date(r.CreatedAt.In(london)), export.Date(r.AmendedAt.In(london)))
				return w.Row(cells)
			})
		if err != nil {
			return n, err
		}
		return n, w.Close()
	}
	return s.start(ctx, e)
}

// eachNFICreditor calls fn for every creditor the standing data holds, in creditor number
// order, with its standing data and account opened, a batch at a time from a cursor so
// memory stays flat. args are nfiScope's.
func (s *Service) eachNFICreditor(ctx context.Context, args []any, fn func(*nfiRow, *provider.SupplierStanding, ClearAccount) error) (int, error) {
	rows, err := s.DB.QueryxContext(ctx, `
		SELECT pd.id, pd.organisation_id, o.supplier_ref, fc.creditor_number, fc.site_id, pd.account_name, pd.sort_code_sealed,
		       pd.account_number_sealed, pd.roll_number_sealed, pd.sort_code_last2, pd.account_last4, pd.remittance_email,
		       o.created_at,
		       greatest(o.created_at, o.creditor_details_changed_at, fc.updated_at,
		                (SELECT max(p2.approved_at) FROM payment_details p2 WHERE p2.organisation_id = o.id)) AS amended_at`+
		nfiScope+` AND act.active AND fc.organisation_id IS NOT NULL
		ORDER BY fc.creditor_number, pd.id`, args...)
	if err != nil {
		return 0, fmt.Errorf("nfi creditors: %w", err)
	}
	defer rows.Close()
	return eachWithStanding(ctx, s, rows, "nfi creditor", func(r *nfiRow) *accountRow { return &r.accountRow }, fn)
}
