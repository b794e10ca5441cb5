// Package subject handles subject access requests (UK GDPR article 15): registering a
// request with how the requester's identity was checked and its deadline, extending the
// deadline, finding everything the portal holds about the person, producing one export of
// it with a log of what was disclosed, and closing the request.
//
// It is a package of its own, under privacy, because searching the provider record needs
// internal/provider, which (through auth) depends on privacy.
package subject

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/validate"
	"github.com/jmoiron/sqlx"
)

// IdentityMethods are the ways a requester's identity can be checked. The ICO's guidance
// is to ask for proof only where there is doubt, and only what is proportionate.
var IdentityMethods = []provider.Option{
	{Value: "known_email", Label: "The request came from an email address we already hold for them"},
	{Value: "photo_id", Label: "Photo identification seen (passport or driving licence)"},
	{Value: "documents", Label: "Other documents checked (for example, a recent utility bill)"},
	{Value: "known_in_person", Label: "Known to us and confirmed in person or by telephone"},
	{Value: "representative", Label: "Made for them by someone else, with their written authority checked"},
	{Value: "not_verified", Label: "Not verified yet"},
}

// Outcomes are how a request can end.
var Outcomes = []provider.Option{
	{Value: "disclosed", Label: "Information disclosed in full"},
	{Value: "disclosed_in_part", Label: "Disclosed in part: some information withheld under an exemption"},
	{Value: "nothing_held", Label: "We hold no information about them"},
	{Value: "withdrawn", Label: "The request was withdrawn"},
	{Value: "refused", Label: "Refused as manifestly unfounded or excessive"},
	{Value: "identity_not_confirmed", Label: "Closed because their identity could not be confirmed"},
}

// outcomesNeedingNotes must say which exemption or why.
var outcomesNeedingNotes = []string{"disclosed_in_part", "refused"}

func labelOf(opts []provider.Option, value string) string {
	if i := slices.IndexFunc(opts, func(o provider.Option) bool { return o.Value == value }); i >= 0 {
		return opts[i].Label
	}
	return value
}

func isOption(opts []provider.Option, value string) bool {
	return slices.ContainsFunc(opts, func(o provider.Option) bool { return o.Value == value })
}

// Request is a subject access request.
type Request struct {
	ID               string     `db:"id"`
	Reference        string     `db:"reference"`
	RequesterName    string     `db:"requester_name"`
	RequesterEmail   string     `db:"requester_email"`
	RequesterPhone   string     `db:"requester_phone"`
	IdentityMethod   string     `db:"identity_method"`
	IdentityNotes    string     `db:"identity_notes"`
	ReceivedOn       time.Time  `db:"received_on"`
	DueOn            time.Time  `db:"due_on"`
	ExtensionMonths  int        `db:"extension_months"`
	Status           string     `db:"status"`
	Outcome          *string    `db:"outcome"`
	OutcomeNotes     string     `db:"outcome_notes"`
	ClosedOn         *time.Time `db:"closed_on"`
	ClosedByName     string     `db:"closed_by_name"`
	RegisteredByName string     `db:"registered_by_name"`
	CreatedAt        time.Time  `db:"created_at"`
	Version          int        `db:"version"`
}

const requestColumns = `id, reference, requester_name, requester_email::text AS requester_email, requester_phone,
	identity_method, identity_notes, received_on, due_on, extension_months, status, outcome, outcome_notes, closed_on,
	closed_by_name, registered_by_name, created_at, version`

// Open reports whether the request is still being dealt with.
func (r Request) Open() bool { return r.Status == "open" }

// IdentityLabel says how the requester's identity was checked.
func (r Request) IdentityLabel() string { return labelOf(IdentityMethods, r.IdentityMethod) }

// OutcomeLabel says how the request ended, or "" while it is open.
func (r Request) OutcomeLabel() string {
	if r.Outcome == nil {
		return ""
	}
	return labelOf(Outcomes, *r.Outcome)
}

// DaysLeft is the number of days from today to the due date: negative when overdue.
func (r Request) DaysLeft(today time.Time) int { return DaysBetween(today, r.DueOn) }

// ExtensionLeft is how many more months the deadline may still be extended by.
func (r Request) ExtensionLeft() int { return MaxExtensionMonths - r.ExtensionMonths }

// Staff is the member of staff acting, as recorded against what they do.
type Staff struct {
	ID, Name string
}

func (s Staff) id() any {
	if s.ID == "" {
		return nil
	}
	return s.ID
}

// Today is the database's date, the one every deadline here is counted against.
func Today(ctx context.Context, q sqlx.QueryerContext) (time.Time, error) {
	return privacy.Today(ctx, q)
}

// Registration is a new request as the data protection officer records it.
type Registration struct {
	Name, Email, Phone            string
	IdentityMethod, IdentityNotes string
	// ReceivedOn is the day the request (or the proof of identity it needed) arrived.
	ReceivedOn time.Time
}

// Validate checks and normalises a registration, returning a message per form field
// (requester_name, requester_email, requester_phone, identity_method, identity_notes,
// received_on).
func (r *Registration) Validate(today time.Time) map[string]string {
	errs := map[string]string{}
	r.Name = strings.Join(strings.Fields(r.Name), " ")
	switch {
	case r.Name == "":
		errs["requester_name"] = "Enter the requester's full name"
	case utf8.RuneCountInString(r.Name) > 200:
		errs["requester_name"] = "The requester's name must be 200 characters or fewer"
	}
	if r.Email = strings.TrimSpace(r.Email); r.Email != "" {
		if e, err := validate.NormaliseEmail(r.Email); err != nil {
			errs["requester_email"] = "Enter an email address in the correct format, like name@example.com"
		} else {
			r.Email = e
		}
	}
	if r.Phone = strings.TrimSpace(r.Phone); r.Phone != "" {
		if p, err := ukid.Phone(r.Phone); err != nil {
			errs["requester_phone"] = err.Error()
		} else {
			r.Phone = p
		}
	}
	if !isOption(IdentityMethods, r.IdentityMethod) {
		errs["identity_method"] = "Select how you checked who they are"
	}
	r.IdentityNotes = strings.TrimSpace(r.IdentityNotes)
	if utf8.RuneCountInString(r.IdentityNotes) > 2000 {
		errs["identity_notes"] = "The notes must be 2,000 characters or fewer"
	}
	if r.ReceivedOn.IsZero() {
		errs["received_on"] = "Enter the date the request was received"
	} else if DaysBetween(today, r.ReceivedOn) > 0 {
		errs["received_on"] = "The date the request was received must be today or in the past"
	} else if r.ReceivedOn.Year() < 2000 {
		errs["received_on"] = "The date the request was received must be after 2000"
	}
	return errs
}

// Register records a new request and its deadline.
func Register(ctx context.Context, d *sqlx.DB, reg Registration, by Staff) (*Request, error) {
	var id string
	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		today, err := Today(ctx, tx)
		if err != nil {
			return err
		}
		if errs := reg.Validate(today); len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		due := DueDate(reg.ReceivedOn, 0)
		err = tx.GetContext(ctx, &id, `INSERT INTO sar_requests (requester_name, requester_email, requester_phone, identity_method,
				identity_notes, received_on, due_on, registered_by, registered_by_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			reg.Name, reg.Email, reg.Phone, reg.IdentityMethod, reg.IdentityNotes, reg.ReceivedOn, due, by.id(), by.Name)
		if err != nil {
			return fmt.Errorf("register request: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "sar.registered", ObjectType: "sar_request", ObjectID: id,
			Summary: map[string]any{"received_on": reg.ReceivedOn.Format(time.DateOnly), "due_on": due.Format(time.DateOnly),
				"identity_method": reg.IdentityMethod}})
	})
	if err != nil {
		return nil, err
	}
	return ByID(ctx, d, id)
}

// ByID returns one request.
func ByID(ctx context.Context, q sqlx.QueryerContext, id string) (*Request, error) {
	var r Request
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "Request not found")
	}
	err := sqlx.GetContext(ctx, q, &r, `SELECT `+requestColumns+` FROM sar_requests WHERE id = $1`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Request not found")
	}
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	return &r, nil
}

// lock reads a request for update, refusing a closed one or one changed since version.
func lock(ctx context.Context, tx *sqlx.Tx, id string, version int) (*Request, error) {
	var r Request
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "Request not found")
	}
	err := tx.GetContext(ctx, &r, `SELECT `+requestColumns+` FROM sar_requests WHERE id = $1 FOR UPDATE`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Request not found")
	}
	if err != nil {
		return nil, fmt.Errorf("lock request: %w", err)
	}
	if !r.Open() {
		return nil, apperr.New(apperr.Conflict, "Request %s was closed on %s and cannot be changed.", r.Reference, r.ClosedOn.Format("2 January 2006"))
	}
	if r.Version != version {
		return nil, apperr.New(apperr.Conflict, "Someone else changed request %s while you were looking at it. Check what it says now and try again.", r.Reference)
	}
	return &r, nil
}

// List returns requests a page at a time, with the total: open ones by due date (the most
// urgent first), closed ones most recently closed first. state is "open", "closed" or "".
func List(ctx context.Context, q sqlx.QueryerContext, state string, limit, offset int) ([]Request, int, error) {
	const where = ` FROM sar_requests WHERE ($1 = '' OR status = $1)`
	var rows []struct {
		Request
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+requestColumns+`, count(*) OVER () AS total`+where+`
		ORDER BY status = 'closed', CASE WHEN status = 'open' THEN due_on END, closed_on DESC, number DESC
		LIMIT $2 OFFSET $3`, state, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("requests: %w", err)
	}
	out, total := make([]Request, len(rows)), 0
	for i, r := range rows {
		out[i], total = r.Request, r.Total
	}
	if len(rows) == 0 && offset > 0 {
		err = sqlx.GetContext(ctx, q, &total, `SELECT count(*)`+where, state)
	}
	return out, total, err
}

// Extension is one extension of a request's deadline.
type Extension struct {
	Months    int       `db:"months"`
	Reason    string    `db:"reason"`
	DueBefore time.Time `db:"due_before"`
	DueAfter  time.Time `db:"due_after"`
	ByName    string    `db:"by_name"`
	At        time.Time `db:"at"`
}

// Extensions lists a request's extensions, oldest first.
func Extensions(ctx context.Context, q sqlx.QueryerContext, requestID string) ([]Extension, error) {
	var out []Extension
	err := sqlx.SelectContext(ctx, q, &out, `SELECT months, reason, due_before, due_after, by_name, at
		FROM sar_extensions WHERE request_id = $1 ORDER BY at, id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("extensions: %w", err)
	}
	return out, nil
}

// Extend extends an open request's deadline by months, with the reason (which the
// requester must be told within the first month). The extensions of one request add up to
// at most MaxExtensionMonths; the new due date counts from the day of receipt (DueDate).
func Extend(ctx context.Context, d *sqlx.DB, id string, months int, reason string, version int, by Staff) (*Request, error) {
	reason = strings.TrimSpace(reason)
	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		r, err := lock(ctx, tx, id, version)
		if err != nil {
			return err
		}
		errs := map[string]string{}
		switch left := r.ExtensionLeft(); {
		case left == 0:
			return apperr.New(apperr.Conflict, "The deadline of request %s has already been extended by the most the law allows, %d months.", r.Reference, MaxExtensionMonths)
		case months < 1 || months > left:
			if left == 1 {
				errs["extend_months"] = "The deadline can be extended by 1 more month at most"
			} else {
				errs["extend_months"] = fmt.Sprintf("Select 1 or %d months", left)
			}
		}
		switch {
		case reason == "":
			errs["extend_reason"] = "Enter why the extension is necessary: the requester must be told"
		case utf8.RuneCountInString(reason) > 2000:
			errs["extend_reason"] = "The reason must be 2,000 characters or fewer"
		}
		if len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		total := r.ExtensionMonths + months
		due := DueDate(r.ReceivedOn, total)
		if _, err := tx.ExecContext(ctx, `UPDATE sar_requests SET extension_months = $2, due_on = $3, updated_at = now(), version = version + 1
			WHERE id = $1`, r.ID, total, due); err != nil {
			return fmt.Errorf("extend request: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sar_extensions (request_id, months, reason, due_before, due_after, by_user, by_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.ID, months, reason, r.DueOn, due, by.id(), by.Name); err != nil {
			return fmt.Errorf("record extension: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "sar.extended", ObjectType: "sar_request", ObjectID: r.ID,
			Summary: map[string]any{"months": months, "total_months": total, "due_before": r.DueOn.Format(time.DateOnly), "due_on": due.Format(time.DateOnly)}})
	})
	if err != nil {
		return nil, err
	}
	return ByID(ctx, d, id)
}

// Closing is how a request ended.
type Closing struct {
	Outcome  string
	Notes    string
	ClosedOn time.Time
}

// Close closes an open request with its outcome. Disclosing in part or refusing needs notes
// saying which exemption applied or why.
func Close(ctx context.Context, d *sqlx.DB, id string, c Closing, version int, by Staff) (*Request, error) {
	c.Notes = strings.TrimSpace(c.Notes)
	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		r, err := lock(ctx, tx, id, version)
		if err != nil {
			return err
		}
		today, err := Today(ctx, tx)
		if err != nil {
			return err
		}
		errs := map[string]string{}
		if !isOption(Outcomes, c.Outcome) {
			errs["close_outcome"] = "Select the outcome of the request"
		} else if slices.Contains(outcomesNeedingNotes, c.Outcome) && c.Notes == "" {
			errs["close_notes"] = "Say which exemption applied or why the request was refused"
		}
		if utf8.RuneCountInString(c.Notes) > 2000 {
			errs["close_notes"] = "The notes must be 2,000 characters or fewer"
		}
		switch {
		case c.ClosedOn.IsZero():
			errs["closed_on"] = "Enter the date the request was closed"
		case DaysBetween(today, c.ClosedOn) > 0:
			errs["closed_on"] = "The date the request was closed must be today or in the past"
		case DaysBetween(r.ReceivedOn, c.ClosedOn) < 0:
			errs["closed_on"] = "The date the request was closed must be on or after " + r.ReceivedOn.Format("2 January 2006") + ", when it was received"
		}
		if len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sar_requests SET status = 'closed', outcome = $2, outcome_notes = $3, closed_on = $4,
				closed_by = $5, closed_by_name = $6, updated_at = now(), version = version + 1 WHERE id = $1`,
			r.ID, c.Outcome, c.Notes, c.ClosedOn, by.id(), by.Name); err != nil {
			return fmt.Errorf("close request: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "sar.closed", ObjectType: "sar_request", ObjectID: r.ID,
			Summary: map[string]any{"outcome": c.Outcome, "closed_on": c.ClosedOn.Format(time.DateOnly),
				"due_on": r.DueOn.Format(time.DateOnly), "late": DaysBetween(r.DueOn, c.ClosedOn) > 0}})
	})
	if err != nil {
		return nil, err
	}
	return ByID(ctx, d, id)
}
