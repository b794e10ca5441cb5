package auth

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/jmoiron/sqlx"
)

// Limits on requests that email an address someone typed. Per client: enough for a
// family or an office behind one address, too few to spray. Per address: a person asking
// again gets their email; a flood does not reach their inbox. Neither answer says whether
// the address has an account.
const (
	emailRequestsPerClientPerHour = 20
	emailsPerAddressPerHour       = 3
)

// emailRequest records a request of kind from ip for email, and reports whether the client
// must wait (ErrThrottled) or the address has had enough emails this hour (send is false:
// the caller answers as if it had sent one).
func emailRequest(ctx context.Context, tx *sqlx.Tx, kind, email, ip string, now time.Time) (send bool, err error) {
	var addr any
	if parsed := net.ParseIP(ip); parsed != nil {
		addr = parsed.String()
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM email_requests WHERE at < $1`, now.Add(-24*time.Hour)); err != nil {
		return false, fmt.Errorf("forget old email requests: %w", err)
	}
	var c struct {
		FromClient int        `db:"from_client"`
		ToAddress  int        `db:"to_address"`
		Oldest     *time.Time `db:"oldest"`
	}
	if err := tx.GetContext(ctx, &c, `SELECT
			count(*) FILTER (WHERE ip = $1) AS from_client,
			count(*) FILTER (WHERE email = $2 AND kind = $3) AS to_address,
			min(at) FILTER (WHERE ip = $1) AS oldest
		FROM email_requests WHERE at > $4`, addr, email, kind, now.Add(-time.Hour)); err != nil {
		return false, fmt.Errorf("count email requests: %w", err)
	}
	if addr != nil && c.FromClient >= emailRequestsPerClientPerHour && c.Oldest != nil {
		return false, &ErrThrottled{Wait: c.Oldest.Add(time.Hour).Sub(now).Round(time.Minute)}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO email_requests (kind, email, ip, at) VALUES ($1, $2, $3, $4)`, kind, email, addr, now); err != nil {
		return false, fmt.Errorf("record email request: %w", err)
	}
	return c.ToAddress < emailsPerAddressPerHour, nil
}
