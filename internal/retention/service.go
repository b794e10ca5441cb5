package retention

import (
	"time"

	"github.com/jmoiron/sqlx"
)

// Service runs the retention schedule: rules, holds, the sweep and destruction.
type Service struct {
	DB *sqlx.DB
	// Clock gives the time the rules count from; nil is time.Now.
	Clock func() time.Time
}

// london is the council's time zone: dates (a contract's end, the day someone left) are UK dates.
var london = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

func (s *Service) now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

// ukDate is t's date in the UK, as midnight UTC, the form dates are compared in.
func ukDate(t time.Time) time.Time {
	l := t.In(london)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// envFor is what the finders of a category need under rule r now.
func (s *Service) envFor(r Rule) env {
	now := s.now()
	today := ukDate(now)
	return env{Rule: r, Now: now, Cutoff: now.AddDate(0, -r.Months, 0), CutoffDate: today.AddDate(0, -r.Months, 0), Today: today}
}
