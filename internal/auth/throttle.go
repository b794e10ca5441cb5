package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Throttling slows password guessing without letting an attacker lock the real user out:
// failures are counted per account *from this address* (where a real user mistyping gets a
// short, growing wait), per address across all accounts (a spraying attacker), and per
// account from everywhere with a much higher bar (a distributed attack), each window ending
// at the account's last successful sign-in. Nothing ever locks an account indefinitely.
type ThrottleRules struct {
	Window         time.Duration // how far back failures count
	FreePerAccount int           // failures for one account from one address before waiting
	FreePerAddress int           // failures from one address, all accounts, before waiting
	FreeGlobal     int           // failures for one account from all addresses before waiting
	FirstDelay     time.Duration // the wait after the free failures; it doubles with each more
	MaxDelay       time.Duration
}

// DefaultThrottle suits a staff and provider population of thousands.
var DefaultThrottle = ThrottleRules{
	Window:         15 * time.Minute,
	FreePerAccount: 5,
	FreePerAddress: 30,
	FreeGlobal:     100,
	FirstDelay:     15 * time.Second,
	MaxDelay:       15 * time.Minute,
}

// delay returns how long after the last failure another attempt is allowed, for n failures.
func (r ThrottleRules) delay(n, free int) time.Duration {
	if n < free {
		return 0
	}
	d := r.FirstDelay
	for i := free; i < n && d < r.MaxDelay; i++ {
		d *= 2
	}
	return min(d, r.MaxDelay)
}

// RetryAfter returns how long the caller must wait before trying to sign in as email from
// ip, or zero when an attempt is allowed now.
func (r ThrottleRules) RetryAfter(ctx context.Context, q sqlx.QueryerContext, email, ip string, now time.Time) (time.Duration, error) {
	var c struct {
		AccountHere int        `db:"account_here"`
		LastHere    *time.Time `db:"last_here"`
		Address     int        `db:"address"`
		LastAddress *time.Time `db:"last_address"`
		Global      int        `db:"global"`
		LastGlobal  *time.Time `db:"last_global"`
	}
	err := sqlx.GetContext(ctx, q, &c, `
		WITH since AS (
			SELECT greatest(now() - $3 * interval '1 second',
			       coalesce((SELECT max(at) FROM signin_attempts WHERE email = $1 AND succeeded), '-infinity')) AS t
		)
		SELECT
			count(*) FILTER (WHERE email = $1 AND ip = NULLIF($2, '')::inet AND at > (SELECT t FROM since)) AS account_here,
			max(at) FILTER (WHERE email = $1 AND ip = NULLIF($2, '')::inet AND at > (SELECT t FROM since)) AS last_here,
			count(*) FILTER (WHERE ip = NULLIF($2, '')::inet) AS address,
			max(at) FILTER (WHERE ip = NULLIF($2, '')::inet) AS last_address,
			count(*) FILTER (WHERE email = $1 AND at > (SELECT t FROM since)) AS global,
			max(at) FILTER (WHERE email = $1 AND at > (SELECT t FROM since)) AS last_global
		FROM signin_attempts
		WHERE NOT succeeded AND at > now() - $3 * interval '1 second'
		  AND (email = $1 OR ip = NULLIF($2, '')::inet)`, email, ip, r.Window.Seconds())
	if err != nil {
		return 0, fmt.Errorf("sign-in throttle: %w", err)
	}
	wait := time.Duration(0)
	check := func(n, free int, last *time.Time) {
		if last == nil {
			return
		}
		if w := last.Add(r.delay(n, free)).Sub(now); w > wait {
			wait = w
		}
	}
	check(c.AccountHere, r.FreePerAccount, c.LastHere)
	check(c.Address, r.FreePerAddress, c.LastAddress)
	check(c.Global, r.FreeGlobal, c.LastGlobal)
	return wait, nil
}

// RecordAttempt notes a sign-in attempt for throttling.
func RecordAttempt(ctx context.Context, q sqlx.ExecerContext, email, ip string, ok bool) error {
	_, err := q.ExecContext(ctx, `INSERT INTO signin_attempts (email, ip, succeeded) VALUES ($1, NULLIF($2, '')::inet, $3)`, email, ip, ok)
	if err != nil {
		return fmt.Errorf("record sign-in attempt: %w", err)
	}
	return nil
}
