package audit

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/export"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// SensitivePrefixes start the actions that record a view or export of the most sensitive
// data: DBS records (criminal offence data) and bank details. The viewer's "sensitive views"
// filter shows exactly these, so the data protection officer can review every access.
var SensitivePrefixes = []string{"provider.dbs.", "finance.bank_details.", "finance.export."}

// Filter narrows a search of the trail. Empty fields do not filter.
type Filter struct {
	// Email is the actor's email address, any case.
	Email      string
	ObjectType string
	ObjectID   string
	// ActionPrefix matches actions that start with it: "provider." or "user.signin".
	ActionPrefix string
	// From and To are UK dates, both included; zero is open-ended.
	From, To time.Time
	// Sensitive keeps only views and exports of DBS data and bank details.
	Sensitive bool
}

// Entry is one audit event as the viewer shows it.
type Entry struct {
	ID         int64     `db:"id"`
	At         time.Time `db:"at"`
	ActorID    *string   `db:"actor_id"`
	ActorEmail string    `db:"actor_email"`
	ActorRole  string    `db:"actor_role"`
	Action     string    `db:"action"`
	ObjectType string    `db:"object_type"`
	ObjectID   string    `db:"object_id"`
	IP         string    `db:"ip"`
	RequestID  string    `db:"request_id"`
	Summary    string    `db:"summary"`
}

// IsSensitive reports whether the event records a view or export of DBS data or bank details.
func (e Entry) IsSensitive() bool {
	return slices.ContainsFunc(SensitivePrefixes, func(p string) bool { return strings.HasPrefix(e.Action, p) })
}

const entryColumns = `id, at, actor_id::text AS actor_id, actor_email, actor_role, action, object_type, object_id, ip, request_id, summary::text AS summary`

// Validate checks the filter, with a message per form field.
func (f Filter) Validate() map[string]string {
	errs := map[string]string{}
	if len(f.Email) > 254 {
		errs["email"] = "The email address must be 254 characters or fewer"
	}
	if len(f.ObjectType) > 100 {
		errs["object_type"] = "The object type must be 100 characters or fewer"
	}
	if len(f.ObjectID) > 200 {
		errs["object_id"] = "The object id must be 200 characters or fewer"
	}
	if f.ObjectID != "" && f.ObjectType == "" {
		errs["object_type"] = "Enter the type of object, such as organisation, to search by its id"
	}
	if len(f.ActionPrefix) > 100 || strings.IndexFunc(f.ActionPrefix, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_')
	}) >= 0 {
		errs["action"] = "An action is lower-case letters, digits, dots and underscores, like provider.dbs"
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		errs["to"] = "The end date must be the same as or after the start date"
	}
	return errs
}

// where builds the filter's conditions and arguments, numbering parameters from 1.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if f.Email != "" {
		add(`lower(actor_email) = lower($?)`, strings.TrimSpace(f.Email))
	}
	if f.ObjectType != "" {
		add(`object_type = $?`, f.ObjectType)
	}
	if f.ObjectID != "" {
		add(`object_id = $?`, f.ObjectID)
	}
	if f.ActionPrefix != "" {
		add(`starts_with(action, $?)`, f.ActionPrefix)
	}
	if !f.From.IsZero() {
		add(`at >= $?`, ukMidnight(f.From))
	}
	if !f.To.IsZero() {
		add(`at < $?`, ukMidnight(f.To.AddDate(0, 0, 1)))
	}
	if f.Sensitive {
		add(`EXISTS (SELECT 1 FROM unnest($?::text[]) AS p(prefix) WHERE starts_with(action, p.prefix))`, pq.StringArray(SensitivePrefixes))
	}
	if len(conds) == 0 {
		return "true", nil
	}
	return strings.Join(conds, " AND "), args
}

// london is the council's time zone: the viewer's dates are UK dates.
var london = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

func ukMidnight(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, london)
}

// Cursor is a keyset position: Before asks for the events older than an id, After for those
// newer. Zero is the newest page.
type Cursor struct {
	Before, After int64
}

// Results is one page of events, newest first, with cursors for the pages either side (0
// when there is none).
type Results struct {
	Entries      []Entry
	Newer, Older int64
}

// Search returns one page of events matching f, newest first, keyset-paginated by id, so a
// page deep in a long trail costs the same as the first.
func Search(ctx context.Context, q sqlx.QueryerContext, f Filter, c Cursor, limit int) (Results, error) {
	where, args := f.where()
	order := "DESC"
	if c.Before > 0 {
		args = append(args, c.Before)
		where += " AND id < $" + strconv.Itoa(len(args))
	} else if c.After > 0 {
		args = append(args, c.After)
		where += " AND id > $" + strconv.Itoa(len(args))
		order = "ASC"
	}
	args = append(args, limit)
	var entries []Entry
	err := sqlx.SelectContext(ctx, q, &entries, `SELECT `+entryColumns+` FROM audit_events WHERE `+where+
		` ORDER BY id `+order+` LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return Results{}, fmt.Errorf("search audit trail: %w", err)
	}
	if order == "ASC" {
		slices.Reverse(entries)
	}
	res := Results{Entries: entries}
	if len(entries) == 0 {
		return res, nil
	}
	newest, oldest := entries[0].ID, entries[len(entries)-1].ID
	cond, fargs := f.where()
	var more struct {
		Newer bool `db:"newer"`
		Older bool `db:"older"`
	}
	n := len(fargs)
	err = sqlx.GetContext(ctx, q, &more, `SELECT
		EXISTS (SELECT 1 FROM audit_events WHERE `+cond+` AND id > $`+strconv.Itoa(n+1)+`) AS newer,
		EXISTS (SELECT 1 FROM audit_events WHERE `+cond+` AND id < $`+strconv.Itoa(n+2)+`) AS older`,
		append(fargs, newest, oldest)...)
	if err != nil {
		return Results{}, fmt.Errorf("search audit trail: %w", err)
	}
	if more.Newer {
		res.Newer = newest
	}
	if more.Older {
		res.Older = oldest
	}
	return res, nil
}

// csvColumns are the columns of an audit export.
var csvColumns = []export.Column{
	{Header: "Event"}, {Header: "Time (UTC)", Kind: export.KindInstant}, {Header: "User email"}, {Header: "User roles"}, {Header: "Action"},
	{Header: "Object type"}, {Header: "Object id"}, {Header: "IP address"}, {Header: "Request id"}, {Header: "Details"},
}

// WriteCSV streams every event matching f, newest first, as CSV (formula-neutralised), and
// returns how many rows it wrote. Memory stays flat however many events match.
func WriteCSV(ctx context.Context, q sqlx.QueryerContext, f Filter, w io.Writer) (int, error) {
	where, args := f.where()
	rows, err := q.QueryxContext(ctx, `SELECT `+entryColumns+` FROM audit_events WHERE `+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return 0, fmt.Errorf("export audit trail: %w", err)
	}
	defer rows.Close()
	out, err := export.NewCSV(w, export.CSVOptions{BOM: true})
	if err != nil {
		return 0, err
	}
	if err := out.Header(csvColumns); err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		var e Entry
		if err := rows.StructScan(&e); err != nil {
			return n, fmt.Errorf("export audit trail: %w", err)
		}
		if err := out.Row(append([]export.Cell{export.Text(strconv.FormatInt(e.ID, 10)), export.Instant(e.At)},
			export.Texts(e.ActorEmail, e.ActorRole, e.Action, e.ObjectType, e.ObjectID, e.IP, e.RequestID, e.Summary)...)); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("export audit trail: %w", err)
	}
	return n, out.Close()
}
