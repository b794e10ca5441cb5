package workqueue

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/notify"
	"github.com/council/provider-portal/internal/work"
	"github.com/jmoiron/sqlx"
)

// Frequency is how often a person is emailed about new work.
type Frequency string

// The choices on the account page.
const (
	Immediate Frequency = "immediate"
	Daily     Frequency = "daily"
	Never     Frequency = "none"
)

// DefaultFrequency applies until a person chooses: a daily digest, so new work reaches
// everyone without a mail for each item.
const DefaultFrequency = Daily

// Frequencies are the choices, in the order the account page offers them.
var Frequencies = []Frequency{Immediate, Daily, Never}

// Label says the choice as the account page does.
func (f Frequency) Label() string {
	switch f {
	case Immediate:
		return "As soon as it arrives"
	case Daily:
		return "In a daily summary"
	case Never:
		return "Do not email me"
	}
	return string(f)
}

// Hint explains the choice.
func (f Frequency) Hint() string {
	switch f {
	case Immediate:
		return "An email within a few minutes of new work arriving for you."
	case Daily:
		return "One email each weekday morning listing new work and how much is waiting."
	case Never:
		return "Check your work in the portal."
	}
	return ""
}

// ParseFrequency reads a choice from a form.
func ParseFrequency(s string) (Frequency, bool) {
	for _, f := range Frequencies {
		if string(f) == s {
			return f, true
		}
	}
	return "", false
}

// Service keeps people's email choices and sends the work emails.
type Service struct {
	DB *sqlx.DB
	// BaseURL makes the links in emails.
	BaseURL *url.URL
	Now     func() time.Time
	// Settle is how long the mailer waits before counting work as arrived, so that work
	// committed by a transaction that began just before a run is mailed by the next run
	// rather than missed. Tests set it to zero.
	Settle time.Duration
	// DigestHour is the hour (council time, Europe/London) after which the day's digest goes.
	DigestHour int
}

// council is the council's time zone, for the digest's hour.
var council = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

// Preference is a person's choice of email about new work.
type Preference struct {
	Frequency Frequency `db:"frequency"`
	// MineOnly keeps the emails to work on the providers whose contracts they manage (and
	// requests they handle), as the "Your work" filter does.
	MineOnly bool `db:"mine_only"`
}

// PreferenceOf is the user's choice, or the default (a daily summary of all their work)
// when they have not chosen.
func PreferenceOf(ctx context.Context, q sqlx.QueryerContext, userID string) (Preference, error) {
	var p Preference
	err := sqlx.GetContext(ctx, q, &p, `SELECT frequency, mine_only FROM work_email_preferences WHERE user_id = $1`, userID)
	if db.IsNoRows(err) {
		return Preference{Frequency: DefaultFrequency}, nil
	}
	if err != nil {
		return Preference{}, fmt.Errorf("work email preference: %w", err)
	}
	return p, nil
}

// SetPreference records the user's choice, audited. Someone who was not being emailed
// starts from now: the first email is about work that arrives after they chose.
func (s *Service) SetPreference(ctx context.Context, userID string, p Preference) error {
	if _, ok := ParseFrequency(string(p.Frequency)); !ok {
		return apperr.InvalidFields(map[string]string{"work_email": "Select how often we should email you about new work"})
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		was := Preference{Frequency: DefaultFrequency}
		err := tx.GetContext(ctx, &was, `SELECT frequency, mine_only FROM work_email_preferences WHERE user_id = $1 FOR UPDATE`, userID)
		if err != nil && !db.IsNoRows(err) {
			return fmt.Errorf("work email preference: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO work_email_preferences (user_id, frequency, mine_only, notified_until) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id) DO UPDATE SET frequency = $2, mine_only = $3, updated_at = now(),
				notified_until = CASE WHEN work_email_preferences.frequency = 'none' THEN $4 ELSE work_email_preferences.notified_until END`,
			userID, string(p.Frequency), p.MineOnly, s.now()); err != nil {
			return fmt.Errorf("save work email preference: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.work_email.set", ObjectType: "user", ObjectID: userID,
			Summary: map[string]any{"from": string(was.Frequency), "to": string(p.Frequency), "mine_only": p.MineOnly}})
	})
}

// mailedItems is how many new items one email lists; the rest are on the page.
const mailedItems = 20

// preference is a stored choice with how far the mails have reached.
type preference struct {
	UserID string `db:"user_id"`
	Preference
	NotifiedUntil time.Time `db:"notified_until"`
}

// Notify is the periodic job: it emails each staff member choosing immediate mail about
// the work that arrived for them since their last email, and, once a day after DigestHour,
// each one choosing the digest about the day's new work and everything waiting. A person
// seen for the first time starts from now, so nobody is mailed a backlog. It reports how
// many emails it queued. Each email and its marker commit together, so a crash sends
// nothing twice and loses nothing.
func (s *Service) Notify(ctx context.Context) (int, error) {
	staff, err := auth.StaffUsers(ctx, s.DB)
	if err != nil {
		return 0, err
	}
	var prefs []preference
	if err := sqlx.SelectContext(ctx, s.DB, &prefs, `SELECT user_id, frequency, mine_only, notified_until FROM work_email_preferences`); err != nil {
		return 0, fmt.Errorf("work email preferences: %w", err)
	}
	byUser := make(map[string]preference, len(prefs))
	for _, p := range prefs {
		byUser[p.UserID] = p
	}
	now := s.now()
	upto := now.Add(-s.Settle)
	sent := 0
	for i := range staff {
		u := &staff[i]
		p, ok := byUser[u.ID]
		if !ok {
			if _, err := s.DB.ExecContext(ctx, `INSERT INTO work_email_preferences (user_id, frequency, notified_until) VALUES ($1, $2, $3)
				ON CONFLICT (user_id) DO NOTHING`, u.ID, string(DefaultFrequency), upto); err != nil {
				return sent, fmt.Errorf("start work emails: %w", err)
			}
			continue
		}
		if p.Frequency == Never || !upto.After(p.NotifiedUntil) || (p.Frequency == Daily && !s.digestDue(p.NotifiedUntil, now)) {
			continue
		}
		ok, err := s.mail(ctx, u, p, upto)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// mail sends one person their email, if there is anything to say, and moves their marker.
func (s *Service) mail(ctx context.Context, u *auth.User, p preference, upto time.Time) (bool, error) {
	items, _, err := List(ctx, s.DB, u, Query{After: p.NotifiedUntil, Mine: p.MineOnly, Limit: MaxItems})
	if err != nil {
		return false, err
	}
	var fresh []work.Item
	for _, it := range items {
		if !it.Since.After(upto) {
			fresh = append(fresh, it)
		}
	}
	var waiting int
	if p.MineOnly {
		_, waiting, err = List(ctx, s.DB, u, Query{Mine: true, Limit: 1})
	} else {
		waiting, err = Count(ctx, s.DB, u)
	}
	if err != nil {
		return false, err
	}
	var msg *notify.Message
	switch {
	case p.Frequency == Immediate && len(fresh) > 0:
		msg = s.message(u, p.MineOnly, fresh, waiting, "New work for you in Provider Portal", "work_immediate")
	case p.Frequency == Daily && waiting > 0:
		msg = s.message(u, p.MineOnly, fresh, waiting, "Your work in Provider Portal today", "work_digest")
	}
	err = db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE work_email_preferences SET notified_until = $3
			WHERE user_id = $1 AND notified_until = $2`, u.ID, p.NotifiedUntil, upto)
		if err != nil {
			return fmt.Errorf("move work email marker: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 || msg == nil {
			msg = nil // changed meanwhile (a new choice): the next run decides afresh
			return nil
		}
		return notify.Enqueue(ctx, tx, *msg)
	})
	return msg != nil, err
}

// message is the email: the new items, oldest first, and how much waits in all.
func (s *Service) message(u *auth.User, mine bool, fresh []work.Item, waiting int, subject, kind string) *notify.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n", u.Name)
	switch len(fresh) {
	case 0:
		b.WriteString("No new work has arrived for you since your last summary.\n")
	case 1:
		b.WriteString("1 new piece of work has arrived for you:\n\n")
	default:
		fmt.Fprintf(&b, "%d new pieces of work have arrived for you:\n\n", len(fresh))
	}
	for i, it := range fresh {
		if i == mailedItems {
			fmt.Fprintf(&b, "- and %d more\n", len(fresh)-mailedItems)
			break
		}
		name := it.Title
		if it.OrganisationName != "" {
			name += " (" + it.OrganisationName + ")"
		}
		fmt.Fprintf(&b, "- %s: %s\n  %s\n", it.Kind.Label(), name, s.link(it.Href))
	}
	noun := "items are"
	if waiting == 1 {
		noun = "item is"
	}
	where, page := "for you in all", s.link("/work")
	if mine {
		where, page = "for your contracts and providers", s.link("/work?show=mine")
	}
	fmt.Fprintf(&b, "\n%d %s waiting %s. See your work, oldest first:\n%s\n\n", waiting, noun, where, page)
	fmt.Fprintf(&b, "You can choose how often we email you about new work on your account page:\n%s\n", s.link("/account"))
	return &notify.Message{To: u.Email, Subject: subject, Body: b.String(), Kind: kind}
}

// digestDue reports whether the day's digest is due: it is past DigestHour today and the
// last one covered work only up to before that hour.
func (s *Service) digestDue(last, now time.Time) bool {
	local := now.In(council)
	at := time.Date(local.Year(), local.Month(), local.Day(), s.DigestHour, 0, 0, 0, council)
	if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !now.Before(at) && last.Before(at)
}

func (s *Service) link(path string) string {
	if s.BaseURL == nil {
		return path
	}
	return strings.TrimRight(s.BaseURL.String(), "/") + path
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
