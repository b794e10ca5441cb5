package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// TOTPRetryAfter slows guessing of second-factor codes (from an app, or emailed) by someone
// who has a person's password: after FreePerAccount failed codes since the last good one (within the window),
// each further try waits, doubling, as for passwords. Failures are read from the audit trail,
// which records every failed code anyway.
func (r ThrottleRules) TOTPRetryAfter(ctx context.Context, q sqlx.QueryerContext, userID string, now time.Time) (time.Duration, error) {
	var c struct {
		Failures int        `db:"failures"`
		Last     *time.Time `db:"last"`
	}
	err := sqlx.GetContext(ctx, q, &c, `
		SELECT count(*) AS failures, max(at) AS last FROM audit_events
		WHERE object_type = 'user' AND object_id = $1 AND (action LIKE 'user.totp.%.failed' OR action = 'user.signin_code.failed')
		  AND at > greatest(now() - $2 * interval '1 second',
		      coalesce((SELECT max(at) FROM audit_events WHERE object_type = 'user' AND object_id = $1
		                AND action IN ('user.totp.signin', 'user.totp.step_up', 'user.totp.enrolled', 'user.signin_code')), '-infinity'))`,
		userID, r.Window.Seconds())
	if err != nil {
		return 0, fmt.Errorf("TOTP throttle: %w", err)
	}
	if c.Last == nil {
		return 0, nil
	}
	if w := c.Last.Add(r.delay(c.Failures, r.FreePerAccount)).Sub(now); w > 0 {
		return w, nil
	}
	return 0, nil
}
