package auth

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/notify"
	"github.com/council/provider-portal/internal/validate"
	"github.com/jmoiron/sqlx"
)

// Accounts people make for themselves (registering, or through an invitation to join an
// organisation, both in package membership) are checked here with the words of someone
// filling in the form for themselves, and a self-registered provider confirms their email
// address through a single-use link before they can sign in.

const (
	// ConfirmationLinkLife is how long an email confirmation link works.
	ConfirmationLinkLife = 72 * time.Hour
	// ConfirmationResendInterval is the least time between two confirmation emails to one
	// person, so the resend page cannot be used to flood someone's inbox.
	ConfirmationResendInterval = 5 * time.Minute
)

// MsgPasswordMismatch is the message for a confirmation that differs from the password.
const MsgPasswordMismatch = "Enter the same password twice"

// ErrEmailUnconfirmed is SignIn's answer to a provider whose password is right but who has
// not yet confirmed their email address. It is only given after the password is checked, so
// it tells nothing to someone guessing.
var ErrEmailUnconfirmed = apperr.New(apperr.Unauthorized,
	"Confirm your email address before you sign in: open the link we emailed you when you registered. If you cannot find the email, ask for a new link")

var errConfirmationLink = apperr.New(apperr.NotFound, "This link has expired or has already been used. Ask for a new one")

// CheckNewProvider checks what a provider gives to make their own account, with the same
// rules CreateUser applies but in the words of someone filling in the form for themselves.
// It returns the normalised email and a message per bad field (name, email, password,
// password_confirm); the map is empty, never nil, when all is well.
func CheckNewProvider(name, email, password, confirm string) (string, map[string]string) {
	fields := map[string]string{}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		fields["name"] = "Enter your full name"
	case utf8.RuneCountInString(name) > 200:
		fields["name"] = "Full name must be 200 characters or fewer"
	}
	email, err := validate.NormaliseEmail(email)
	if err != nil {
		fields["email"] = apperr.MessageOf(err)
	}
	if len(password) > 4*MaxPasswordLength {
		fields["password"] = MsgPasswordTooLong
	} else if err := CheckPassword(password, false, email, name); err != nil {
		fields["password"] = apperr.MessageOf(err)
	}
	if _, bad := fields["password"]; !bad && password != confirm {
		fields["password_confirm"] = MsgPasswordMismatch
	}
	return email, fields
}

// SendConfirmation stores a single-use confirmation link for u and queues the email with
// it, in the caller's transaction.
func (s *Service) SendConfirmation(ctx context.Context, tx *sqlx.Tx, u *User) error {
	token := NewToken()
	if _, err := tx.ExecContext(ctx, `INSERT INTO one_time_tokens (token_hash, purpose, user_id, expires_at)
		VALUES ($1, 'email_confirmation', $2, now() + $3 * interval '1 second')`, HashToken(token), u.ID, ConfirmationLinkLife.Seconds()); err != nil {
		return fmt.Errorf("store confirmation link: %w", err)
	}
	if err := notify.Enqueue(ctx, tx, notify.Message{To: u.Email, Kind: "email_confirmation",
		Subject: "Confirm your email address for the Provider Portal",
		Body: fmt.Sprintf("Dear %s,\n\nThank you for registering with the Provider Portal.\n\n"+
			"To confirm your email address, open this link within 3 days:\n\n%s\n\n"+
			"You can then sign in. The link works once. If you did not register, you can ignore this email.\n",
			u.Name, s.BaseURL.JoinPath("/register/confirm", token).String()),
	}); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Event{Action: "user.email_confirmation.sent", ObjectType: "user", ObjectID: u.ID})
}

// MarkEmailConfirmed records that the user's email address is confirmed, now, and returns
// when. The caller audits why (a confirmation link, or an invitation the person received).
func MarkEmailConfirmed(ctx context.Context, tx *sqlx.Tx, userID string) (time.Time, error) {
	var at time.Time
	if err := tx.GetContext(ctx, &at, `UPDATE users SET email_confirmed_at = now(), updated_at = now(), version = version + 1
		WHERE id = $1 RETURNING email_confirmed_at`, userID); err != nil {
		return time.Time{}, fmt.Errorf("confirm email: %w", err)
	}
	return at, nil
}

// ConfirmEmail marks the email address of the user a confirmation link was sent to as
// confirmed, and uses the link up. A link that was used already (some mail scanners open
// links before the person does) or has expired still answers with the user when their
// address is confirmed, so they are simply told to sign in; otherwise it is NotFound.
func (s *Service) ConfirmEmail(ctx context.Context, token string) (*User, error) {
	var u *User
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var link struct {
			UserID string `db:"user_id"`
			Live   bool   `db:"live"`
		}
		err := tx.GetContext(ctx, &link, `SELECT user_id, (used_at IS NULL AND expires_at > now()) AS live
			FROM one_time_tokens WHERE token_hash = $1 AND purpose = 'email_confirmation' FOR UPDATE`, HashToken(token))
		if db.IsNoRows(err) {
			return errConfirmationLink
		}
		if err != nil {
			return fmt.Errorf("confirmation link: %w", err)
		}
		if u, err = UserByID(ctx, tx, link.UserID); err != nil {
			return err
		}
		if u.Disabled() {
			return errConfirmationLink
		}
		if u.EmailConfirmedAt != nil {
			return nil
		}
		if !link.Live {
			return errConfirmationLink
		}
		if _, err := tx.ExecContext(ctx, `UPDATE one_time_tokens SET used_at = now() WHERE token_hash = $1`, HashToken(token)); err != nil {
			return fmt.Errorf("use confirmation link: %w", err)
		}
		at, err := MarkEmailConfirmed(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		u.EmailConfirmedAt = &at
		return audit.Record(ctx, tx, audit.Event{Action: "user.email_confirmed", ObjectType: "user", ObjectID: u.ID})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// ResendConfirmation emails a new confirmation link to a provider who has not confirmed
// their address yet, at most once every ConfirmationResendInterval. It returns nil whether
// or not anything was sent, so the page cannot be used to find out who has an account; only
// a malformed address is refused (Invalid, field "email").
func (s *Service) ResendConfirmation(ctx context.Context, email, ip string) error {
	email, err := validate.NormaliseEmail(email)
	if err != nil {
		return apperr.InvalidFields(map[string]string{"email": apperr.MessageOf(err)})
	}
	// Limited per client like registrations, whatever the address (ErrThrottled).
	if err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		_, err := emailRequest(ctx, tx, "registration", email, ip, s.now())
		return err
	}); err != nil {
		return err
	}
	u, err := UserByEmail(ctx, s.DB, email)
	if apperr.Is(err, apperr.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if u.Disabled() || u.EmailConfirmedAt != nil || !u.Has(RoleProvider) {
		return nil
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		// Lock the user, so two requests at once cannot both pass the interval check.
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, u.ID); err != nil {
			return fmt.Errorf("lock user: %w", err)
		}
		var recent bool
		if err := tx.GetContext(ctx, &recent, `SELECT EXISTS (SELECT 1 FROM one_time_tokens
			WHERE user_id = $1 AND purpose = 'email_confirmation' AND created_at > now() - $2 * interval '1 second')`,
			u.ID, ConfirmationResendInterval.Seconds()); err != nil {
			return fmt.Errorf("recent confirmation link: %w", err)
		}
		if recent {
			return nil
		}
		return s.SendConfirmation(ctx, tx, u)
	})
}
