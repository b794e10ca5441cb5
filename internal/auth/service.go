package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/notify"
	"github.com/council/provider-portal/internal/validate"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
)

// Service is signing in and managing users: every method that changes something audits it
// in the same transaction.
type Service struct {
	DB       *sqlx.DB
	Vault    *vault.Vault
	Timeouts SessionTimeouts
	Throttle ThrottleRules
	BaseURL  *url.URL
	Issuer   string // shown in authenticator apps, e.g. "Provider Portal (Example Council)"
	Now      func() time.Time
	// ProviderAppRequired makes provider users set up an authenticator app, as staff do,
	// instead of receiving their sign-in codes by email (PORTAL_PROVIDER_APP_REQUIRED).
	ProviderAppRequired bool
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ErrThrottled says to wait before trying again.
type ErrThrottled struct{ Wait time.Duration }

func (e *ErrThrottled) Error() string { return fmt.Sprintf("too many attempts; wait %s", e.Wait) }

// SignIn checks an email and password. It answers the same way whether the email is unknown,
// the password wrong or the account disabled, so it never reveals which accounts exist.
func (s *Service) SignIn(ctx context.Context, email, password, ip string) (*User, error) {
	email = strings.TrimSpace(email)
	wait, err := s.Throttle.RetryAfter(ctx, s.DB, email, ip, s.now())
	if err != nil {
		return nil, err
	}
	if wait > 0 {
		return nil, &ErrThrottled{Wait: wait.Round(time.Second)}
	}
	u, err := UserByEmail(ctx, s.DB, email)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return nil, err
	}
	ok := false
	if u == nil {
		VerifyDummy(password)
	} else if ok, err = VerifyPassword(u.PasswordHash, password); err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	ok = ok && !u.Disabled()
	// A self-registered provider signs in only once their email address is confirmed.
	unconfirmed := ok && u.Has(RoleProvider) && u.EmailConfirmedAt == nil
	ok = ok && !unconfirmed
	actor := audit.ActorFrom(ctx)
	actor.Email = email
	err = db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := RecordAttempt(ctx, tx, email, ip, ok); err != nil {
			return err
		}
		ev := audit.Event{Action: "user.signin.failed", ObjectType: "user"}
		if u != nil {
			ev.ObjectID = u.ID
			if u.Disabled() {
				ev.Summary = map[string]any{"reason": "disabled"}
			}
			if unconfirmed {
				ev.Summary = map[string]any{"reason": "email_unconfirmed"}
			}
		}
		if ok {
			actor.UserID, actor.Roles = u.ID, u.RoleNames
			ev.Action = "user.signin.password"
		}
		return audit.RecordAs(ctx, tx, actor, ev)
	})
	if err != nil {
		return nil, err
	}
	if unconfirmed {
		return nil, ErrEmailUnconfirmed
	}
	if !ok {
		return nil, apperr.New(apperr.Unauthorized, "Enter a correct email address and password")
	}
	if NeedsRehash(u.PasswordHash) {
		if h, err := HashPassword(password); err == nil {
			_, _ = s.DB.ExecContext(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, u.ID, h)
		}
	}
	return u, nil
}

// CheckTOTP checks a staff member's code and refuses a code already used, so one seen over a
// shoulder cannot be replayed. purpose is audited ("signin" or "step_up").
func (s *Service) CheckTOTP(ctx context.Context, u *User, code, purpose string) error {
	if u.TOTPSecret == nil {
		return apperr.New(apperr.Invalid, "Set up your authenticator app first")
	}
	wait, err := s.Throttle.TOTPRetryAfter(ctx, s.DB, u.ID, s.now())
	if err != nil {
		return err
	}
	if wait > 0 {
		return &ErrThrottled{Wait: wait.Round(time.Second)}
	}
	secret, err := s.Vault.Open(*u.TOTPSecret, "users:"+u.ID+":totp")
	if err != nil {
		return fmt.Errorf("open TOTP secret: %w", err)
	}
	step, ok := ValidateTOTP(secret, code, s.now())
	err = db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if ok {
			res, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, u.ID, step)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				ok = false
			}
		}
		action := "user.totp." + purpose
		if !ok {
			action += ".failed"
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, ObjectType: "user", ObjectID: u.ID})
	})
	if err == nil && !ok {
		return errTOTP
	}
	return err
}

var errTOTP = apperr.New(apperr.Invalid, "Enter the 6-digit code from your authenticator app. If it does not work, wait for the next code")

// StartTOTPEnrolment makes a new secret for the session to hold until the user proves
// their app has it.
func (s *Service) StartTOTPEnrolment(u *User) (secret, otpauthURL string, err error) {
	return NewTOTPSecret(s.Issuer, u.Email)
}

// SealPendingSecret encrypts an enrolment secret for the session row.
func (s *Service) SealPendingSecret(tokenHash []byte, secret string) (string, error) {
	return s.Vault.Seal(secret, fmt.Sprintf("sessions:%x:totp", tokenHash))
}

// OpenPendingSecret decrypts an enrolment secret from the session row.
func (s *Service) OpenPendingSecret(tokenHash []byte, sealed string) (string, error) {
	return s.Vault.Open(sealed, fmt.Sprintf("sessions:%x:totp", tokenHash))
}

// CompleteTOTPEnrolment stores the secret once the user has entered a code from it.
func (s *Service) CompleteTOTPEnrolment(ctx context.Context, u *User, secret, code string) error {
	step, ok := ValidateTOTP(secret, code, s.now())
	if !ok {
		return errTOTP
	}
	sealed, err := s.Vault.Seal(secret, "users:"+u.ID+":totp")
	if err != nil {
		return err
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $2, totp_last_step = $3, updated_at = now(), version = version + 1 WHERE id = $1`, u.ID, sealed, step); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.totp.enrolled", ObjectType: "user", ObjectID: u.ID})
	})
}

// NewUser is what an administrator (or the command line, or registration) gives to make a user.
type NewUser struct {
	Email    string
	Name     string
	Roles    []Role
	Password string
	// EmailConfirmed is true for users made by an administrator, whose address the council knows.
	EmailConfirmed bool
}

// CreateUser validates and stores a user. The password is checked against the policy for
// the user's roles: 15 characters for providers (their only factor), 8 for staff.
func (s *Service) CreateUser(ctx context.Context, tx *sqlx.Tx, nu NewUser) (*User, error) {
	fields := map[string]string{}
	email, err := validate.NormaliseEmail(nu.Email)
	if err != nil {
		fields["email"] = apperr.MessageOf(err)
	}
	name := strings.TrimSpace(nu.Name)
	if name == "" {
		fields["name"] = "Enter the person's full name"
	} else if len([]rune(name)) > 200 {
		fields["name"] = "Name must be 200 characters or fewer"
	}
	if msg := validateRoles(nu.Roles); msg != "" {
		fields["roles"] = msg
	}
	staff := slices.ContainsFunc(nu.Roles, Role.IsStaff)
	if err := CheckPassword(nu.Password, staff, email, name); err != nil {
		fields["password"] = apperr.MessageOf(err)
	}
	if len(fields) > 0 {
		return nil, apperr.InvalidFields(fields)
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	roles := make([]string, len(nu.Roles))
	for i, r := range nu.Roles {
		roles[i] = string(r)
	}
	var confirmed any
	if nu.EmailConfirmed {
		confirmed = s.now()
	}
	var u User
	err = tx.GetContext(ctx, &u, `INSERT INTO users (email, name, password_hash, roles, email_confirmed_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+userColumns, email, name, hash, rolesArray(roles), confirmed)
	if db.IsCode(err, db.CodeUniqueViolation) {
		return nil, apperr.InvalidFields(map[string]string{"email": "A user with this email address already exists"})
	}
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	err = audit.Record(ctx, tx, audit.Event{Action: "user.create", ObjectType: "user", ObjectID: u.ID,
		Summary: map[string]any{"email": email, "name": name, "roles": roles}})
	return &u, err
}

func validateRoles(roles []Role) string {
	if len(roles) == 0 {
		return "Select at least one role"
	}
	for _, r := range roles {
		if !slices.Contains(Roles, r) {
			return "Select roles from the list"
		}
	}
	if slices.Contains(roles, RoleProvider) && len(roles) > 1 {
		return "A provider user cannot also hold a council role"
	}
	return ""
}

// SetRoles changes a user's roles; version must be the one the administrator saw. Roles
// taken away go at once. Staff roles added wait for a second administrator
// (ApproveGrant): SetRoles then returns the grant waiting, and nil when nothing waits. No
// one changes their own roles.
func (s *Service) SetRoles(ctx context.Context, id string, roles []Role, version int) (*RoleGrant, error) {
	if msg := validateRoles(roles); msg != "" {
		return nil, apperr.InvalidFields(map[string]string{"roles": msg})
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	var grant *RoleGrant
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		u, err := UserByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if audit.ActorFrom(ctx).UserID == id {
			return errOwnRoles
		}
		if u.Version != version {
			return apperr.New(apperr.Conflict, "Someone else changed this user while you were editing. Check the roles and try again")
		}
		var added, removed, kept []string
		for _, r := range names {
			if !slices.Contains(u.RoleNames, r) {
				added = append(added, r)
			}
		}
		for _, r := range u.RoleNames {
			if slices.Contains(names, r) {
				kept = append(kept, r)
			} else {
				removed = append(removed, r)
			}
		}
		if len(removed) > 0 && len(kept) > 0 {
			// Taking roles away needs no second person, so it happens now.
			res, err := tx.ExecContext(ctx, `UPDATE users SET roles = $2, updated_at = now(), version = version + 1 WHERE id = $1 AND version = $3`,
				id, rolesArray(kept), version)
			if err != nil {
				return fmt.Errorf("set roles: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.New(apperr.Conflict, "Someone else changed this user while you were editing. Check the roles and try again")
			}
			if err := audit.Record(ctx, tx, audit.Event{Action: "user.roles.change", ObjectType: "user", ObjectID: id,
				Summary: map[string]any{"from": []string(u.RoleNames), "to": kept}}); err != nil {
				return err
			}
			removed = nil
		}
		if len(added) == 0 {
			return nil
		}
		// An account could be left with no role at all only by a change of role (say
		// finance to officer): the old role then goes when the new one is approved.
		kind := GrantRoles
		if unapproved, err := unapprovedNewAccount(ctx, tx, id); err != nil {
			return err
		} else if unapproved {
			kind = GrantNewAccount
		}
		grant, err = requestGrant(ctx, tx, id, kind, added, removed)
		return err
	})
	return grant, err
}

// Disable stops a user signing in and ends their sessions at once.
func (s *Service) Disable(ctx context.Context, id string) error {
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		u, err := UserByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if audit.ActorFrom(ctx).UserID == id {
			return apperr.New(apperr.Invalid, "You cannot disable your own account")
		}
		if u.Disabled() {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = now(), updated_at = now(), version = version + 1 WHERE id = $1`, id); err != nil {
			return fmt.Errorf("disable user: %w", err)
		}
		n, err := DeleteUserSessions(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.disable", ObjectType: "user", ObjectID: id,
			Summary: map[string]any{"email": u.Email, "sessions_ended": n}})
	})
}

// Enable lets a disabled user sign in again.
func (s *Service) Enable(ctx context.Context, id string) error {
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		u, err := UserByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if !u.Disabled() {
			return nil
		}
		if unapproved, err := unapprovedNewAccount(ctx, tx, id); err != nil {
			return err
		} else if unapproved {
			return apperr.New(apperr.Forbidden, "This account's roles have not been approved by a second administrator, so it cannot be enabled yet")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = NULL, updated_at = now(), version = version + 1 WHERE id = $1`, id); err != nil {
			return fmt.Errorf("enable user: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.enable", ObjectType: "user", ObjectID: id})
	})
}

// resetLinkLife is how long a password reset link works; an invitation lasts longer
// because it may wait over a weekend.
const (
	resetLinkLife      = time.Hour
	invitationLinkLife = 72 * time.Hour
)

// Invite creates a staff user chosen by an administrator. The account stays disabled, and
// no one is emailed, until a second administrator approves its roles (ApproveGrant), which
// then emails the person a single-use link to choose their own password, so no
// administrator ever knows it.
func (s *Service) Invite(ctx context.Context, email, name string, roles []Role) (*User, error) {
	var u *User
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		u, err = s.CreateUser(ctx, tx, NewUser{Email: email, Name: name, Roles: roles, Password: NewToken(), EmailConfirmed: true})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = now() WHERE id = $1`, u.ID); err != nil {
			return fmt.Errorf("hold new account: %w", err)
		}
		_, err = requestGrant(ctx, tx, u.ID, GrantNewAccount, u.RoleNames, nil)
		return err
	})
	return u, err
}

// sendStaffInvitation emails a staff member a single-use link to choose their password.
func (s *Service) sendStaffInvitation(ctx context.Context, tx *sqlx.Tx, u *User) error {
	token := NewToken()
	if _, err := tx.ExecContext(ctx, `INSERT INTO one_time_tokens (token_hash, purpose, user_id, expires_at)
		VALUES ($1, 'invitation', $2, now() + $3 * interval '1 second')`, HashToken(token), u.ID, invitationLinkLife.Seconds()); err != nil {
		return fmt.Errorf("store invitation: %w", err)
	}
	return notify.Enqueue(ctx, tx, notify.Message{To: u.Email, Kind: "invitation",
		Subject: "Your Provider Portal account",
		Body: fmt.Sprintf("Dear %s,\n\nAn account has been made for you on the Provider Portal.\n\n"+
			"To choose your password, open this link within 3 days:\n\n%s\n\n"+
			"You will then set up an authenticator app on your phone for the codes you need to sign in.\n",
			u.Name, s.BaseURL.JoinPath("/password-reset", token).String()),
	})
}

// RequestPasswordReset emails a single-use link when the address belongs to an active user.
// It returns nil either way, so the page cannot be used to find out who has an account.
// Requests are limited per client (ErrThrottled, whatever the address) and per address (a
// flood sends at most a few emails an hour; the answer is the same).
func (s *Service) RequestPasswordReset(ctx context.Context, email, ip string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	token := NewToken()
	link := s.BaseURL.JoinPath("/password-reset", token).String()
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		send, err := emailRequest(ctx, tx, "password_reset", email, ip, s.now())
		if err != nil || !send {
			return err
		}
		u, err := UserByEmail(ctx, tx, email)
		if apperr.Is(err, apperr.NotFound) || (u != nil && u.Disabled()) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO one_time_tokens (token_hash, purpose, user_id, expires_at)
			VALUES ($1, 'password_reset', $2, now() + $3 * interval '1 second')`, HashToken(token), u.ID, resetLinkLife.Seconds()); err != nil {
			return fmt.Errorf("store reset token: %w", err)
		}
		if err := notify.Enqueue(ctx, tx, notify.Message{To: u.Email, Kind: "password_reset",
			Subject: "Reset your Provider Portal password",
			Body: fmt.Sprintf("Dear %s,\n\nSomeone asked to reset the password for your Provider Portal account.\n\n"+
				"To choose a new password, open this link within 1 hour:\n\n%s\n\n"+
				"The link works once. If you did not ask for this, you can ignore this email: your password has not changed.\n", u.Name, link),
		}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.password_reset.requested", ObjectType: "user", ObjectID: u.ID})
	})
}

// RegistrationAttempt limits registrations like password resets (per client, then per
// address) and, when the address already has an account, emails its holder instead of
// saying so on the page: the registration form must not tell anyone who is registered.
// It reports whether the address has an account (the caller then creates nothing and
// answers as for a new registration).
func (s *Service) RegistrationAttempt(ctx context.Context, tx *sqlx.Tx, email, ip string) (hasAccount bool, err error) {
	send, err := emailRequest(ctx, tx, "registration", email, ip, s.now())
	if err != nil {
		return false, err
	}
	u, err := UserByEmail(ctx, tx, email)
	if apperr.Is(err, apperr.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	// The same work as a new account, so the answer takes as long.
	if _, err := HashPassword(NewToken()); err != nil {
		return true, err
	}
	if err := audit.Record(ctx, tx, audit.Event{Action: "user.registration.existing_address", ObjectType: "user", ObjectID: u.ID}); err != nil {
		return true, err
	}
	if !send {
		return true, nil
	}
	return true, notify.Enqueue(ctx, tx, notify.Message{To: u.Email, Kind: "registration_existing",
		Subject: "Someone tried to register with your email address",
		Body: fmt.Sprintf("Dear %s,\n\nSomeone tried to register for the Provider Portal with this email address, which already has an account.\n\n"+
			"If it was you, sign in instead:\n\n%s\n\nIf you have forgotten your password, reset it from the sign-in page. "+
			"If it was not you, you can ignore this email: nothing has changed.\n", u.Name, s.BaseURL.JoinPath("/sign-in").String()),
	})
}

// PasswordResetUser returns the user a live reset link belongs to, or an error saying the
// link has expired or been used.
func (s *Service) PasswordResetUser(ctx context.Context, token string) (*User, error) {
	var userID string
	err := s.DB.GetContext(ctx, &userID, `SELECT user_id FROM one_time_tokens
		WHERE token_hash = $1 AND purpose IN ('password_reset', 'invitation') AND used_at IS NULL AND expires_at > now()`, HashToken(token))
	if db.IsNoRows(err) {
		return nil, errResetLink
	}
	if err != nil {
		return nil, err
	}
	u, err := UserByID(ctx, s.DB, userID)
	if err != nil || u.Disabled() {
		return nil, errResetLink
	}
	return u, nil
}

var errResetLink = apperr.New(apperr.NotFound, "This link has expired or has already been used. Ask for a new one")

// ResetPassword sets a new password through a reset link, uses the link up, and ends every
// session of the user (someone else may have been signed in with the old password).
func (s *Service) ResetPassword(ctx context.Context, token, password string) error {
	u, err := s.PasswordResetUser(ctx, token)
	if err != nil {
		return err
	}
	if err := CheckPassword(password, u.IsStaff(), u.Email, u.Name); err != nil {
		return apperr.InvalidFields(map[string]string{"password": apperr.MessageOf(err)})
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE one_time_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL`, HashToken(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errResetLink
		}
		ended, err := setPassword(ctx, tx, u.ID, hash, nil)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.password_reset.completed", ObjectType: "user", ObjectID: u.ID,
			Summary: map[string]any{"sessions_ended": ended}})
	})
}

// SignOut ends a session on the server and audits it.
func (s *Service) SignOut(ctx context.Context, sess *Session) error {
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := DeleteSession(ctx, tx, sess.TokenHash); err != nil {
			return err
		}
		if sess.UserID == nil {
			return nil
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.signout", ObjectType: "user", ObjectID: *sess.UserID})
	})
}

// IsThrottled reports whether err asks the caller to wait, and for how long.
func IsThrottled(err error) (time.Duration, bool) {
	var t *ErrThrottled
	if errors.As(err, &t) {
		return t.Wait, true
	}
	return 0, false
}

// setPassword stores a new password hash and ends whatever the old password could still
// open: every link that sets a password (an older reset link, an unused invitation), every
// emailed sign-in code, and every session but keep (the one changing it, when signed in).
// It returns how many sessions it ended.
func setPassword(ctx context.Context, tx *sqlx.Tx, userID, hash string, keep []byte) (int64, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = now(), version = version + 1 WHERE id = $1`, userID, hash); err != nil {
		return 0, fmt.Errorf("set password: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE one_time_tokens SET used_at = now()
		WHERE user_id = $1 AND purpose IN ('password_reset', 'invitation', 'signin_code') AND used_at IS NULL`, userID); err != nil {
		return 0, fmt.Errorf("end password links: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND ($2::bytea IS NULL OR token_hash <> $2)`, userID, keep)
	if err != nil {
		return 0, fmt.Errorf("end sessions: %w", err)
	}
	return res.RowsAffected()
}
