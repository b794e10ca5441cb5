package membership

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/notify"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/validate"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Invitations: members invite colleagues by email with a single-use link (and the council
// invites the key contacts of imported suppliers the same way); the person invited joins
// with the account they have, or makes one. Every change is audited in its transaction.

// InvitationLife is how long an invitation to join an organisation works.
const InvitationLife = 7 * 24 * time.Hour

var errInvitationLink = apperr.New(apperr.NotFound,
	"This invitation has expired or has already been used. Ask someone in the organisation to invite you again")

// PendingInvitation is an invitation not yet accepted and still in date.
type PendingInvitation struct {
	Email     string    `db:"email"`
	InvitedBy string    `db:"invited_by"`
	CreatedAt time.Time `db:"created_at"`
	ExpiresAt time.Time `db:"expires_at"`
}

// PendingInvitations lists an organisation's live invitations, newest first.
func PendingInvitations(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]PendingInvitation, error) {
	var out []PendingInvitation
	err := sqlx.SelectContext(ctx, q, &out, `SELECT i.email, coalesce(u.name, '') AS invited_by, i.created_at, i.expires_at
		FROM membership_invitations i LEFT JOIN users u ON u.id = i.invited_by
		WHERE i.organisation_id = $1 AND i.accepted_at IS NULL AND i.expires_at > now()
		ORDER BY i.created_at DESC, i.email`, orgID)
	if err != nil {
		return nil, fmt.Errorf("pending invitations: %w", err)
	}
	return out, nil
}

// InviteMember emails a single-use link to join the organisation to email, on behalf of
// by, who must be a member. A new invitation to the same address replaces an earlier one.
// It returns Invalid (field "email") for a malformed address or one that is a member already.
func (s *Service) InviteMember(ctx context.Context, orgID, email string, by *auth.User) error {
	email, err := validate.NormaliseEmail(email)
	if err != nil {
		return apperr.InvalidFields(map[string]string{"email": apperr.MessageOf(err)})
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		orgName, err := lockMemberOrganisation(ctx, tx, orgID, by.ID)
		if err != nil {
			return err
		}
		var member bool
		if err := tx.GetContext(ctx, &member, `SELECT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.organisation_id = $1 AND u.email = $2)`, orgID, email); err != nil {
			return fmt.Errorf("already a member: %w", err)
		}
		if member {
			return apperr.InvalidFields(map[string]string{"email": email + " is already a member of " + orgName})
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM membership_invitations WHERE organisation_id = $1 AND email = $2 AND accepted_at IS NULL`, orgID, email); err != nil {
			return fmt.Errorf("replace invitation: %w", err)
		}
		token := auth.NewToken()
		if _, err := tx.ExecContext(ctx, `INSERT INTO membership_invitations (token_hash, organisation_id, email, invited_by, expires_at)
			VALUES ($1, $2, $3, $4, now() + $5 * interval '1 second')`, auth.HashToken(token), orgID, email, by.ID, InvitationLife.Seconds()); err != nil {
			return fmt.Errorf("store invitation: %w", err)
		}
		if err := notify.Enqueue(ctx, tx, notify.Message{To: email, Kind: "membership_invitation",
			Subject: "You have been invited to join " + orgName + " on the Provider Portal",
			Body: fmt.Sprintf("Hello,\n\n%s has invited you to join %s on the Provider Portal, where care providers keep their details up to date with the council.\n\n"+
				"To accept, open this link within 7 days:\n\n%s\n\n"+
				"If you do not have an account yet, you will make one. The link works once. If you were not expecting this, you can ignore this email.\n",
				by.Name, orgName, InvitationLink(s.BaseURL, token)),
		}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "membership.invited", ObjectType: "organisation", ObjectID: orgID,
			Summary: map[string]any{"email": email}})
	})
}

// InvitationLink is the link an invitation email carries, under the portal's base URL.
func InvitationLink(base *url.URL, token string) string {
	return base.JoinPath("/invitations", token).String()
}

// NewInvitation is one invitation CreateInvitations stores.
type NewInvitation struct {
	OrganisationID string
	Email          string // normalised
	// Audit is recorded with the invitation's audit event, beside its email address: how
	// it was sent, say.
	Audit map[string]any
}

// CreateInvitations stores, in the caller's transaction, one single-use invitation to join
// each organisation, valid for InvitationLife, audits each (membership.invited), and
// returns their tokens in order, for the caller's emails to carry (InvitationLink).
// invitedBy is the user inviting, or "" for the system. It is for bulk invitations (the
// key contacts of imported suppliers), so it writes them in a couple of statements
// however many there are; the caller sends the emails.
func CreateInvitations(ctx context.Context, tx *sqlx.Tx, invitedBy string, invs []NewInvitation) ([]string, error) {
	if len(invs) == 0 {
		return nil, nil
	}
	tokens := make([]string, len(invs))
	hashes := make([][]byte, len(invs))
	orgs := make([]string, len(invs))
	emails := make([]string, len(invs))
	events := make([]audit.Event, len(invs))
	for i, inv := range invs {
		tokens[i] = auth.NewToken()
		hashes[i], orgs[i], emails[i] = auth.HashToken(tokens[i]), inv.OrganisationID, inv.Email
		summary := map[string]any{"email": inv.Email}
		for k, v := range inv.Audit {
			summary[k] = v
		}
		events[i] = audit.Event{Action: "membership.invited", ObjectType: "organisation", ObjectID: inv.OrganisationID, Summary: summary}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO membership_invitations (token_hash, organisation_id, email, invited_by, expires_at)
		SELECT u.hash, u.org::uuid, u.email, NULLIF($4, '')::uuid, now() + $5 * interval '1 second'
		FROM unnest($1::bytea[], $2::text[], $3::text[]) AS u(hash, org, email)`,
		pq.ByteaArray(hashes), pq.StringArray(orgs), pq.StringArray(emails), invitedBy, InvitationLife.Seconds()); err != nil {
		return nil, fmt.Errorf("store invitations: %w", err)
	}
	if err := audit.RecordBatch(ctx, tx, events); err != nil {
		return nil, err
	}
	return tokens, nil
}

// Invitation is a live invitation, as its link shows it.
type Invitation struct {
	OrganisationID   string    `db:"organisation_id"`
	OrganisationName string    `db:"organisation_name"`
	Email            string    `db:"email"`
	InvitedBy        string    `db:"invited_by"`
	ExpiresAt        time.Time `db:"expires_at"`
}

const invitationQuery = `SELECT i.organisation_id, o.name AS organisation_name, i.email, coalesce(u.name, '') AS invited_by, i.expires_at
	FROM membership_invitations i JOIN organisations o ON o.id = i.organisation_id LEFT JOIN users u ON u.id = i.invited_by
	WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > now()`

// InvitationByToken returns the live invitation a link carries, or NotFound when the link
// is unknown, used or expired.
func InvitationByToken(ctx context.Context, q sqlx.QueryerContext, token string) (*Invitation, error) {
	var inv Invitation
	err := sqlx.GetContext(ctx, q, &inv, invitationQuery, auth.HashToken(token))
	if db.IsNoRows(err) {
		return nil, errInvitationLink
	}
	if err != nil {
		return nil, fmt.Errorf("invitation: %w", err)
	}
	return &inv, nil
}

// lockInvitation is InvitationByToken holding the row until the transaction ends, so a link
// is used once however many times it is posted at once.
func lockInvitation(ctx context.Context, tx *sqlx.Tx, token string) (*Invitation, error) {
	var inv Invitation
	err := tx.GetContext(ctx, &inv, invitationQuery+` FOR UPDATE OF i`, auth.HashToken(token))
	if db.IsNoRows(err) {
		return nil, errInvitationLink
	}
	if err != nil {
		return nil, fmt.Errorf("lock invitation: %w", err)
	}
	return &inv, nil
}

// join makes u a member through the invitation token and uses the invitation up. An
// invitation from someone who is no longer a member is refused, as if it had expired (their
// removal revokes them; this covers an acceptance racing the removal).
func join(ctx context.Context, tx *sqlx.Tx, token string, inv *Invitation, u *auth.User) error {
	var inviterGone bool
	if err := tx.GetContext(ctx, &inviterGone, `SELECT i.invited_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM memberships m
			WHERE m.user_id = i.invited_by AND m.organisation_id = i.organisation_id)
		FROM membership_invitations i WHERE i.token_hash = $1`, auth.HashToken(token)); err != nil {
		return fmt.Errorf("inviter: %w", err)
	}
	if inviterGone {
		return errInvitationLink
	}
	if err := addMember(ctx, tx, u.ID, inv.OrganisationID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE membership_invitations SET accepted_at = now() WHERE token_hash = $1`, auth.HashToken(token)); err != nil {
		return fmt.Errorf("use invitation: %w", err)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "membership.joined", ObjectType: "organisation", ObjectID: inv.OrganisationID,
		Summary: map[string]any{"user_id": u.ID, "email": u.Email, "via": "invitation"}})
}

// AcceptInvitation makes u, a signed-in provider whose email address the invitation was
// sent to, a member of its organisation. Receiving the link also confirms u's address.
// It returns NotFound for a used or expired link and Forbidden for anyone else.
func (s *Service) AcceptInvitation(ctx context.Context, token string, u *auth.User) (*Invitation, error) {
	var inv *Invitation
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		if inv, err = lockInvitation(ctx, tx, token); err != nil {
			return err
		}
		if err := CanAccept(inv, u); err != nil {
			return err
		}
		if u.EmailConfirmedAt == nil {
			if _, err := auth.MarkEmailConfirmed(ctx, tx, u.ID); err != nil {
				return err
			}
		}
		return join(ctx, tx, token, inv, u)
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// CanAccept says whether u may accept inv: only the provider user it was sent to may.
func CanAccept(inv *Invitation, u *auth.User) error {
	if !u.Has(auth.RoleProvider) {
		return apperr.New(apperr.Forbidden, "Council staff accounts cannot join a provider organisation")
	}
	if !strings.EqualFold(u.Email, inv.Email) {
		return apperr.New(apperr.Forbidden, "This invitation was sent to %s. Sign out, then open the link again and sign in with that email address", inv.Email)
	}
	return nil
}

// InvitedAccount is what someone invited without an account gives to make one.
type InvitedAccount struct {
	Name            string
	Password        string
	PasswordConfirm string
	// NoticeID and NoticeReadAt are the privacy notice they read first, and when.
	NoticeID     string
	NoticeReadAt time.Time
}

// RegisterByInvitation makes a provider account for the address an invitation was sent to
// (confirmed, since they received the link), joins them to the organisation and records
// their acknowledgement of the privacy notice, in one transaction. It returns Invalid with
// messages for name, password and password_confirm, ErrNoticeChanged, NotFound for a used or
// expired link, and Conflict when the address has an account already (they sign in instead).
func (s *Service) RegisterByInvitation(ctx context.Context, token string, a InvitedAccount) (*auth.User, *Invitation, error) {
	var u *auth.User
	var inv *Invitation
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		if inv, err = lockInvitation(ctx, tx, token); err != nil {
			return err
		}
		if err := checkNoticeCurrent(ctx, tx, a.NoticeID); err != nil {
			return err
		}
		taken, err := auth.EmailTaken(ctx, tx, inv.Email)
		if err != nil {
			return err
		}
		if taken {
			return apperr.New(apperr.Conflict, "An account with this email address already exists. Sign in to accept the invitation")
		}
		_, fields := auth.CheckNewProvider(a.Name, inv.Email, a.Password, a.PasswordConfirm)
		if len(fields) > 0 {
			return apperr.InvalidFields(fields)
		}
		if u, err = s.Auth.CreateUser(ctx, tx, auth.NewUser{Email: inv.Email, Name: a.Name, Roles: []auth.Role{auth.RoleProvider}, Password: a.Password, EmailConfirmed: true}); err != nil {
			return err
		}
		readAt := a.NoticeReadAt
		if err := privacy.Acknowledge(ctx, tx, u.ID, a.NoticeID, &readAt); err != nil {
			return err
		}
		return join(ctx, tx, token, inv, u)
	})
	if err != nil {
		return nil, nil, err
	}
	return u, inv, nil
}

// CancelInvitation withdraws the invitation waiting for email, on behalf of by, a member.
// It returns NotFound when no invitation to that address is waiting.
func (s *Service) CancelInvitation(ctx context.Context, orgID, email string, by *auth.User) error {
	email, err := validate.NormaliseEmail(email)
	if err != nil {
		return apperr.New(apperr.NotFound, "There is no invitation waiting for that address")
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := lockMemberOrganisation(ctx, tx, orgID, by.ID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM membership_invitations WHERE organisation_id = $1 AND email = $2 AND accepted_at IS NULL`, orgID, email)
		if err != nil {
			return fmt.Errorf("cancel invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "There is no invitation waiting for that address")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "membership.invitation_cancelled", ObjectType: "organisation", ObjectID: orgID,
			Summary: map[string]any{"email": email}})
	})
}
