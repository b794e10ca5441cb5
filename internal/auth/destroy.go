package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// DestroyProviderUsersOnlyOf deletes, in the caller's transaction, the accounts of provider
// users who belong to some of the organisations orgIDs and to no other, and returns how many
// went. Their sessions, one-time tokens and memberships go with them (ON DELETE CASCADE);
// records they made elsewhere keep the name stored with them.
//
// Why: a provider user's account exists to act for their organisations. When every one of
// them is destroyed (a registration turned down and past its retention period), the account
// is personal data kept for no purpose. Anyone who belongs to another organisation keeps
// their account, and an account with any staff role is never removed this way, whatever its
// memberships: staff accounts are ended by an administrator, not by a provider's retention.
//
// Call it before the organisations are deleted: it finds the users through memberships.
func DestroyProviderUsersOnlyOf(ctx context.Context, tx *sqlx.Tx, orgIDs []string) (int, error) {
	if len(orgIDs) == 0 {
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM users u WHERE u.roles = ARRAY['provider']
		AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.organisation_id::text = ANY($1))
		AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND NOT (m.organisation_id::text = ANY($1)))`,
		pq.StringArray(orgIDs))
	if err != nil {
		return 0, fmt.Errorf("destroy provider users: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("destroy provider users: %w", err)
	}
	return int(n), nil
}

// CountSignInRecordsBefore counts what DestroySignInRecordsBefore would delete: sessions last
// used, sign-in attempts made, and forms kept after a timeout, on or before cutoff.
func CountSignInRecordsBefore(ctx context.Context, q sqlx.QueryerContext, cutoff time.Time) (int, error) {
	var n int
	err := sqlx.GetContext(ctx, q, &n, `SELECT (SELECT count(*) FROM sessions WHERE last_seen_at <= $1)
		+ (SELECT count(*) FROM signin_attempts WHERE at <= $1)
		+ (SELECT count(*) FROM unsent_forms WHERE created_at <= $1)
		+ (SELECT count(*) FROM ended_sessions WHERE ended_at <= $1)`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("count sign-in records: %w", err)
	}
	return n, nil
}

// DestroySignInRecordsBefore deletes, in the caller's transaction, the sessions last used,
// the sign-in attempts made and the forms kept after a timeout (which their own hour's
// expiry deletes long before) on or before cutoff, and returns how many rows went.
//
// Why: sessions and attempts hold IP addresses, browsers and email addresses, kept for
// security (throttling, investigating misuse) for as long as the retention schedule says.
// Nothing this package relies on is lost: a session idle that long has passed its idle
// timeout, and throttling looks back minutes (ThrottleRules.Window), never months.
func DestroySignInRecordsBefore(ctx context.Context, tx *sqlx.Tx, cutoff time.Time) (int, error) {
	total := 0
	for _, stmt := range []string{
		`DELETE FROM sessions WHERE last_seen_at <= $1`,
		`DELETE FROM signin_attempts WHERE at <= $1`,
		`DELETE FROM unsent_forms WHERE created_at <= $1`,
		`DELETE FROM ended_sessions WHERE ended_at <= $1`,
	} {
		res, err := tx.ExecContext(ctx, stmt, cutoff)
		if err != nil {
			return 0, fmt.Errorf("destroy sign-in records: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("destroy sign-in records: %w", err)
		}
		total += int(n)
	}
	return total, nil
}
