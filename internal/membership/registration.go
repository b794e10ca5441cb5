package membership

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// Self-registration: a care provider's first user makes their own account and their
// organisation, after reading the privacy notice in full, and confirms their email address
// through a single-use link (auth) before they can sign in.

// ErrEmailHasAccount is Register's answer for an address that already has an account. The
// account holder has been emailed; the caller shows the same "check your email" page as
// for a new registration, so the form does not tell anyone who is registered.
var ErrEmailHasAccount = apperr.New(apperr.Conflict, "This address already has an account; its holder has been emailed")

// MsgEmailTaken is the registration form's message for an address that has an account.
const MsgEmailTaken = "An account with this email address already exists. Sign in or reset your password"

// ErrNoticeChanged says the privacy notice the visitor read is no longer the current one,
// so they must read the new version before giving their details.
var ErrNoticeChanged = apperr.New(apperr.Conflict, "The privacy notice has changed since you read it. Read the new version before you continue")

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
	// IP is the client's address, for the limit on registrations per client.
	IP string
}

// Register creates, in one transaction, a provider user whose email is not yet confirmed,
// their organisation with them as its first member, their acknowledgement of the privacy
// notice they read, and the email with their confirmation link. It returns Invalid with a
// message per field (name, email, organisation, password, password_confirm), or
// ErrNoticeChanged when a newer notice took effect after they read theirs.
func (s *Service) Register(ctx context.Context, r Registration) (*auth.User, string, error) {
	var u *auth.User
	var orgID string
	hasAccount := false
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := checkNoticeCurrent(ctx, tx, r.NoticeID); err != nil {
			return err
		}
		email, fields := auth.CheckNewProvider(r.Name, r.Email, r.Password, r.PasswordConfirm)
		orgName := strings.TrimSpace(r.OrganisationName)
		switch {
		case orgName == "":
			fields["organisation"] = "Enter the name of your organisation"
		case utf8.RuneCountInString(orgName) > provider.MaxOrganisationNameLength:
			fields["organisation"] = fmt.Sprintf("Organisation name must be %d characters or fewer", provider.MaxOrganisationNameLength)
		}
		if len(fields) > 0 {
			return apperr.InvalidFields(fields)
		}
		var err error
		if hasAccount, err = s.Auth.RegistrationAttempt(ctx, tx, email, r.IP); err != nil || hasAccount {
			return err // with an account: commit the email to its holder, create nothing
		}
		u, err = s.Auth.CreateUser(ctx, tx, auth.NewUser{Email: email, Name: r.Name, Roles: []auth.Role{auth.RoleProvider}, Password: r.Password})
		if err != nil {
			return takenMessage(err)
		}
		if orgID, err = provider.CreateOrganisation(ctx, tx, orgName); err != nil {
			return err
		}
		if err := addMember(ctx, tx, u.ID, orgID); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "organisation.registered", ObjectType: "organisation", ObjectID: orgID,
			Summary: map[string]any{"name": orgName, "first_member": u.ID, "email": u.Email}}); err != nil {
			return err
		}
		readAt := r.NoticeReadAt
		if err := privacy.Acknowledge(ctx, tx, u.ID, r.NoticeID, &readAt); err != nil {
			return err
		}
		return s.Auth.SendConfirmation(ctx, tx, u)
	})
	if err != nil {
		return nil, "", err
	}
	if hasAccount {
		return nil, "", ErrEmailHasAccount
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

// takenMessage rewords CreateUser's duplicate-email refusal (met when two people register
// the same address at once) for someone registering themselves.
func takenMessage(err error) error {
	if f := apperr.FieldsOf(err); f != nil && f["email"] != "" {
		f["email"] = MsgEmailTaken
	}
	return err
}
