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
	"github.com/council/provider-portal/internal/privacy"
	"github.com/jmoiron/sqlx"
)

// Self-registration: a care provider's first user makes their own account and their
// organisation, after reading the privacy notice in full, and confirms their email address
// through a single-use link before they can sign in.

const (
	// ConfirmationLinkLife is how long an email confirmation link works.
	ConfirmationLinkLife = 72 * time.Hour
	// ConfirmationResendInterval is the least time between two confirmation emails to one
	// person, so the resend page cannot be used to flood someone's inbox.
	ConfirmationResendInterval = 5 * time.Minute
	// MaxOrganisationNameLength matches the organisations table's check.
	MaxOrganisationNameLength = 300
)

// Messages the registration pages show.
const (
	MsgEmailTaken       = "An account with this email address already exists. Sign in or reset your password"
	MsgPasswordMismatch = "Enter the same password twice"
)

// ErrEmailUnconfirmed is SignIn's answer to a provider whose password is right but who has
// not yet confirmed their email address. It is only given after the password is checked, so
// it tells nothing to someone guessing.
var ErrEmailUnconfirmed = apperr.New(apperr.Unauthorized,
	"Confirm your email address before you sign in: open the link we emailed you when you registered. If you cannot find the email, ask for a new link")

// ErrNoticeChanged says the privacy notice the visitor read is no longer the current one,
// so they must read the new version before giving their details.
var ErrNoticeChanged = apperr.New(apperr.Conflict, "The privacy notice has changed since you read it. Read the new version before you continue")

var errConfirmationLink = apperr.New(apperr.NotFound, "This link has expired or has already been used. Ask for a new one")

// Registration is what a person gives to register themselves and their organisation.
type Registration struct {
	Name             string
	Email            string
	OrganisationName string
	Password         string
	PasswordConfirm  string
	// NoticeID and NoticeReadAt are the privacy notice the visitor read before giving any
	// of the above, and when: recorded as the new user's acknowledgement.
	NoticeID     string
	NoticeReadAt time.Time
}

// Register creates, in one transaction, a provider user whose email is not yet confirmed,
// their organisation with them as its first member, their acknowledgement of the privacy
// notice they read, and the email with their confirmation link. It returns Invalid with a
// message per field (name, email, organisation, password, password_confirm), or
// ErrNoticeChanged when a newer notice took effect after they read theirs.
func (s *Service) Register(ctx context.Context, r Registration) (*User, string, error) {
	var u *User
	var orgID string
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := checkNoticeCurrent(ctx, tx, r.NoticeID); err != nil {
			return err
		}
		email, fields := checkNewProvider(r.Name, r.Email, r.Password, r.PasswordConfirm)
		orgName := strings.TrimSpace(r.OrganisationName)
		switch {
		case orgName == "":
			fields["organisation"] = "Enter the name of your organisation"
		case utf8.RuneCountInString(orgName) > MaxOrganisationNameLength:
			fields["organisation"] = fmt.Sprintf("Organisation name must be %d characters or fewer", MaxOrganisationNameLength)
		}
		if _, bad := fields["email"]; !bad {
			taken, err := emailTaken(ctx, tx, email)
			if err != nil {
				return err
			}
			if taken {
				fields["email"] = MsgEmailTaken
			}
		}
		if len(fields) > 0 {
			return apperr.InvalidFields(fields)
		}
		var err error
		u, err = s.CreateUser(ctx, tx, NewUser{Email: email, Name: r.Name, Roles: []Role{RoleProvider}, Password: r.Password})
		if err != nil {
			return takenMessage(err)
		}
		if err := tx.GetContext(ctx, &orgID, `INSERT INTO organisations (name) VALUES ($1) RETURNING id`, orgName); err != nil {
			return fmt.Errorf("create organisation: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, u.ID, orgID); err != nil {
			return fmt.Errorf("create membership: %w", err)
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "organisation.registered", ObjectType: "organisation", ObjectID: orgID,
			Summary: map[string]any{"name": orgName, "first_member": u.ID, "email": u.Email}}); err != nil {
			return err
		}
		readAt := r.NoticeReadAt
		if err := privacy.Acknowledge(ctx, tx, u.ID, r.NoticeID, &readAt); err != nil {
			return err
		}
		return s.sendConfirmation(ctx, tx, u)
	})
	if err != nil {
		return nil, "", err
	}
	return u, orgID, nil
}

// checkNoticeCurrent refuses a notice id that is not the current provider notice.
func checkNoticeCurrent(ctx context.Context, q sqlx.QueryerContext, noticeID string) error {
	n, err := privacy.Current(ctx, q, privacy.AudienceProvider)
	if err != nil {
		return err
	}
	if n.ID != noticeID {
		return ErrNoticeChanged
	}
	return nil
}

// checkNewProvider checks what a provider gives to make their own account, with the same
// rules CreateUser applies but in the words of someone filling in the form for themselves.
// It returns the normalised email and a message per bad field.
func checkNewProvider(name, email, password, confirm string) (string, map[string]string) {
	fields := map[string]string{}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		fields["name"] = "Enter your full name"
	case utf8.RuneCountInString(name) > 200:
		fields["name"] = "Full name must be 200 characters or fewer"
	}
	email, err := NormaliseEmail(email)
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

// takenMessage rewords CreateUser's duplicate-email refusal (met when two people register
// the same address at once) for someone registering themselves.
func takenMessage(err error) error {
	if f := apperr.FieldsOf(err); f != nil && f["email"] != "" {
		f["email"] = MsgEmailTaken
	}
	return err
}

func emailTaken(ctx context.Context, q sqlx.QueryerContext, email string) (bool, error) {
	var taken bool
	if err := sqlx.GetContext(ctx, q, &taken, `SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)`, email); err != nil {
		return false, fmt.Errorf("email taken: %w", err)
	}
	return taken, nil
}

// sendConfirmation stores a single-use confirmation link for u and queues the email with it.
func (s *Service) sendConfirmation(ctx context.Context, tx *sqlx.Tx, u *User) error {
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
		if err := tx.GetContext(ctx, &u.EmailConfirmedAt, `UPDATE users SET email_confirmed_at = now(), updated_at = now(), version = version + 1
			WHERE id = $1 RETURNING email_confirmed_at`, u.ID); err != nil {
			return fmt.Errorf("confirm email: %w", err)
		}
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
func (s *Service) ResendConfirmation(ctx context.Context, email string) error {
	email, err := NormaliseEmail(email)
	if err != nil {
		return apperr.InvalidFields(map[string]string{"email": apperr.MessageOf(err)})
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
		return s.sendConfirmation(ctx, tx, u)
	})
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
