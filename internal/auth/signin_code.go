package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"math/big"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/notify"
	"github.com/jmoiron/sqlx"
)

const (
	// SignInCodeLife is how long an emailed sign-in code works.
	SignInCodeLife = 10 * time.Minute
	// SignInCodeResendInterval is the least time between two codes to one person, so the
	// page cannot be used to flood their inbox.
	SignInCodeResendInterval = time.Minute
)

var errSignInCode = apperr.New(apperr.Invalid, "Enter the 6-digit code from the email we sent you. If it has expired, ask for a new one")

// signInCodeHash binds a code to the session it was sent for: the same digits typed into
// another session (another browser, an attacker's) do not match.
func signInCodeHash(sessionTokenHash []byte, code string) []byte {
	sum := sha256.Sum256(fmt.Appendf(nil, "signin_code:%x:%s", sessionTokenHash, code))
	return sum[:]
}

// SendSignInCode emails a provider a one-time code for the session waiting at StageCode,
// replacing any code sent before. A resend (the "send a new code" button) sends nothing if
// a code went less than a minute ago (ErrThrottled says how long to wait); a new sign-in,
// which needs the password, always gets a code for its own session.
func (s *Service) SendSignInCode(ctx context.Context, sess *Session, u *User, resend bool) error {
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var last *time.Time
		if err := tx.GetContext(ctx, &last, `SELECT max(created_at) FROM one_time_tokens WHERE user_id = $1 AND purpose = 'signin_code'`, u.ID); err != nil {
			return fmt.Errorf("last sign-in code: %w", err)
		}
		if resend && last != nil {
			if wait := last.Add(SignInCodeResendInterval).Sub(s.now()); wait > 0 {
				return &ErrThrottled{Wait: wait.Round(time.Second)}
			}
		}
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
		if err != nil {
			return fmt.Errorf("sign-in code: %w", err)
		}
		code := fmt.Sprintf("%06d", n.Int64())
		if _, err := tx.ExecContext(ctx, `DELETE FROM one_time_tokens WHERE user_id = $1 AND purpose = 'signin_code'`, u.ID); err != nil {
			return fmt.Errorf("replace sign-in code: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO one_time_tokens (token_hash, purpose, user_id, expires_at, created_at)
			VALUES ($1, 'signin_code', $2, $3, $4)`, signInCodeHash(sess.TokenHash, code), u.ID, s.now().Add(SignInCodeLife), s.now()); err != nil {
			return fmt.Errorf("store sign-in code: %w", err)
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "user.signin_code.sent", ObjectType: "user", ObjectID: u.ID}); err != nil {
			return err
		}
		return notify.Enqueue(ctx, tx, notify.Message{To: u.Email, Kind: "signin_code",
			Subject: "Your Provider Portal sign-in code: " + code,
			Body: fmt.Sprintf("Dear %s,\n\nYour code to sign in to the Provider Portal is:\n\n%s\n\n"+
				"It works once, for the next 10 minutes, in the browser where you entered your password.\n\n"+
				"If you did not just try to sign in, someone may know your password: change it now.\n", u.Name, code)})
	})
}

// CheckSignInCode checks the code emailed for this session: single use, throttled like an
// app's codes, and audited (user.signin_code, or .failed).
func (s *Service) CheckSignInCode(ctx context.Context, sess *Session, u *User, code string) error {
	wait, err := s.Throttle.TOTPRetryAfter(ctx, s.DB, u.ID, s.now())
	if err != nil {
		return err
	}
	if wait > 0 {
		return &ErrThrottled{Wait: wait.Round(time.Second)}
	}
	ok := false
	if len(code) == 6 {
		err = db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM one_time_tokens WHERE token_hash = $1 AND user_id = $2
				AND purpose = 'signin_code' AND used_at IS NULL AND expires_at > $3`, signInCodeHash(sess.TokenHash, code), u.ID, s.now())
			if err != nil {
				return fmt.Errorf("check sign-in code: %w", err)
			}
			n, _ := res.RowsAffected()
			ok = n == 1
			return nil
		})
		if err != nil {
			return err
		}
	}
	action := "user.signin_code"
	if !ok {
		action += ".failed"
	}
	if err := audit.Record(ctx, s.DB, audit.Event{Action: action, ObjectType: "user", ObjectID: u.ID}); err != nil {
		return err
	}
	if !ok {
		return errSignInCode
	}
	return nil
}
