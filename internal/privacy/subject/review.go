package subject

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Redacted replaces a detail the handler redacted in an export.
const Redacted = "[redacted: third party]"

// Decision values: include the record, or leave it out for one of the reasons.
const (
	Include         = "include"
	OtherPerson     = "other_person"
	NotPersonalData = "not_personal_data"
)

// DecisionOptions are the choices the handler has for each record found.
var DecisionOptions = []provider.Option{
	{Value: Include, Label: "About the requester: include it"},
	{Value: OtherPerson, Label: "About another person: leave it out"},
	{Value: NotPersonalData, Label: "Not the requester's personal data: leave it out"},
}

// leftOutReasons say, in the export's summary, why records were left out.
var leftOutReasons = map[string]string{
	OtherPerson:     "about other people",
	NotPersonalData: "not your personal data",
}

// Field is one detail of a record found, as the review page shows it. Redactable details
// can hold someone else's data inside a record that is about the requester: a colleague
// who acted on their account, a shared telephone number, a name in an email.
type Field struct {
	Key, Label, Value string
	Redactable        bool
}

// Hit is one record the search found, needing the handler's decision before export.
// Audit trail events are one hit between them: they are the requester's account's own
// trail, found through the account, and a person can have thousands.
type Hit struct {
	Key      string
	Category string
	// Title says what the record is, for the handler; Description says the same without
	// naming anyone, for the case record.
	Title, Description string
	Fields             []Field
	MatchedOn          []string
	// SharedMatch warns that the record matched only on an email address or telephone
	// number that records of other people share too.
	SharedMatch string
}

// Redactable lists the fields that may be redacted.
func (h Hit) Redactable() []Field {
	var out []Field
	for _, f := range h.Fields {
		if f.Redactable {
			out = append(out, f)
		}
	}
	return out
}

// digest names a record that has no id of its own by everything shown of it.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:12])
}

func (u UserRecord) hitKey() string       { return "user_accounts/" + u.ID }
func (c ContactRecord) hitKey() string    { return "provider_contacts/" + digest(c.key()) }
func (d DBSRecord) hitKey() string        { return "dbs_records/" + digest(d.key()) }
func (d DocumentRecord) hitKey() string   { return "documents/" + d.ID }
func (e EmailRecord) hitKey() string      { return "emails_sent/" + e.ID }
func (c CorrectionRecord) hitKey() string { return "correction_requests/" + c.Reference }

// eventsKey is the one hit all audit trail events share.
const eventsKey = "audit_events/all"

// Redactable event fields: who acted (and from where) where someone other than the
// requester did, and the event's details.
const (
	eventActorOthers = "actor_others"
	eventSummary     = "summary"
)

// Hits are the records found, each needing a decision, in the order pages show them.
func (f *Findings) Hits() []Hit {
	var out []Hit
	for _, u := range f.Users {
		out = append(out, Hit{Key: u.hitKey(), Category: "user_accounts", Title: "User account " + u.Email,
			Description: "User account", MatchedOn: u.MatchedOn, Fields: []Field{
				{Key: "name", Label: "Name", Value: u.Name}, {Key: "email", Label: "Email", Value: u.Email},
				{Key: "organisations", Label: "Organisations", Value: strings.Join(u.Organisations, ", ")}}})
	}
	shared := f.sharedValues()
	for _, c := range f.Contacts {
		h := Hit{Key: c.hitKey(), Category: "provider_contacts", Title: c.Position + " at " + c.Organisation + ": " + c.Name,
			Description: c.Position + " in " + c.Organisation + "'s record", MatchedOn: c.MatchedOn, Fields: []Field{
				{Key: "name", Label: "Name", Value: c.Name, Redactable: true}, {Key: "role", Label: "Role", Value: c.Role, Redactable: true},
				{Key: "email", Label: "Email", Value: c.Email, Redactable: true}, {Key: "phone", Label: "Telephone", Value: c.Phone, Redactable: true},
				{Key: "held_in", Label: "Held in", Value: strings.Join(c.HeldIn, ", ")}}}
		if !slices.Contains(c.MatchedOn, "name") {
			var on []string
			for _, m := range c.MatchedOn {
				if shared[m] > 1 {
					on = append(on, map[string]string{"email": "email address", "phone": "telephone number"}[m])
				}
			}
			if len(on) == len(c.MatchedOn) && len(on) > 0 {
				h.SharedMatch = fmt.Sprintf("Matched only on the %s, which the records of %d different people hold", strings.Join(on, " and "), maxShared(shared, c.MatchedOn))
			}
		}
		out = append(out, h)
	}
	for _, d := range f.DBS {
		out = append(out, Hit{Key: d.hitKey(), Category: "dbs_records", Title: "DBS record at " + d.Organisation + ": " + d.Name,
			Description: "DBS record in " + d.Organisation + "'s record", MatchedOn: d.MatchedOn, Fields: []Field{
				{Key: "name", Label: "Name", Value: d.Name, Redactable: true}, {Key: "role", Label: "Role", Value: d.Role, Redactable: true},
				{Key: "level", Label: "Check", Value: d.Level}, {Key: "certificate", Label: "Certificate", Value: d.Certificate}}})
	}
	for _, d := range f.Documents {
		out = append(out, Hit{Key: d.hitKey(), Category: "documents", Title: "Document " + d.Filename,
			Description: "Document uploaded to " + d.Organisation + "'s record", Fields: []Field{
				{Key: "filename", Label: "File", Value: d.Filename}, {Key: "kind", Label: "Kind", Value: d.Kind},
				{Key: "organisation", Label: "Organisation", Value: d.Organisation}}})
	}
	for _, e := range f.Emails {
		out = append(out, Hit{Key: e.hitKey(), Category: "emails_sent", Title: "Email to " + e.To + ": " + e.Subject,
			Description: "Email sent " + e.CreatedAt.Format(time.DateOnly), Fields: []Field{
				{Key: "subject", Label: "Subject", Value: e.Subject, Redactable: true},
				{Key: "body", Label: "Message", Value: e.Body, Redactable: true}}})
	}
	if len(f.Events) > 0 {
		others := 0
		for _, e := range f.Events {
			if e.Relation != "by them" {
				others++
			}
		}
		out = append(out, Hit{Key: eventsKey, Category: "audit_events", Title: fmt.Sprintf("Audit trail: %d events", len(f.Events)),
			Description: "Audit trail events", Fields: []Field{
				{Key: eventActorOthers, Label: fmt.Sprintf("People who did the %d %s someone else did, and their internet addresses", others, plural(others, "event", "events")), Redactable: others > 0},
				{Key: eventSummary, Label: "Details of every event", Redactable: true}}})
	}
	for _, c := range f.Corrections {
		out = append(out, Hit{Key: c.hitKey(), Category: "correction_requests", Title: "Correction request " + c.Reference,
			Description: "Correction request " + c.Reference, Fields: []Field{
				{Key: "what_is_wrong", Label: "What was wrong", Value: c.WhatIsWrong, Redactable: true},
				{Key: "should_say", Label: "What it should say", Value: c.ShouldSay, Redactable: true},
				{Key: "outcome", Label: "Outcome", Value: c.Outcome, Redactable: true}}})
	}
	return out
}

// sharedValues counts, for the email address and the telephone number searched for, how
// many different people (by name) the contacts matched on it are.
func (f *Findings) sharedValues() map[string]int {
	names := map[string]map[string]bool{"email": {}, "phone": {}}
	for _, c := range f.Contacts {
		for _, m := range c.MatchedOn {
			if names[m] != nil {
				names[m][nameKey(c.Name)] = true
			}
		}
	}
	return map[string]int{"email": len(names["email"]), "phone": len(names["phone"])}
}

func maxShared(shared map[string]int, on []string) int {
	n := 0
	for _, m := range on {
		n = max(n, shared[m])
	}
	return n
}

// Decision is the handler's decision on one record found for a request.
type Decision struct {
	HitKey      string         `db:"hit_key"`
	Category    string         `db:"category"`
	Description string         `db:"description"`
	Decision    string         `db:"decision"`
	Redacted    pq.StringArray `db:"redacted_fields"`
	ByName      string         `db:"by_name"`
	At          time.Time      `db:"at"`
	Version     int            `db:"version"`
}

// Label says what was decided.
func (d Decision) Label() string { return labelOf(DecisionOptions, d.Decision) }

// Decisions returns a request's decisions by record.
func Decisions(ctx context.Context, q sqlx.QueryerContext, requestID string) (map[string]Decision, error) {
	var rows []Decision
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT hit_key, category, description, decision, redacted_fields, by_name, at, version
		FROM sar_decisions WHERE request_id = $1 ORDER BY id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	out := make(map[string]Decision, len(rows))
	for _, r := range rows {
		out[r.HitKey] = r
	}
	return out, nil
}

// Choice is what the handler chose for one record on the review page: Version is the
// version of the decision they saw (0 when it had none).
type Choice struct {
	HitKey   string
	Decision string
	Redact   []string
	Version  int
}

// Decide records the handler's choices on the records the search (f) found, in one
// transaction with its audit event. Each choice names the version of the decision it
// replaces, so two handlers deciding at once cannot overwrite each other: the second is
// refused and sees what the first decided. errs is keyed by the index of the choice.
func Decide(ctx context.Context, d *sqlx.DB, requestID string, f *Findings, choices []Choice, by Staff) (changed int, err error) {
	hits := map[string]Hit{}
	for _, h := range f.Hits() {
		hits[h.Key] = h
	}
	errs := map[string]string{}
	for i, c := range choices {
		h, ok := hits[c.HitKey]
		if !ok {
			return 0, apperr.New(apperr.Invalid, "A record on the page is no longer found by this search. Search again and review the results.")
		}
		if c.Decision != "" && !isOption(DecisionOptions, c.Decision) {
			errs[strconv.Itoa(i)] = "Select whether the record is about the requester"
			continue
		}
		if len(c.Redact) > 0 && c.Decision != Include {
			errs[strconv.Itoa(i)] = "Redact details only in a record you include: a record left out is not sent at all"
			continue
		}
		for _, field := range c.Redact {
			if !slices.ContainsFunc(h.Redactable(), func(x Field) bool { return x.Key == field }) {
				errs[strconv.Itoa(i)] = "Select details to redact from the list"
			}
		}
	}
	if len(errs) > 0 {
		return 0, apperr.InvalidFields(errs)
	}
	err = db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		var status, ref string
		err := tx.QueryRowxContext(ctx, `SELECT status, reference FROM sar_requests WHERE id = $1 FOR SHARE`, requestID).Scan(&status, &ref)
		if db.IsNoRows(err) {
			return apperr.New(apperr.NotFound, "Request not found")
		}
		if err != nil {
			return fmt.Errorf("lock request: %w", err)
		}
		if status != "open" {
			return apperr.New(apperr.Conflict, "Request %s is closed: its decisions can no longer change.", ref)
		}
		counts := map[string]int{}
		redacted := 0
		for _, c := range choices {
			if c.Decision == "" {
				continue // not decided yet: nothing to record
			}
			h := hits[c.HitKey]
			redact := slices.Clone(c.Redact)
			slices.Sort(redact)
			redact = slices.Compact(redact)
			if redact == nil {
				redact = []string{}
			}
			var res interface{ RowsAffected() (int64, error) }
			if c.Version == 0 {
				res, err = tx.ExecContext(ctx, `INSERT INTO sar_decisions (request_id, hit_key, category, description, decision, redacted_fields, by_user, by_name)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (request_id, hit_key) DO NOTHING`,
					requestID, h.Key, h.Category, h.Description, c.Decision, pq.StringArray(redact), by.id(), by.Name)
			} else {
				res, err = tx.ExecContext(ctx, `UPDATE sar_decisions SET decision = $3, redacted_fields = $4, by_user = $5, by_name = $6,
						at = now(), version = version + 1
					WHERE request_id = $1 AND hit_key = $2 AND version = $7
						AND (decision <> $3 OR redacted_fields <> $4)`,
					requestID, h.Key, c.Decision, pq.StringArray(redact), by.id(), by.Name, c.Version)
			}
			if err != nil {
				return fmt.Errorf("record decision: %w", err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if n == 0 {
				var current Decision
				err := tx.GetContext(ctx, &current, `SELECT hit_key, category, description, decision, redacted_fields, by_name, at, version
					FROM sar_decisions WHERE request_id = $1 AND hit_key = $2`, requestID, h.Key)
				if err != nil && !db.IsNoRows(err) {
					return fmt.Errorf("read decision: %w", err)
				}
				if err == nil && current.Version == c.Version {
					continue // saved again as it was: nothing changed
				}
				who := current.ByName
				if who == "" {
					who = "someone else"
				}
				return apperr.New(apperr.Conflict, "%s decided on %q while you were looking at it. Nothing you chose was saved: look at the records again and save your decisions.", who, h.Title)
			}
			changed++
			counts[c.Decision]++
			redacted += len(redact)
		}
		if changed == 0 {
			return nil
		}
		return audit.Record(ctx, tx, audit.Event{Action: "sar.decided", ObjectType: "sar_request", ObjectID: requestID,
			Summary: map[string]any{"decided": changed, "by_decision": counts, "details_redacted": redacted}})
	})
	return changed, err
}

// Withheld is what an export left out and redacted, and why: counts only, never the
// records themselves.
type Withheld struct {
	// LeftOut counts the records left out by reason (OtherPerson, NotPersonalData).
	LeftOut map[string]int `json:"records_left_out"`
	// Redacted counts the details redacted by what they were ("Telephone", "Name").
	Redacted map[string]int `json:"details_redacted"`
}

// Scan reads the JSON column.
func (w *Withheld) Scan(src any) error { return scanJSON(src, w) }

// Lines are the summary's sentences: "3 records left out: about other people".
func (w Withheld) Lines() []string {
	var out []string
	for _, reason := range []string{OtherPerson, NotPersonalData} {
		if n := w.LeftOut[reason]; n > 0 {
			out = append(out, fmt.Sprintf("%d %s left out: %s", n, plural(n, "record", "records"), leftOutReasons[reason]))
		}
	}
	labels := make([]string, 0, len(w.Redacted))
	total := 0
	for label, n := range w.Redacted {
		labels = append(labels, fmt.Sprintf("%s (%d)", strings.ToLower(label), n))
		total += n
	}
	slices.Sort(labels)
	if total > 0 {
		out = append(out, fmt.Sprintf("%d %s redacted: third-party details, %s", total, plural(total, "detail", "details"), strings.Join(labels, ", ")))
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Undecided is the number of records found that have no decision yet.
func Undecided(f *Findings, ds map[string]Decision) int {
	n := 0
	for _, h := range f.Hits() {
		if _, ok := ds[h.Key]; !ok {
			n++
		}
	}
	return n
}

// Apply returns the findings as the export sends them: only the records decided to be
// about the requester, with the redacted details replaced by Redacted, and what was left
// out and redacted. Every record needs a decision first: an export with records nobody
// looked at could send a stranger's details, or leave out the requester's without anyone
// knowing.
func Apply(f *Findings, ds map[string]Decision) (*Findings, *Withheld, error) {
	if n := Undecided(f, ds); n > 0 {
		return nil, nil, apperr.New(apperr.Invalid, "Decide on every record found before exporting: %d %s no decision yet.", n, plural(n, "has", "have"))
	}
	w := &Withheld{LeftOut: map[string]int{}, Redacted: map[string]int{}}
	labels := map[string]map[string]string{}
	for _, h := range f.Hits() {
		d := ds[h.Key]
		if d.Decision != Include {
			w.LeftOut[d.Decision]++
			continue
		}
		labels[h.Key] = map[string]string{}
		for _, fl := range h.Fields {
			labels[h.Key][fl.Key] = fl.Label
		}
		for _, field := range d.Redacted {
			label := labels[h.Key][field]
			if h.Key == eventsKey {
				label = map[string]string{eventActorOthers: "Who acted", eventSummary: "Event details"}[field]
			}
			w.Redacted[label]++
		}
	}
	out := *f
	keep := func(key string) (Decision, bool) {
		d, ok := ds[key]
		return d, ok && d.Decision == Include
	}
	redacts := func(d Decision, field string) bool { return slices.Contains(d.Redacted, field) }
	out.Users = filter(f.Users, func(u *UserRecord) bool { _, ok := keep(u.hitKey()); return ok })
	out.Contacts = filter(f.Contacts, func(c *ContactRecord) bool {
		d, ok := keep(c.hitKey())
		redactFields(d, field{"name", &c.Name}, field{"role", &c.Role}, field{"email", &c.Email}, field{"phone", &c.Phone})
		return ok
	})
	out.DBS = filter(f.DBS, func(r *DBSRecord) bool {
		d, ok := keep(r.hitKey())
		redactFields(d, field{"name", &r.Name}, field{"role", &r.Role})
		return ok
	})
	out.Documents = filter(f.Documents, func(r *DocumentRecord) bool { _, ok := keep(r.hitKey()); return ok })
	out.Emails = filter(f.Emails, func(e *EmailRecord) bool {
		d, ok := keep(e.hitKey())
		redactFields(d, field{"subject", &e.Subject}, field{"body", &e.Body})
		return ok
	})
	events, ok := keep(eventsKey)
	if !ok {
		out.Events = []EventRecord{}
	} else {
		redactedJSON, _ := json.Marshal(Redacted)
		out.Events = filter(f.Events, func(e *EventRecord) bool {
			if redacts(events, eventActorOthers) && e.Relation != "by them" {
				e.ActorEmail, e.IP = Redacted, Redacted
			}
			if redacts(events, eventSummary) {
				e.Summary = redactedJSON
			}
			return true
		})
	}
	out.Corrections = filter(f.Corrections, func(c *CorrectionRecord) bool {
		d, ok := keep(c.hitKey())
		redactFields(d, field{"what_is_wrong", &c.WhatIsWrong}, field{"should_say", &c.ShouldSay}, field{"outcome", &c.Outcome})
		return ok
	})
	return &out, w, nil
}

// field is one text field of a record, by the name a decision redacts it by.
type field struct {
	name  string
	value *string
}

// redactFields blanks each of a record's fields that the decision redacts.
func redactFields(d Decision, fields ...field) {
	for _, f := range fields {
		if slices.Contains(d.Redacted, f.name) {
			*f.value = Redacted
		}
	}
}

// filter copies the records keep accepts; keep may change its copy (to redact it).
func filter[T any](in []T, keep func(*T) bool) []T {
	out := make([]T, 0, len(in))
	for _, r := range in {
		if keep(&r) {
			out = append(out, r)
		}
	}
	return out
}
