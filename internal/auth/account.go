package auth

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/form"
	"github.com/jmoiron/sqlx"
)

// A person's own account: their sessions, which they can see and end, and their password,
// which they can change. Administrators can end someone's sessions without disabling them,
// and reset a lost authenticator app with a reason that is audited.

// SessionInfo is one of a person's sessions as they see it. Ref names it in forms: the hex
// of the token's hash, which is not itself a token.
type SessionInfo struct {
	Ref        string    `db:"ref"`
	Stage      Stage     `db:"stage"`
	IP         *string   `db:"ip"`
	UserAgent  *string   `db:"user_agent"`
	CreatedAt  time.Time `db:"created_at"`
	LastSeenAt time.Time `db:"last_seen_at"`
}

// RefOf is the Ref of a session.
func RefOf(sess *Session) string { return hex.EncodeToString(sess.TokenHash) }

// UserSessions lists a person's live sessions, most recently used first.
func UserSessions(ctx context.Context, q sqlx.QueryerContext, userID string, now time.Time) ([]SessionInfo, error) {
	var out []SessionInfo
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT encode(token_hash, 'hex') AS ref, stage, host(ip) AS ip, user_agent,
			created_at, last_seen_at FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC`, userID, now); err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	return out, nil
}

// EndSession signs one of u's own sessions out, wherever it is.
func (s *Service) EndSession(ctx context.Context, u *User, ref string) error {
	hash, err := hex.DecodeString(ref)
	if err != nil || len(hash) != 32 {
		return apperr.New(apperr.NotFound, "That session has already ended")
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1 AND user_id = $2`, hash, u.ID)
		if err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "That session has already ended")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.session.ended", ObjectType: "user", ObjectID: u.ID})
	})
}

// EndOtherSessions signs u out everywhere but the session keep.
func (s *Service) EndOtherSessions(ctx context.Context, u *User, keep *Session) (int64, error) {
	var n int64
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, u.ID, keep.TokenHash)
		if err != nil {
			return fmt.Errorf("end other sessions: %w", err)
		}
		n, _ = res.RowsAffected()
		return audit.Record(ctx, tx, audit.Event{Action: "user.sessions.ended_others", ObjectType: "user", ObjectID: u.ID,
			Summary: map[string]any{"sessions_ended": n}})
	})
	return n, err
}

// ChangePassword sets a new password for a signed-in person who gives their current one.
// Like a reset, it ends every outstanding link and every session but this one.
func (s *Service) ChangePassword(ctx context.Context, u *User, sess *Session, current, next, confirm string) error {
	fields := map[string]string{}
	if current == "" {
		fields["current_password"] = "Enter your current password"
	} else if ok, err := VerifyPassword(u.PasswordHash, current); err != nil {
		return err
	} else if !ok {
		fields["current_password"] = "Your current password is not right"
	}
	if err := CheckPassword(next, u.IsStaff(), u.Email, u.Name); err != nil {
		fields["password"] = apperr.MessageOf(err)
	} else if next != confirm {
		fields["password_confirm"] = "Enter the same password twice"
	}
	if len(fields) > 0 {
		if fields["current_password"] != "" && current != "" {
			_ = audit.Record(ctx, s.DB, audit.Event{Action: "user.password_change.failed", ObjectType: "user", ObjectID: u.ID})
		}
		return apperr.InvalidFields(fields)
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		ended, err := setPassword(ctx, tx, u.ID, hash, sess.TokenHash)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.password_changed", ObjectType: "user", ObjectID: u.ID,
			Summary: map[string]any{"sessions_ended": ended}})
	})
}

// EndUserSessions signs someone out everywhere, for an administrator who suspects a
// session is in the wrong hands, without disabling the account.
func (s *Service) EndUserSessions(ctx context.Context, id string) (int64, error) {
	var n int64
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		u, err := UserByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if n, err = DeleteUserSessions(ctx, tx, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.sessions.ended", ObjectType: "user", ObjectID: u.ID,
			Summary: map[string]any{"sessions_ended": n}})
	})
	return n, err
}

// ResetAuthenticator forgets a person's authenticator app, so at their next sign-in they
// set up a new one, and signs them out everywhere. An administrator does it for someone
// else, never themselves, giving a reason that is audited: the reason is what a reviewer
// checks, since whoever can reset the app could sign in with the password alone.
func (s *Service) ResetAuthenticator(ctx context.Context, id, reason string) error {
	reason, msg := form.Text(reason, "the reason", true, 500)
	switch {
	case msg != "":
		return apperr.InvalidFields(map[string]string{"reason": msg})
	case len(reason) < 10:
		return apperr.InvalidFields(map[string]string{"reason": "Say why the app is being reset (at least 10 characters), for example how you checked who asked"})
	case len(reason) > 500:
		return apperr.InvalidFields(map[string]string{"reason": "The reason must be 500 characters or fewer"})
	}
	if audit.ActorFrom(ctx).UserID == id {
		return apperr.New(apperr.Forbidden, "You cannot reset your own authenticator app. Ask another administrator")
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		u, err := UserByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.TOTPSecret == nil {
			return apperr.New(apperr.Invalid, "%s has no authenticator app set up", u.Name)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = NULL, totp_last_step = 0, updated_at = now(), version = version + 1 WHERE id = $1`, u.ID); err != nil {
			return fmt.Errorf("reset authenticator: %w", err)
		}
		n, err := DeleteUserSessions(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.totp.reset", ObjectType: "user", ObjectID: u.ID,
			Summary: map[string]any{"reason": reason, "sessions_ended": n}})
	})
}
