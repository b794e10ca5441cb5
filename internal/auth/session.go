package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// Stage is how far a session has got through signing in.
type Stage string

const (
	StageAnonymous Stage = "anonymous" // a visitor; holds only a CSRF token
	StageMFA       Stage = "mfa"       // password checked; TOTP code due
	StageEnrol     Stage = "enrol"     // password checked; TOTP not yet set up
	StageCode      Stage = "code"      // password checked; the code emailed to a provider due
	StageFull      Stage = "full"      // signed in
)

// Session is a server-side session. Only the SHA-256 of its token is stored.
type Session struct {
	TokenHash         []byte     `db:"token_hash"`
	UserID            *string    `db:"user_id"`
	Stage             Stage      `db:"stage"`
	CSRFToken         string     `db:"csrf_token"`
	OrganisationID    *string    `db:"organisation_id"`
	PendingTOTPSecret *string    `db:"pending_totp_secret"`
	SteppedUpAt       *time.Time `db:"stepped_up_at"`
	Flash             *string    `db:"flash"`
	CreatedAt         time.Time  `db:"created_at"`
	LastSeenAt        time.Time  `db:"last_seen_at"`
	ExpiresAt         time.Time  `db:"expires_at"`
}

// SessionTimeouts bound a session's life: idle since the last request, and absolute since sign-in.
type SessionTimeouts struct {
	Idle     time.Duration
	Absolute time.Duration
}

// NewToken returns a random 256-bit token, URL-safe, for sessions and single-use links.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err)) // the OS has no entropy; nothing is safe
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how tokens are stored and looked up.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

const sessionColumns = `token_hash, user_id, stage, csrf_token, organisation_id, pending_totp_secret,
	stepped_up_at, flash, created_at, last_seen_at, expires_at`

// NewSession stores a session and returns its token for the cookie. Signing in always makes a
// new one (and deletes the old), so a token planted before sign-in is worthless after it.
func NewSession(ctx context.Context, q sqlx.ExtContext, userID string, stage Stage, orgID string, t SessionTimeouts, ip, userAgent string) (string, *Session, error) {
	token := NewToken()
	var uid, oid any
	if userID != "" {
		uid = userID
	}
	if orgID != "" {
		oid = orgID
	}
	var s Session
	err := sqlx.GetContext(ctx, q, &s, `
		INSERT INTO sessions (token_hash, user_id, stage, csrf_token, organisation_id, ip, user_agent, expires_at)
		VALUES ($1, $2, $3, $4, $5, NULLIF($6, '')::inet, left($7, 300), now() + $8 * interval '1 second')
		RETURNING `+sessionColumns,
		HashToken(token), uid, stage, NewToken(), oid, ip, userAgent, t.Absolute.Seconds())
	if err != nil {
		return "", nil, fmt.Errorf("create session: %w", err)
	}
	return token, &s, nil
}

// ErrNoSession is SessionByToken's answer when the token names no live session.
var ErrNoSession = apperr.New(apperr.NotFound, "Your session has ended. Sign in again")

// SessionByToken returns the live session for token, or ErrNoSession (an apperr.NotFound)
// when there is none or it has passed either timeout (an expired one is deleted; a signed-in
// one answers *SessionTimedOutError, which says whose it was). Each call within the idle window
// extends it; the write is skipped when the last one was recent (touchEvery).
func SessionByToken(ctx context.Context, q sqlx.ExtContext, token string, t SessionTimeouts) (*Session, error) {
	if token == "" || len(token) > 100 {
		return nil, ErrNoSession
	}
	var s Session
	err := sqlx.GetContext(ctx, q, &s, `SELECT `+sessionColumns+` FROM sessions WHERE token_hash = $1`, HashToken(token))
	if db.IsNoRows(err) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	now := time.Now()
	if now.After(s.ExpiresAt) || now.Sub(s.LastSeenAt) > t.Idle {
		if _, err := q.ExecContext(ctx, `WITH gone AS (DELETE FROM sessions WHERE token_hash = $1
				RETURNING token_hash, user_id, stage, csrf_token)
			`+rememberTimedOut, s.TokenHash); err != nil {
			return nil, fmt.Errorf("end expired session: %w", err)
		}
		if s.Stage == StageFull && s.UserID != nil {
			// Whose it was, so a form sent with it can be kept for them (KeepUnsentForm).
			return nil, &SessionTimedOutError{Session: TimedOutSession{TokenHash: s.TokenHash, UserID: *s.UserID, CSRFToken: s.CSRFToken}}
		}
		return nil, ErrNoSession
	}
	if now.Sub(s.LastSeenAt) > touchEvery(t) {
		if _, err := q.ExecContext(ctx, `UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1`, s.TokenHash); err != nil {
			return nil, fmt.Errorf("touch session: %w", err)
		}
	}
	return &s, nil
}

// touchEvery is how stale last_seen_at may get before a request writes it again: a minute,
// or a tenth of a short idle timeout, so the idle clock the timeout warning shows is never
// more than that behind.
func touchEvery(t SessionTimeouts) time.Duration {
	return min(time.Minute, t.Idle/10)
}

// EndsAt is when s times out unless another request comes first, as seen by a request made
// at now that loaded it through SessionByToken (which restarted its idle clock if it was
// more than touchEvery behind); never after the absolute timeout.
func (t SessionTimeouts) EndsAt(s *Session, now time.Time) time.Time {
	last := s.LastSeenAt
	if now.Sub(last) > touchEvery(t) {
		last = now
	}
	end := last.Add(t.Idle)
	if s.ExpiresAt.Before(end) {
		end = s.ExpiresAt
	}
	return end
}

// TouchSession restarts a session's idle clock now, for "Stay signed in".
func TouchSession(ctx context.Context, q sqlx.ExecerContext, tokenHash []byte) error {
	if _, err := q.ExecContext(ctx, `UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session on the server.
func DeleteSession(ctx context.Context, q sqlx.ExecerContext, tokenHash []byte) error {
	_, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user, for disabling and password changes.
func DeleteUserSessions(ctx context.Context, q sqlx.ExecerContext, userID string) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, fmt.Errorf("delete user sessions: %w", err)
	}
	return res.RowsAffected()
}

// SetFlash stores a one-off message shown on the next page (post/redirect/get).
func SetFlash(ctx context.Context, q sqlx.ExecerContext, tokenHash []byte, msg string) error {
	_, err := q.ExecContext(ctx, `UPDATE sessions SET flash = $2 WHERE token_hash = $1`, tokenHash, msg)
	return err
}

// TakeFlash returns and clears the session's flash message.
func TakeFlash(ctx context.Context, q sqlx.QueryerContext, tokenHash []byte) (string, error) {
	var msg *string
	err := sqlx.GetContext(ctx, q, &msg, `
		UPDATE sessions s SET flash = NULL FROM (SELECT flash FROM sessions WHERE token_hash = $1 FOR UPDATE) old
		WHERE s.token_hash = $1 RETURNING old.flash`, tokenHash)
	if err != nil || msg == nil {
		if db.IsNoRows(err) {
			err = nil
		}
		return "", err
	}
	return *msg, nil
}

// SetSessionOrganisation switches the organisation a provider user is acting for.
func SetSessionOrganisation(ctx context.Context, q sqlx.ExecerContext, tokenHash []byte, orgID string) error {
	_, err := q.ExecContext(ctx, `UPDATE sessions SET organisation_id = $2 WHERE token_hash = $1`, tokenHash, orgID)
	return err
}

// DeleteExpiredSessions removes sessions past their absolute or idle timeout, and
// anonymous ones older than a day; the daily job calls it.
// Signed-in sessions that timed out are remembered (ended_sessions) for EndedSessionMemory.
func DeleteExpiredSessions(ctx context.Context, q sqlx.ExtContext, t SessionTimeouts) (int64, error) {
	var n int64
	err := sqlx.GetContext(ctx, q, &n, `WITH gone AS (DELETE FROM sessions WHERE expires_at < now()
			OR last_seen_at < now() - $1 * interval '1 second'
			RETURNING token_hash, user_id, stage, csrf_token),
		remembered AS (`+rememberTimedOut+`)
		SELECT count(*) FROM gone`, t.Idle.Seconds())
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM ended_sessions WHERE ended_at < now() - $1 * interval '1 second'`,
		EndedSessionMemory.Seconds()); err != nil {
		return 0, fmt.Errorf("forget ended sessions: %w", err)
	}
	return n, nil
}

// LeaveSessionOrganisation stops every session of userID acting for orgID, for when they
// leave it or are removed from it; those sessions act for no organisation until the person
// chooses another.
func LeaveSessionOrganisation(ctx context.Context, q sqlx.ExecerContext, userID, orgID string) error {
	if _, err := q.ExecContext(ctx, `UPDATE sessions SET organisation_id = NULL WHERE user_id = $1 AND organisation_id = $2`, userID, orgID); err != nil {
		return fmt.Errorf("end acting for organisation: %w", err)
	}
	return nil
}

// RecordSessionNotice notes on a visitor's session that they have just read notice
// noticeID, so the account they go on to make records that acknowledgement, with the time
// they read it.
func RecordSessionNotice(ctx context.Context, q sqlx.ExecerContext, tokenHash []byte, noticeID string) error {
	_, err := q.ExecContext(ctx, `UPDATE sessions SET notice_acknowledged_id = $2, notice_acknowledged_at = now()
		WHERE token_hash = $1`, tokenHash, noticeID)
	if err != nil {
		return fmt.Errorf("record notice on session: %w", err)
	}
	return nil
}

// SessionNotice returns the notice a visitor read in this session and when, or "" when
// they have read none.
func SessionNotice(ctx context.Context, q sqlx.QueryerContext, tokenHash []byte) (string, time.Time, error) {
	var row struct {
		ID *string    `db:"notice_acknowledged_id"`
		At *time.Time `db:"notice_acknowledged_at"`
	}
	err := sqlx.GetContext(ctx, q, &row, `SELECT notice_acknowledged_id, notice_acknowledged_at FROM sessions WHERE token_hash = $1`, tokenHash)
	if db.IsNoRows(err) || (err == nil && (row.ID == nil || row.At == nil)) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("notice on session: %w", err)
	}
	return *row.ID, *row.At, nil
}
