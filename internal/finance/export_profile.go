package finance

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/export"
	"github.com/jmoiron/sqlx"
)

// Field is a column the supplier payment file can carry.
type Field struct {
	Key    string
	Header string // the default heading
	Width  float64
	// Kind is what the column holds; a date column is written in the profile's date format
	// in a CSV file and as a real date in a spreadsheet.
	Kind export.Kind
	cell func(p *Payee) export.Cell
	// keepInSystem leaves the column out of the Bacs character set in a layout for a
	// system: an email address cannot be written in it.
	keepInSystem bool
	// systemWidth cuts the column to this many characters in a layout for a system (0: no
	// limit).
	systemWidth int
}

// textField is a field holding text (identifiers such as sort codes and account numbers
// included: they stay text, with their leading zeros).
func textField(key, header string, width float64, value func(p *Payee) string) Field {
	return Field{Key: key, Header: header, Width: width, cell: func(p *Payee) export.Cell { return export.Text(value(p)) }}
}

// PaymentFields are the supplier payment file's columns, in the default order. The address
// has fixed columns (a missing second line leaves its column empty, so the town is always
// in the town column), and the sort code and account number are the pair a payment system
// takes (ukid.PaymentAccount: 8 digits, converted by the bank's rule), with the account as
// the bank issued it beside them when the two differ.
var PaymentFields = []Field{
	textField("supplier_ref", "Supplier reference", 18, func(p *Payee) string { return p.SupplierRef }),
	textField("legal_name", "Legal name", 40, func(p *Payee) string { return p.Standing.LegalName }),
	textField("trading_name", "Trading name", 30, func(p *Payee) string { return p.Standing.TradingName }),
	textField("vat_number", "VAT number", 14, func(p *Payee) string { return p.Standing.VATNumber }),
	textField("companies_house_number", "Companies House number", 24, func(p *Payee) string { return p.Standing.CompaniesHouseNumber }),
	func() Field {
		f := textField("remittance_email", "Remittance email", 32, func(p *Payee) string { return p.Account.RemittanceEmail })
		f.keepInSystem = true
		return f
	}(),
	textField("address_line_1", "Address line 1", 30, func(p *Payee) string { return p.Standing.Postal.Line1 }),
	textField("address_line_2", "Address line 2", 30, func(p *Payee) string { return p.Standing.Postal.Line2 }),
	textField("town", "Town", 24, func(p *Payee) string { return p.Standing.Postal.Town }),
	textField("county", "County", 24, func(p *Payee) string { return p.Standing.Postal.County }),
	textField("postcode", "Postcode", 10, func(p *Payee) string { return p.postcode() }),
	textField("country", "Country", 10, func(p *Payee) string { return p.country() }),
	func() Field {
		f := textField("account_name", "Account name", 30, func(p *Payee) string { return p.Account.AccountName })
		f.systemWidth = export.BacsAccountNameLength
		return f
	}(),
	textField("sort_code", "Sort code", 10, func(p *Payee) string { return p.PaymentSortCode }),
	textField("account_number", "Account number", 16, func(p *Payee) string { return p.PaymentAccountNumber }),
	textField("account_as_issued", "Account as issued by the bank", 28, func(p *Payee) string { return p.accountAsIssued() }),
	textField("roll_number", "Building society roll number", 20, func(p *Payee) string { return p.Account.RollNumber }),
	textField("currency", "Currency", 10, func(*Payee) string { return "GBP" }),
	textField("payment_method", "Payment method", 16, func(*Payee) string { return "BACS" }),
	textField("supplier_status", "Supplier status", 16, func(p *Payee) string { return p.SupplierStatus }),
	textField("status", "Status", 12, func(p *Payee) string { return p.Status.Label() }),
	{Key: "effective_from", Header: "Effective date", Width: 18, Kind: export.KindDate,
		cell: func(p *Payee) export.Cell { return export.OptionalDate(p.effectiveFrom()) }},
	{Key: "hold_until", Header: "Hold payments until", Width: 20, Kind: export.KindDate,
		cell: func(p *Payee) export.Cell { return export.OptionalDate(p.HoldUntil) }},
}

// systemCell is a cell as a layout for a system writes it: text in the Bacs character set
// (export.Bacs), cut to the column's width; dates and the remittance email as they are.
func (f Field) systemCell(p *Payee) export.Cell {
	c := f.cell(p)
	if f.Kind != export.KindText || f.keepInSystem {
		return c
	}
	v := export.Bacs(c.TextValue())
	if f.systemWidth > 0 {
		v = export.Truncate(v, f.systemWidth)
	}
	return export.Text(v)
}

// FieldByKey returns a payment file column, or false.
func FieldByKey(key string) (Field, bool) {
	i := slices.IndexFunc(PaymentFields, func(f Field) bool { return f.Key == key })
	if i < 0 {
		return Field{}, false
	}
	return PaymentFields[i], true
}

// DateFormat is a date layout a profile may use: its name as finance systems write it, and
// the Go layout.
type DateFormat struct{ Name, Layout string }

// DateFormats are the date layouts a profile may use.
var DateFormats = []DateFormat{
	{"dd/mm/yyyy", "02/01/2006"},
	{"ddmmyyyy", "02012006"},
	{"dd-mm-yyyy", "02-01-2006"},
	{"yyyy-mm-dd", "2006-01-02"},
}

// Delimiter is a field separator a profile may use.
type Delimiter struct {
	Name, Label string
	Rune        rune
}

// Delimiters are the field separators a profile may use.
var Delimiters = []Delimiter{
	{",", "Comma (,)", ','},
	{"|", "Pipe (|)", '|'},
	{";", "Semicolon (;)", ';'},
	{"tab", "Tab", '\t'},
}

// ProfileColumn is one column of a profile: which field, under what heading.
type ProfileColumn struct {
	Field  string `json:"field"`
	Header string `json:"header"`
}

// Profile is a saved layout for the CSV supplier payment file: the columns and their
// headings in order, the delimiter and the date format, so the file loads into the council's
// finance system as it is.
type Profile struct {
	ID            string          `db:"id"`
	Name          string          `db:"name"`
	Columns       []ProfileColumn `db:"-"`
	ColumnsJSON   []byte          `db:"columns"`
	Delimiter     string          `db:"delimiter"`
	DateFormat    string          `db:"date_format"`
	HeaderRow     bool            `db:"header_row"`
	ByteOrderMark bool            `db:"byte_order_mark"`
	// ForSystem marks a layout whose files a system loads rather than a person opens: text
	// is written as stored, without the apostrophe that keeps a spreadsheet from reading
	// "-Arts Ltd" as a formula, in the Bacs character set (export.Bacs), with the account
	// name cut to Bacs's 18 characters. Without it the file is for a spreadsheet, and every
	// text cell starting with =, +, -, @, tab, CR or LF is neutralised.
	ForSystem bool      `db:"for_system"`
	Version   int       `db:"version"`
	UpdatedAt time.Time `db:"updated_at"`
}

// DefaultProfile is the layout used when no profile is chosen: every field with its default
// heading, commas, ISO dates (as every other CSV file the portal writes), a heading row and
// a byte order mark for Excel.
func DefaultProfile() *Profile {
	p := &Profile{Name: "Standard layout", Delimiter: ",", DateFormat: "yyyy-mm-dd", HeaderRow: true, ByteOrderMark: true}
	for _, f := range PaymentFields {
		p.Columns = append(p.Columns, ProfileColumn{Field: f.Key, Header: f.Header})
	}
	return p
}

// DelimiterRune is the profile's separator.
func (p *Profile) DelimiterRune() rune {
	for _, d := range Delimiters {
		if d.Name == p.Delimiter {
			return d.Rune
		}
	}
	return ','
}

// DateLayout is the profile's date format as a Go layout.
func (p *Profile) DateLayout() string {
	for _, d := range DateFormats {
		if d.Name == p.DateFormat {
			return d.Layout
		}
	}
	return "02/01/2006"
}

// Column returns the profile's column for a field, if it has one.
func (p *Profile) Column(field string) (ProfileColumn, int, bool) {
	for i, c := range p.Columns {
		if c.Field == field {
			return c, i, true
		}
	}
	return ProfileColumn{}, 0, false
}

// Validate checks the profile and returns one message per form field.
func (p *Profile) Validate() map[string]string {
	errs := map[string]string{}
	p.Name = strings.TrimSpace(p.Name)
	switch {
	case p.Name == "":
		errs["name"] = "Enter a name for the layout"
	case utf8.RuneCountInString(p.Name) > 100:
		errs["name"] = "The name must be 100 characters or fewer"
	case strings.IndexFunc(p.Name, unicode.IsControl) >= 0:
		errs["name"] = "The name must be on one line"
	}
	if !slices.ContainsFunc(Delimiters, func(d Delimiter) bool { return d.Name == p.Delimiter }) {
		errs["delimiter"] = "Select the character that separates the fields"
	}
	if !slices.ContainsFunc(DateFormats, func(d DateFormat) bool { return d.Name == p.DateFormat }) {
		errs["date_format"] = "Select the date format"
	}
	if len(p.Columns) == 0 {
		errs["columns"] = "Select at least one column"
	}
	seen := map[string]bool{}
	for i := range p.Columns {
		c := &p.Columns[i]
		f, ok := FieldByKey(c.Field)
		if !ok || seen[c.Field] {
			errs["columns"] = "Select the columns from the list"
			continue
		}
		seen[c.Field] = true
		c.Header = strings.TrimSpace(c.Header)
		switch {
		case c.Header == "":
			errs["header-"+c.Field] = fmt.Sprintf("Enter the heading for %s", strings.ToLower(f.Header))
		case utf8.RuneCountInString(c.Header) > 100:
			errs["header-"+c.Field] = fmt.Sprintf("The heading for %s must be 100 characters or fewer", strings.ToLower(f.Header))
		case strings.IndexFunc(c.Header, unicode.IsControl) >= 0:
			errs["header-"+c.Field] = fmt.Sprintf("The heading for %s must be on one line", strings.ToLower(f.Header))
		}
	}
	return errs
}

// Profiles lists the saved layouts by name.
func Profiles(ctx context.Context, q sqlx.QueryerContext) ([]Profile, error) {
	var out []Profile
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, name, columns, delimiter, date_format, header_row, byte_order_mark, for_system, version, updated_at
		FROM export_profiles ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("export profiles: %w", err)
	}
	for i := range out {
		if err := json.Unmarshal(out[i].ColumnsJSON, &out[i].Columns); err != nil {
			return nil, fmt.Errorf("export profile %s: %w", out[i].ID, err)
		}
	}
	return out, nil
}

// ProfileByID returns a saved layout, or NotFound.
func ProfileByID(ctx context.Context, q sqlx.QueryerContext, id string) (*Profile, error) {
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "Export layout not found")
	}
	var p Profile
	err := sqlx.GetContext(ctx, q, &p, `SELECT id, name, columns, delimiter, date_format, header_row, byte_order_mark, for_system, version, updated_at
		FROM export_profiles WHERE id = $1`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Export layout not found")
	}
	if err != nil {
		return nil, fmt.Errorf("export profile: %w", err)
	}
	if err := json.Unmarshal(p.ColumnsJSON, &p.Columns); err != nil {
		return nil, fmt.Errorf("export profile %s: %w", p.ID, err)
	}
	return &p, nil
}

// SaveProfile creates a layout (p.ID empty) or updates one at the version its editor read.
// It returns the layout's id.
func (s *Service) SaveProfile(ctx context.Context, p *Profile) (string, error) {
	if fields := p.Validate(); len(fields) > 0 {
		return "", apperr.InvalidFields(fields)
	}
	cols, err := json.Marshal(p.Columns)
	if err != nil {
		return "", err
	}
	id := p.ID
	err = db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		by := audit.ActorFrom(ctx).UserID
		action := "finance.export_profile.updated"
		if id == "" {
			action = "finance.export_profile.created"
			err = tx.GetContext(ctx, &id, `INSERT INTO export_profiles (name, columns, delimiter, date_format, header_row, byte_order_mark, updated_by, for_system)
				VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, '')::uuid, $8) RETURNING id`,
				p.Name, cols, p.Delimiter, p.DateFormat, p.HeaderRow, p.ByteOrderMark, by, p.ForSystem)
		} else {
			if !db.IsUUID(id) {
				return apperr.New(apperr.NotFound, "Export layout not found")
			}
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE export_profiles SET name = $2, columns = $3, delimiter = $4, date_format = $5,
				header_row = $6, byte_order_mark = $7, updated_by = NULLIF($8, '')::uuid, updated_at = now(), version = version + 1,
				for_system = $10
				WHERE id = $1 AND version = $9`, id, p.Name, cols, p.Delimiter, p.DateFormat, p.HeaderRow, p.ByteOrderMark, by, p.Version, p.ForSystem)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return apperr.New(apperr.Conflict, "Someone else changed or deleted this layout since you opened it. Look at it again")
				}
			}
		}
		if db.IsCode(err, db.CodeUniqueViolation) {
			return apperr.InvalidFields(map[string]string{"name": "There is already a layout with this name"})
		}
		if err != nil {
			return fmt.Errorf("save export profile: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, ObjectType: "export_profile", ObjectID: id,
			Summary: map[string]any{"name": p.Name, "columns": p.Columns, "delimiter": p.Delimiter, "date_format": p.DateFormat,
				"header_row": p.HeaderRow, "byte_order_mark": p.ByteOrderMark, "for_system": p.ForSystem}})
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// DeleteProfile removes a layout at the version its editor read.
func (s *Service) DeleteProfile(ctx context.Context, id string, version int) error {
	if !db.IsUUID(id) {
		return apperr.New(apperr.NotFound, "Export layout not found")
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var name string
		err := tx.GetContext(ctx, &name, `DELETE FROM export_profiles WHERE id = $1 AND version = $2 RETURNING name`, id, version)
		if db.IsNoRows(err) {
			return apperr.New(apperr.Conflict, "Someone else changed or deleted this layout since you opened it")
		}
		if err != nil {
			return fmt.Errorf("delete export profile: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "finance.export_profile.deleted", ObjectType: "export_profile", ObjectID: id,
			Summary: map[string]any{"name": name}})
	})
}
