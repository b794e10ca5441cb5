package privacy

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/notify"
	"github.com/jmoiron/sqlx"
)

// The states of a request to correct personal data (UK GDPR article 16). Resolved and
// refused close it, and the requester is emailed the outcome either way: a refusal must
// say why, and that they can complain to the Information Commissioner.
const (
	CorrectionOpen       = "open"
	CorrectionInProgress = "in_progress"
	CorrectionResolved   = "resolved"
	CorrectionRefused    = "refused"
)

// correctionLabels name the states as people say them.
var correctionLabels = map[string]string{
	CorrectionOpen: "Open", CorrectionInProgress: "In progress", CorrectionResolved: "Resolved", CorrectionRefused: "Refused",
}

// Limits on what a requester types, matching the table's checks.
const (
	maxCorrectionLocation = 1000
	maxCorrectionText     = 5000
)

// Correction is a request to correct personal data the requester cannot change in the
// portal themselves: a comment on a decided review, their organisation's name on their
// account, a quality assurance finding.
type Correction struct {
	ID               string     `db:"id"`
	Reference        string     `db:"reference"`
	RequestedBy      *string    `db:"requested_by"`
	RequesterName    string     `db:"requester_name"`
	RequesterEmail   string     `db:"requester_email"`
	OrganisationID   *string    `db:"organisation_id"`
	OrganisationName string     `db:"-"` // read through provider
	Location         string     `db:"location"`
	WhatIsWrong      string     `db:"what_is_wrong"`
	ShouldSay        string     `db:"should_say"`
	Status           string     `db:"status"`
	Outcome          string     `db:"outcome"`
	HandledByName    string     `db:"handled_by_name"`
	CreatedAt        time.Time  `db:"created_at"`
	UpdatedAt        time.Time  `db:"updated_at"`
	ClosedAt         *time.Time `db:"closed_at"`
	Version          int        `db:"version"`
}

// StatusLabel is the request's state as people say it.
func (c Correction) StatusLabel() string { return CorrectionStatusLabel(c.Status) }

// CorrectionStatusLabel names a request's state as people say it.
func CorrectionStatusLabel(status string) string {
	if l, ok := correctionLabels[status]; ok {
		return l
	}
	return status
}

// Closed reports whether the request was resolved or refused.
func (c Correction) Closed() bool {
	return c.Status == CorrectionResolved || c.Status == CorrectionRefused
}

const correctionColumns = `r.id, r.reference, r.requested_by, r.requester_name, r.requester_email::text AS requester_email,
	r.organisation_id, r.location, r.what_is_wrong,
	r.should_say, r.status, r.outcome, r.handled_by_name, r.created_at, r.updated_at, r.closed_at, r.version`

const correctionFrom = ` FROM rectification_requests r`

// CorrectionInput is what the requester says: what is wrong, what it should say, and where
// it appears.
type CorrectionInput struct {
	Location    string
	WhatIsWrong string
	ShouldSay   string
}

// Validate returns a message per form field ("location", "what_is_wrong", "should_say").
func (in CorrectionInput) Validate() map[string]string {
	errs := map[string]string{}
	check := func(field, value, missing, what string, max int) {
		switch v := strings.TrimSpace(value); {
		case v == "":
			errs[field] = missing
		case utf8.RuneCountInString(v) > max:
			errs[field] = fmt.Sprintf("%s must be %d characters or fewer", what, max)
		}
	}
	check("location", in.Location, "Say where the information appears", "Where the information appears", maxCorrectionLocation)
	check("what_is_wrong", in.WhatIsWrong, "Say what is wrong", "What is wrong", maxCorrectionText)
	check("should_say", in.ShouldSay, "Say what it should say", "What it should say", maxCorrectionText)
	return errs
}

// Requester is the signed-in person making a request (a provider user or a member of staff:
// both are data subjects), and the organisation they act for (empty for none).
type Requester struct {
	UserID, Name, Email, OrganisationID string
}

// Corrections records requests to correct personal data and their outcomes, and emails
// each outcome to the requester.
type Corrections struct {
	DB *sqlx.DB
	// CouncilName signs the emails; BaseURL makes the link to the request in them.
	CouncilName, BaseURL string
}

// Request records a new request from a signed-in person.
func (s *Corrections) Request(ctx context.Context, who Requester, in CorrectionInput) (*Correction, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return nil, apperr.InvalidFields(errs)
	}
	var id string
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var org any
		if who.OrganisationID != "" {
			org = who.OrganisationID
		}
		err := tx.GetContext(ctx, &id, `INSERT INTO rectification_requests
			(requested_by, requester_name, requester_email, organisation_id, location, what_is_wrong, should_say)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			who.UserID, who.Name, who.Email, org, strings.TrimSpace(in.Location), strings.TrimSpace(in.WhatIsWrong), strings.TrimSpace(in.ShouldSay))
		if err != nil {
			return fmt.Errorf("record correction request: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "rectification.requested", ObjectType: "rectification_request", ObjectID: id,
			Summary: map[string]any{"organisation_id": who.OrganisationID}})
	})
	if err != nil {
		return nil, err
	}
	return CorrectionByID(ctx, s.DB, id)
}

// CorrectionByID returns one request, for staff.
func CorrectionByID(ctx context.Context, q sqlx.QueryerContext, id string) (*Correction, error) {
	var c Correction
	err := sqlx.GetContext(ctx, q, &c, `SELECT `+correctionColumns+correctionFrom+` WHERE r.id::text = $1`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Request not found")
	}
	if err != nil {
		return nil, fmt.Errorf("correction request: %w", err)
	}
	if err := labelCorrections(ctx, q, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// CorrectionForUser returns one of the user's own requests; anyone else's is not found.
func CorrectionForUser(ctx context.Context, q sqlx.QueryerContext, id, userID string) (*Correction, error) {
	c, err := CorrectionByID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if c.RequestedBy == nil || *c.RequestedBy != userID {
		return nil, apperr.New(apperr.NotFound, "Request not found")
	}
	return c, nil
}

// CorrectionFilter picks requests for a list: by requester, and by open or closed.
type CorrectionFilter struct {
	// RequestedBy keeps only this user's requests when set.
	RequestedBy string
	// State is "open" (open or in progress), "closed" (resolved or refused) or "" for all.
	State         string
	Limit, Offset int
}

// CorrectionList lists requests, oldest open first for staff to work through (newest
// first for a requester's own list), a page at a time, with the total.
func CorrectionList(ctx context.Context, q sqlx.QueryerContext, f CorrectionFilter) ([]Correction, int, error) {
	where := ` WHERE ($1 = '' OR r.requested_by::text = $1)
		AND ($2 = '' OR ($2 = 'open' AND r.status IN ('open','in_progress')) OR ($2 = 'closed' AND r.status IN ('resolved','refused')))`
	order := ` ORDER BY r.created_at DESC, r.number DESC`
	if f.RequestedBy == "" {
		order = ` ORDER BY r.status IN ('resolved','refused'), r.created_at, r.number`
	}
	var rows []struct {
		Correction
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+correctionColumns+`, count(*) OVER () AS total`+correctionFrom+where+order+
		` LIMIT $3 OFFSET $4`, f.RequestedBy, f.State, f.Limit, f.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("correction requests: %w", err)
	}
	out, total := make([]Correction, len(rows)), 0
	ptrs := make([]*Correction, len(rows))
	for i, r := range rows {
		out[i], total = r.Correction, r.Total
		ptrs[i] = &out[i]
	}
	if err := labelCorrections(ctx, q, ptrs...); err != nil {
		return nil, 0, err
	}
	if len(rows) == 0 && f.Offset > 0 {
		err = sqlx.GetContext(ctx, q, &total, `SELECT count(*)`+correctionFrom+where, f.RequestedBy, f.State)
	}
	return out, total, err
}

// CorrectionDecision is a member of staff moving a request on: to in progress, or closing
// it as resolved or refused with the outcome the requester is sent.
type CorrectionDecision struct {
	Status  string
	Outcome string
	// Version is the request's version the decision was made on; a stale one is refused.
	Version            int
	HandlerID, Handler string
}

// Validate returns a message per form field ("status", "outcome").
func (d CorrectionDecision) Validate() map[string]string {
	errs := map[string]string{}
	switch d.Status {
	case CorrectionInProgress:
	case CorrectionResolved, CorrectionRefused:
		switch o := strings.TrimSpace(d.Outcome); {
		case o == "":
			errs["outcome"] = "Say what was done, or why the request is refused: the requester is sent this"
		case utf8.RuneCountInString(o) > maxCorrectionText:
			errs["outcome"] = fmt.Sprintf("The outcome must be %d characters or fewer", maxCorrectionText)
		}
	default:
		errs["status"] = "Select what is happening with the request"
	}
	return errs
}

// Decide records a decision; nobody decides a request they made themselves (a member of
// staff asking for a correction has it decided by a colleague). Closing a request emails the outcome to the requester (at
// their account's address now, or the one they had when they asked), in the same
// transaction.
func (s *Corrections) Decide(ctx context.Context, id string, d CorrectionDecision) (*Correction, error) {
	if errs := d.Validate(); len(errs) > 0 {
		return nil, apperr.InvalidFields(errs)
	}
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var cur Correction
		err := tx.GetContext(ctx, &cur, `SELECT `+correctionColumns+correctionFrom+` WHERE r.id::text = $1 FOR UPDATE OF r`, id)
		if db.IsNoRows(err) {
			return apperr.New(apperr.NotFound, "Request not found")
		}
		if err != nil {
			return fmt.Errorf("lock correction request: %w", err)
		}
		if err := labelCorrections(ctx, tx, &cur); err != nil {
			return err
		}
		if cur.Closed() {
			return apperr.New(apperr.Conflict, "This request was %s on %s and cannot be changed.",
				strings.ToLower(cur.StatusLabel()), cur.ClosedAt.Format("2 January 2006"))
		}
		if cur.Version != d.Version {
			return apperr.New(apperr.Conflict, "Someone else updated this request while you were looking at it. Check what it says now and try again.")
		}
		if cur.RequestedBy != nil && d.HandlerID == *cur.RequestedBy {
			return apperr.New(apperr.Forbidden, "You asked for this correction, so someone else must decide it.")
		}
		closing := d.Status == CorrectionResolved || d.Status == CorrectionRefused
		outcome := ""
		if closing {
			outcome = strings.TrimSpace(d.Outcome)
		}
		var by any
		if d.HandlerID != "" {
			by = d.HandlerID
		}
		_, err = tx.ExecContext(ctx, `UPDATE rectification_requests SET status = $2, outcome = $3, handled_by = $4, handled_by_name = $5,
				closed_at = CASE WHEN $6 THEN now() END, updated_at = now(), version = version + 1
			WHERE id = $1`, cur.ID, d.Status, outcome, by, d.Handler, closing)
		if err != nil {
			return fmt.Errorf("update correction request: %w", err)
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "rectification." + d.Status, ObjectType: "rectification_request", ObjectID: cur.ID,
			Summary: map[string]any{"from": cur.Status, "to": d.Status}}); err != nil {
			return err
		}
		if !closing {
			return nil
		}
		to := cur.RequesterEmail
		if cur.RequestedBy != nil {
			u, err := auth.UserByID(ctx, tx, *cur.RequestedBy)
			if err == nil {
				to = u.Email
			} else if !apperr.Is(err, apperr.NotFound) {
				return fmt.Errorf("requester's email: %w", err)
			}
		}
		return notify.Enqueue(ctx, tx, s.outcomeMail(to, &cur, d.Status, outcome))
	})
	if err != nil {
		return nil, err
	}
	return CorrectionByID(ctx, s.DB, id)
}

// outcomeMail tells the requester what happened to their request.
func (s *Corrections) outcomeMail(to string, c *Correction, status, outcome string) notify.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n", c.RequesterName)
	fmt.Fprintf(&b, "You asked us on %s to correct information we hold (reference %s).\n\n", c.CreatedAt.Format("2 January 2006"), c.Reference)
	fmt.Fprintf(&b, "Where: %s\n\n", c.Location)
	if status == CorrectionResolved {
		b.WriteString("We have made the correction. What we did:\n\n")
	} else {
		b.WriteString("We have decided not to make this correction. Our reasons:\n\n")
	}
	b.WriteString(outcome + "\n\n")
	if status == CorrectionRefused {
		b.WriteString("If you disagree, reply to this email. You can also complain to the Information Commissioner's Office: ico.org.uk, 0303 123 1113.\n\n")
	}
	fmt.Fprintf(&b, "You can see your request at %s/rectification/%s\n\n%s\n", strings.TrimSuffix(s.BaseURL, "/"), c.ID, s.CouncilName)
	return notify.Message{To: to, Subject: fmt.Sprintf("Your request to correct your information (%s)", c.Reference),
		Body: b.String(), Kind: "rectification_outcome"}
}
