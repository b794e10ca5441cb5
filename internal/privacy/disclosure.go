package privacy

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/export"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// RegisterOption is one answer of a register's radio buttons: the stored value and its label.
type RegisterOption struct {
	Value, Label string
}

// isRegisterID reports whether id is a well-formed register entry id, so a malformed one in a
// URL is "not found" rather than a database error.
func isRegisterID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil && len(id) == 36
}

// RecipientKinds are the bodies the council shares personal data with.
var RecipientKinds = []RegisterOption{
	{Value: "ofsted", Label: "Ofsted"}, {Value: "cqc", Label: "Care Quality Commission"}, {Value: "police", Label: "Police"},
	{Value: "local_authority", Label: "Another local authority"}, {Value: "dbs", Label: "Disclosure and Barring Service"},
	{Value: "court", Label: "A court or tribunal"}, {Value: "nfi", Label: "National Fraud Initiative (Cabinet Office)"},
	{Value: "other", Label: "Another body"},
}

// LawfulBases are the grounds a disclosure may be made on.
var LawfulBases = []RegisterOption{
	{Value: "legal_obligation", Label: "Legal obligation (UK GDPR art. 6(1)(c))"},
	{Value: "public_task", Label: "Public task (UK GDPR art. 6(1)(e))"},
	{Value: "vital_interests", Label: "Vital interests (UK GDPR art. 6(1)(d))"},
	{Value: "crime", Label: "Prevention or detection of crime (DPA 2018 sch. 2 para. 2)"},
	{Value: "legal_proceedings", Label: "Legal proceedings or advice (DPA 2018 sch. 2 para. 5)"},
	{Value: "safeguarding", Label: "Safeguarding of children (DPA 2018 sch. 1 para. 18)"},
	{Value: "consent", Label: "Consent (UK GDPR art. 6(1)(a))"},
}

// basesNeedingLaw are the bases that rest on a particular law, which the log must name.
var basesNeedingLaw = map[string]bool{"legal_obligation": true, "public_task": true}

func registerOptionLabel(opts []RegisterOption, v string) string {
	for _, o := range opts {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

func registerOptionValid(opts []RegisterOption, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// Disclosure is one entry of the disclosure log: personal data shared with another body.
type Disclosure struct {
	ID                string    `db:"id"`
	DisclosedOn       time.Time `db:"disclosed_on"`
	RecipientKind     string    `db:"recipient_kind"`
	RecipientName     string    `db:"recipient_name"`
	What              string    `db:"what"`
	OrganisationID    *string   `db:"organisation_id"`
	SupplierRef       *string   `db:"-"` // read through provider
	OrganisationName  *string   `db:"-"`
	LawfulBasis       string    `db:"lawful_basis"`
	LawfulBasisDetail string    `db:"lawful_basis_detail"`
	Method            string    `db:"method"`
	TheirReference    string    `db:"their_reference"`
	RecordedByName    string    `db:"recorded_by_name"`
	RecordedAt        time.Time `db:"recorded_at"`
}

// RecipientKindLabel is the kind of body in words.
func (d Disclosure) RecipientKindLabel() string {
	return registerOptionLabel(RecipientKinds, d.RecipientKind)
}

// LawfulBasisLabel is the lawful basis in words.
func (d Disclosure) LawfulBasisLabel() string { return registerOptionLabel(LawfulBases, d.LawfulBasis) }

const disclosureColumns = `d.id, d.disclosed_on, d.recipient_kind, d.recipient_name, d.what, d.organisation_id::text AS organisation_id,
	d.lawful_basis, d.lawful_basis_detail,
	d.method, d.their_reference, d.recorded_by_name, d.recorded_at`

const disclosureFrom = ` FROM disclosures d`

// DisclosureInput is the form recording a disclosure.
type DisclosureInput struct {
	DisclosedOn       form.DateInput `form:"disclosed_on" label:"the date of the disclosure"`
	RecipientKind     string         `form:"recipient_kind"`
	RecipientName     string         `form:"recipient_name" label:"the body's name"`
	What              string         `form:"what" label:"what was shared" multiline:"true"`
	SupplierRef       string         `form:"supplier_ref" label:"the supplier reference"`
	LawfulBasis       string         `form:"lawful_basis"`
	LawfulBasisDetail string         `form:"lawful_basis_detail" label:"the law or reason" multiline:"true"`
	Method            string         `form:"method" label:"how it was shared"`
	TheirReference    string         `form:"their_reference" label:"their reference"`
}

// DisclosureFields are the form's fields in page order, for the error summary.
var DisclosureFields = []string{"disclosed_on", "recipient_kind", "recipient_name", "what", "supplier_ref", "lawful_basis",
	"lawful_basis_detail", "method", "their_reference"}

// Validate checks the input against today's date (UK), with a message per field; it returns
// the date of the disclosure when that is valid.
func (in *DisclosureInput) Validate(today time.Time) (time.Time, map[string]string) {
	errs := map[string]string{}
	on, msg := in.DisclosedOn.Time("the date of the disclosure")
	switch {
	case msg != "":
		errs["disclosed_on"] = msg
	case on.After(today):
		errs["disclosed_on"] = "The date of the disclosure must be today or in the past"
	}
	if !registerOptionValid(RecipientKinds, in.RecipientKind) {
		errs["recipient_kind"] = "Select the kind of body the data was shared with"
	}
	lengths := []struct {
		field, value, empty string
		max                 int
	}{
		{"recipient_name", in.RecipientName, "Enter the name of the body, such as the police force and team", 300},
		{"what", in.What, "Enter what personal data was shared, and about whom", 4000},
		{"lawful_basis_detail", in.LawfulBasisDetail, "", 1000},
		{"method", in.Method, "", 200},
		{"their_reference", in.TheirReference, "", 200},
		{"supplier_ref", in.SupplierRef, "", 50},
	}
	for _, l := range lengths {
		switch {
		case l.value == "" && l.empty != "":
			errs[l.field] = l.empty
		case len(l.value) > l.max:
			errs[l.field] = fmt.Sprintf("This must be %d characters or fewer", l.max)
		}
	}
	if !registerOptionValid(LawfulBases, in.LawfulBasis) {
		errs["lawful_basis"] = "Select the lawful basis for the disclosure"
	} else if basesNeedingLaw[in.LawfulBasis] && in.LawfulBasisDetail == "" {
		errs["lawful_basis_detail"] = "Enter the law that requires or allows the disclosure, such as Children Act 1989 section 47"
	}
	return on, errs
}

// registersZone is the council's time zone: the registers' dates and times are UK ones.
var registersZone = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

// RegistersToday is today's date in the UK, at midnight UTC, as dates are compared.
func RegistersToday(now time.Time) time.Time {
	l := now.In(registersZone)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

func staffIDOf(a audit.Actor) any {
	if a.UserID == "" {
		return nil
	}
	return a.UserID
}

// supplierByRef finds a provider by supplier reference for a register entry; "" is none.
func supplierByRef(ctx context.Context, q sqlx.QueryerContext, ref, field string) (*string, error) {
	if ref == "" {
		return nil, nil
	}
	ids, err := provider.OrganisationIDsBySupplierRef(ctx, q, ref)
	if err != nil {
		return nil, fmt.Errorf("find provider: %w", err)
	}
	if len(ids) == 0 {
		return nil, apperr.InvalidFields(map[string]string{field: "No provider has that supplier reference"})
	}
	return &ids[0], nil
}

// RecordDisclosure adds an entry to the disclosure log, recorded by the actor. Audited.
func RecordDisclosure(ctx context.Context, d *sqlx.DB, in DisclosureInput, now time.Time) (*Disclosure, error) {
	on, errs := in.Validate(RegistersToday(now))
	if len(errs) > 0 {
		return nil, apperr.InvalidFields(errs)
	}
	var id string
	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		org, err := supplierByRef(ctx, tx, in.SupplierRef, "supplier_ref")
		if err != nil {
			return err
		}
		a := audit.ActorFrom(ctx)
		err = tx.GetContext(ctx, &id, `INSERT INTO disclosures (disclosed_on, recipient_kind, recipient_name, what, organisation_id,
				lawful_basis, lawful_basis_detail, method, their_reference, recorded_by, recorded_by_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			on, in.RecipientKind, in.RecipientName, in.What, org, in.LawfulBasis, in.LawfulBasisDetail, in.Method, in.TheirReference,
			staffIDOf(a), auth.ActorName(ctx, tx, a))
		if err != nil {
			return fmt.Errorf("record disclosure: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "privacy.disclosure.recorded", ObjectType: "disclosure", ObjectID: id,
			Summary: map[string]any{"recipient_kind": in.RecipientKind, "recipient_name": in.RecipientName,
				"lawful_basis": in.LawfulBasis, "disclosed_on": on.Format(time.DateOnly), "organisation_id": org}})
	})
	if err != nil {
		return nil, err
	}
	return DisclosureByID(ctx, d, id)
}

// DisclosureByID returns one entry of the log, or NotFound.
func DisclosureByID(ctx context.Context, q sqlx.QueryerContext, id string) (*Disclosure, error) {
	if !isRegisterID(id) {
		return nil, apperr.New(apperr.NotFound, "Disclosure not found")
	}
	var out Disclosure
	err := sqlx.GetContext(ctx, q, &out, `SELECT `+disclosureColumns+disclosureFrom+` WHERE d.id = $1`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Disclosure not found")
	}
	if err != nil {
		return nil, fmt.Errorf("disclosure: %w", err)
	}
	if err := labelDisclosures(ctx, q, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DisclosureFilter narrows the log. Empty fields do not filter.
type DisclosureFilter struct {
	RecipientKind string
	LawfulBasis   string
	// Text matches the body's name or what was shared.
	Text string
	// SupplierRef limits the log to one provider's disclosures.
	SupplierRef string
	From, To    time.Time // dates, both included
}

// Validate checks the filter, with a message per field.
func (f DisclosureFilter) Validate() map[string]string {
	errs := map[string]string{}
	if f.RecipientKind != "" && !registerOptionValid(RecipientKinds, f.RecipientKind) {
		errs["recipient_kind"] = "Select a kind of body from the list"
	}
	if f.LawfulBasis != "" && !registerOptionValid(LawfulBases, f.LawfulBasis) {
		errs["lawful_basis"] = "Select a lawful basis from the list"
	}
	if len(f.Text) > 200 {
		errs["q"] = "Search for 200 characters or fewer"
	}
	if len(f.SupplierRef) > 50 {
		errs["supplier_ref"] = "The supplier reference must be 50 characters or fewer"
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		errs["to"] = "The end date must be the same as or after the start date"
	}
	return errs
}

// where is the filter as SQL conditions on the log (d) and their arguments. The supplier
// reference is looked up through provider first.
func (f DisclosureFilter) where(ctx context.Context, q sqlx.QueryerContext) (string, []any, error) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if f.RecipientKind != "" {
		add(`d.recipient_kind = $?`, f.RecipientKind)
	}
	if f.LawfulBasis != "" {
		add(`d.lawful_basis = $?`, f.LawfulBasis)
	}
	if f.Text != "" {
		add(`(strpos(lower(d.recipient_name), lower($?)) > 0 OR strpos(lower(d.what), lower($?)) > 0)`, f.Text)
	}
	if f.SupplierRef != "" {
		orgs, err := provider.OrganisationIDsBySupplierRef(ctx, q, f.SupplierRef)
		if err != nil {
			return "", nil, err
		}
		add(`d.organisation_id = ANY ($?::uuid[])`, pq.StringArray(orgs))
	}
	if !f.From.IsZero() {
		add(`d.disclosed_on >= $?`, f.From)
	}
	if !f.To.IsZero() {
		add(`d.disclosed_on <= $?`, f.To)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// Disclosures lists the log, newest disclosure first, a page at a time, with the total.
func Disclosures(ctx context.Context, q sqlx.QueryerContext, f DisclosureFilter, limit, offset int) ([]Disclosure, int, error) {
	where, args, err := f.where(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	n := len(args)
	args = append(args, limit, offset)
	var rows []struct {
		Disclosure
		Total int `db:"total"`
	}
	err = sqlx.SelectContext(ctx, q, &rows, `SELECT `+disclosureColumns+`, count(*) OVER () AS total`+disclosureFrom+where+
		` ORDER BY d.disclosed_on DESC, d.recorded_at DESC, d.id LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("disclosures: %w", err)
	}
	out := make([]Disclosure, len(rows))
	ptrs := make([]*Disclosure, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.Disclosure, r.Total
		ptrs[i] = &out[i]
	}
	if err := labelDisclosures(ctx, q, ptrs...); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

var disclosureCSVColumns = []export.Column{
	{Header: "Date", Kind: export.KindDate}, {Header: "Kind of body"}, {Header: "Body"}, {Header: "What was shared"}, {Header: "Supplier reference"},
	{Header: "Provider"}, {Header: "Lawful basis"}, {Header: "Law or reason"}, {Header: "How shared"}, {Header: "Their reference"},
	{Header: "Recorded by"}, {Header: "Recorded at (UTC)", Kind: export.KindInstant},
}

// WriteDisclosuresCSV streams the filtered log as CSV (formula-neutralised), newest first,
// and returns the number of rows. The caller audits the export.
func WriteDisclosuresCSV(ctx context.Context, q sqlx.QueryerContext, f DisclosureFilter, w io.Writer) (int, error) {
	where, args, err := f.where(ctx, q)
	if err != nil {
		return 0, err
	}
	// The providers the rows name, labelled before the rows stream.
	var orgIDs []string
	if err := sqlx.SelectContext(ctx, q, &orgIDs, `SELECT DISTINCT d.organisation_id::text`+disclosureFrom+where, args...); err != nil {
		return 0, fmt.Errorf("export disclosures: %w", err)
	}
	labels, err := provider.OrganisationLabels(ctx, q, orgIDs)
	if err != nil {
		return 0, err
	}
	rows, err := q.QueryxContext(ctx, `SELECT `+disclosureColumns+disclosureFrom+where+` ORDER BY d.disclosed_on DESC, d.recorded_at DESC, d.id`, args...)
	if err != nil {
		return 0, fmt.Errorf("export disclosures: %w", err)
	}
	defer rows.Close()
	out, err := export.NewCSV(w, export.CSVOptions{BOM: true})
	if err != nil {
		return 0, err
	}
	if err := out.Header(disclosureCSVColumns); err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		var d Disclosure
		if err := rows.StructScan(&d); err != nil {
			return n, fmt.Errorf("export disclosures: %w", err)
		}
		labelDisclosure(&d, labels)
		if err := out.Row(append(append([]export.Cell{export.Date(d.DisclosedOn)}, export.Texts(d.RecipientKindLabel(), d.RecipientName, d.What,
			registerText(d.SupplierRef), registerText(d.OrganisationName), d.LawfulBasisLabel(), d.LawfulBasisDetail, d.Method, d.TheirReference,
			d.RecordedByName)...), export.Instant(d.RecordedAt))); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("export disclosures: %w", err)
	}
	return n, out.Close()
}

func registerText(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
