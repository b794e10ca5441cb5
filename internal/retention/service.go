package retention

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// Service runs the retention schedule: rules, holds, the sweep and destruction.
type Service struct {
	DB *sqlx.DB
	// Contracts says where contracts are kept; nil finds the contracts table when it exists.
	Contracts *ContractSource
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
func (s *Service) envFor(ctx context.Context, q sqlx.QueryerContext, r Rule) (env, error) {
	now := s.now()
	cutoff := now.AddDate(0, -r.Months, 0)
	today := ukDate(now)
	e := env{Rule: r, Now: now, Cutoff: cutoff, CutoffDate: today.AddDate(0, -r.Months, 0), Today: today}
	if s.Contracts != nil {
		e.Contracts = s.Contracts
		return e, nil
	}
	src, err := DetectContracts(ctx, q)
	if err != nil {
		return env{}, err
	}
	e.Contracts = src
	return e, nil
}
