package quality

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/document"
	"github.com/jmoiron/sqlx"
)

// Service records visits and actions, answers providers' responses, and runs the daily
// compliance refresh and reminders. Every change commits in one transaction with its audit
// event, the mail it causes and the provider's recomputed compliance.
type Service struct {
	DB        *sqlx.DB
	Documents document.Store
	// BaseURL makes the links in emails.
	BaseURL *url.URL
	// Now is the clock; time.Now when nil. Tests fix it to a known day.
	Now func() time.Time
}

// london is the council's time zone: due dates and "today" are UK dates.
var london = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

// Today is the UK date now, as midnight UTC (how the database returns dates).
func (s *Service) Today() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return DateOf(now())
}

// DateOf is the UK date of an instant, as midnight UTC.
func DateOf(t time.Time) time.Time {
	n := t.In(london)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// link is an absolute address in the portal, for emails.
func (s *Service) link(path string) string {
	if s.BaseURL == nil {
		return path
	}
	return s.BaseURL.JoinPath(path).String()
}

// actor is the signed-in person making a change, with the name the record keeps.
type actor struct{ ID, Name string }

func currentActor(ctx context.Context, q sqlx.QueryerContext) (actor, error) {
	a := audit.ActorFrom(ctx)
	if a.UserID == "" {
		return actor{}, apperr.New(apperr.Unauthorized, "Sign in to continue")
	}
	name, err := auth.UserName(ctx, q, a.UserID)
	if err != nil {
		return actor{}, fmt.Errorf("actor name: %w", err)
	}
	return actor{ID: a.UserID, Name: name}, nil
}

// record audits a quality event against the provider's organisation, so that it shows in
// the record's history; detail says what happened in words.
func record(ctx context.Context, tx sqlx.ExtContext, action, orgID, detail string, summary map[string]any) error {
	if summary == nil {
		summary = map[string]any{}
	}
	summary["detail"] = detail
	return audit.Record(ctx, tx, audit.Event{Action: action, ObjectType: "organisation", ObjectID: orgID, Summary: summary})
}

// displayDate shows a date as people read it.
func displayDate(t time.Time) string { return t.Format("2 January 2006") }
