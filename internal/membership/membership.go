package membership

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// Organisation membership: members remove members (never the last), and a person in
// several organisations switches which one they act for. Every change is audited in its
// transaction.

// Organisation is a provider organisation a user acts for.
type Organisation struct {
	ID   string `db:"id"`
	Name string `db:"name"`
}

// Organisations lists the organisations a provider user belongs to, by name.
func Organisations(ctx context.Context, q sqlx.QueryerContext, userID string) ([]Organisation, error) {
	var out []Organisation
	err := sqlx.SelectContext(ctx, q, &out, `SELECT o.id, o.name FROM organisations o
		JOIN memberships m ON m.organisation_id = o.id WHERE m.user_id = $1 ORDER BY o.name, o.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("organisations of user: %w", err)
	}
	return out, nil
}

// IsMember reports whether the user belongs to the organisation. Every provider-facing read
// and write checks it, whatever id the request carries.
func IsMember(ctx context.Context, q sqlx.QueryerContext, userID, orgID string) (bool, error) {
	if !db.IsUUID(orgID) {
		return false, nil
	}
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = $1 AND organisation_id = $2)`, userID, orgID)
	if err != nil {
		return false, fmt.Errorf("membership: %w", err)
	}
	return ok, nil
}

// Member is a person in an organisation.
type Member struct {
	UserID   string    `db:"user_id"`
	Name     string    `db:"name"`
	Email    string    `db:"email"`
	JoinedAt time.Time `db:"joined_at"`
}

// Members lists an organisation's members by name.
func Members(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]Member, error) {
	var out []Member
	err := sqlx.SelectContext(ctx, q, &out, `SELECT u.id AS user_id, u.name, u.email, m.created_at AS joined_at
		FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organisation_id = $1 ORDER BY u.name, u.email`, orgID)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	return out, nil
}

// addMember makes userID a member of orgID; already being one is no error.
func addMember(ctx context.Context, tx *sqlx.Tx, userID, orgID string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, userID, orgID); err != nil {
		return fmt.Errorf("join organisation: %w", err)
	}
	return nil
}

// lockMemberOrganisation locks the organisation row, so membership changes to one
// organisation happen one at a time, and checks userID belongs to it. It returns the
// organisation's name.
func lockMemberOrganisation(ctx context.Context, tx *sqlx.Tx, orgID, userID string) (string, error) {
	org, err := provider.LockOrganisation(ctx, tx, orgID)
	if apperr.Is(err, apperr.NotFound) {
		return "", apperr.New(apperr.NotFound, "Organisation not found")
	}
	if err != nil {
		return "", err
	}
	ok, err := IsMember(ctx, tx, userID, orgID)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", apperr.New(apperr.Forbidden, "You are not a member of this organisation")
	}
	return org.Name, nil
}

// RemoveMember takes memberID out of the organisation on behalf of by, a member (who may
// remove themselves). The last member cannot be removed, so an organisation always has
// someone to keep its record. The removed person's sessions stop acting for it at once.
func (s *Service) RemoveMember(ctx context.Context, orgID, memberID string, by *auth.User) (*Member, error) {
	var removed Member
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		orgName, err := lockMemberOrganisation(ctx, tx, orgID, by.ID)
		if err != nil {
			return err
		}
		members, err := Members(ctx, tx, orgID)
		if err != nil {
			return err
		}
		found := false
		for _, m := range members {
			if m.UserID == memberID {
				removed, found = m, true
			}
		}
		if !found {
			return apperr.New(apperr.NotFound, "That person is not a member of %s", orgName)
		}
		if len(members) == 1 {
			return apperr.New(apperr.Invalid, "You cannot remove the only member of %s. Invite someone else first", orgName)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2`, memberID, orgID); err != nil {
			return fmt.Errorf("remove member: %w", err)
		}
		if err := auth.LeaveSessionOrganisation(ctx, tx, memberID, orgID); err != nil {
			return err
		}
		// What they could do for the organisation ends with their membership, including the
		// invitations they sent and no one has accepted yet.
		res, err := tx.ExecContext(ctx, `DELETE FROM membership_invitations WHERE organisation_id = $1 AND invited_by = $2 AND accepted_at IS NULL`,
			orgID, memberID)
		if err != nil {
			return fmt.Errorf("revoke their invitations: %w", err)
		}
		revoked, _ := res.RowsAffected()
		return audit.Record(ctx, tx, audit.Event{Action: "membership.removed", ObjectType: "organisation", ObjectID: orgID,
			Summary: map[string]any{"user_id": memberID, "email": removed.Email, "name": removed.Name, "left": memberID == by.ID,
				"invitations_revoked": revoked}})
	})
	if err != nil {
		return nil, err
	}
	return &removed, nil
}

// SwitchOrganisation makes the session act for orgID, which u must belong to; otherwise it
// is NotFound, and nothing changes.
func (s *Service) SwitchOrganisation(ctx context.Context, sess *auth.Session, u *auth.User, orgID string) (*Organisation, error) {
	orgs, err := Organisations(ctx, s.DB, u.ID)
	if err != nil {
		return nil, err
	}
	var to *Organisation
	for i := range orgs {
		if orgs[i].ID == orgID {
			to = &orgs[i]
		}
	}
	if to == nil {
		return nil, apperr.New(apperr.NotFound, "Organisation not found")
	}
	from := ""
	if sess.OrganisationID != nil {
		from = *sess.OrganisationID
	}
	err = db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := auth.SetSessionOrganisation(ctx, tx, sess.TokenHash, to.ID); err != nil {
			return fmt.Errorf("switch organisation: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "organisation.switched", ObjectType: "organisation", ObjectID: to.ID,
			Summary: map[string]any{"from": from}})
	})
	if err != nil {
		return nil, err
	}
	sess.OrganisationID = &to.ID
	return to, nil
}
