package auth

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Council roles open bank details (finance), DBS records (officer, dpo) and every account
// (admin), so no administrator grants one alone: one asks (SetRoles, Invite) and another
// approves (ApproveGrant). No one changes their own roles. Taking a role away needs no
// second person and applies at once. An operator with the server's command line
// (`portal users add`) is outside this control, as they are outside every other.

// Grant kinds.
const (
	GrantNewAccount = "new_account"
	GrantRoles      = "roles"
)

// RoleGrant is staff roles one administrator asked for, waiting for another.
type RoleGrant struct {
	ID              string         `db:"id"`
	UserID          string         `db:"user_id"`
	UserName        string         `db:"user_name"`
	UserEmail       string         `db:"user_email"`
	Kind            string         `db:"kind"`
	Add             pq.StringArray `db:"add_roles"`
	Remove          pq.StringArray `db:"remove_roles"`
	RequestedBy     *string        `db:"requested_by"`
	RequestedByName string         `db:"requested_by_name"`
	RequestedAt     time.Time      `db:"requested_at"`
	Status          string         `db:"status"`
}

// AddRoles are the roles the grant gives.
func (g RoleGrant) AddRoles() []Role { return rolesOf(g.Add) }

// RemoveRoles are the roles the grant takes away when it is approved.
func (g RoleGrant) RemoveRoles() []Role { return rolesOf(g.Remove) }

// Requested reports whether userID asked for the grant (so may not approve it).
func (g RoleGrant) Requested(userID string) bool {
	return g.RequestedBy != nil && *g.RequestedBy == userID
}

func rolesOf(names []string) []Role {
	out := make([]Role, len(names))
	for i, n := range names {
		out[i] = Role(n)
	}
	return out
}

const grantColumns = `g.id, g.user_id, u.name AS user_name, u.email AS user_email, g.kind, g.add_roles, g.remove_roles,
	g.requested_by, g.requested_by_name, g.requested_at, g.status`

// PendingGrants lists the grants waiting for a second administrator, oldest first.
func PendingGrants(ctx context.Context, q sqlx.QueryerContext) ([]RoleGrant, error) {
	var out []RoleGrant
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT `+grantColumns+` FROM role_grants g JOIN users u ON u.id = g.user_id
		WHERE g.status = 'pending' ORDER BY g.requested_at`); err != nil {
		return nil, fmt.Errorf("pending role grants: %w", err)
	}
	return out, nil
}

// PendingGrantFor returns the grant waiting for a user, or an apperr.NotFound.
func PendingGrantFor(ctx context.Context, q sqlx.QueryerContext, userID string) (*RoleGrant, error) {
	if !db.IsUUID(userID) {
		return nil, apperr.New(apperr.NotFound, "No roles are waiting for approval")
	}
	var g RoleGrant
	err := sqlx.GetContext(ctx, q, &g, `SELECT `+grantColumns+` FROM role_grants g JOIN users u ON u.id = g.user_id
		WHERE g.user_id = $1 AND g.status = 'pending'`, userID)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "No roles are waiting for approval")
	}
	if err != nil {
		return nil, fmt.Errorf("pending role grant: %w", err)
	}
	return &g, nil
}

// errOwnRoles refuses any change to the actor's own roles.
var errOwnRoles = apperr.New(apperr.Forbidden, "You cannot change your own roles. Ask another administrator")

// requestGrant stores a grant for a second administrator, replacing any still waiting for
// the same user (the newer request is what the requester means now).
func requestGrant(ctx context.Context, tx *sqlx.Tx, userID, kind string, add, remove []string) (*RoleGrant, error) {
	actor := audit.ActorFrom(ctx)
	if actor.UserID == userID {
		return nil, errOwnRoles
	}
	name := ActorName(ctx, tx, actor)
	if _, err := tx.ExecContext(ctx, `UPDATE role_grants SET status = 'rejected', decided_by = NULLIF($2, '')::uuid,
			decided_by_name = $3, decided_at = now()
		WHERE user_id = $1 AND status = 'pending'`, userID, actor.UserID, name); err != nil {
		return nil, fmt.Errorf("replace waiting role grant: %w", err)
	}
	if remove == nil {
		remove = []string{}
	}
	var id string
	if err := tx.GetContext(ctx, &id, `INSERT INTO role_grants (user_id, kind, add_roles, remove_roles, requested_by, requested_by_name)
		VALUES ($1, $2, $3, $4, NULLIF($5, '')::uuid, $6) RETURNING id`,
		userID, kind, pq.StringArray(add), pq.StringArray(remove), actor.UserID, name); err != nil {
		return nil, fmt.Errorf("store role grant: %w", err)
	}
	if err := audit.Record(ctx, tx, audit.Event{Action: "user.roles.requested", ObjectType: "user", ObjectID: userID,
		Summary: map[string]any{"grant_id": id, "kind": kind, "add": add, "remove": remove}}); err != nil {
		return nil, err
	}
	return PendingGrantFor(ctx, tx, userID)
}

// lockGrant loads a pending grant for a decision, refusing the people who may not make it.
func lockGrant(ctx context.Context, tx *sqlx.Tx, grantID string) (*RoleGrant, error) {
	if !db.IsUUID(grantID) {
		return nil, apperr.New(apperr.NotFound, "These roles are no longer waiting for approval")
	}
	var g RoleGrant
	err := tx.GetContext(ctx, &g, `SELECT `+grantColumns+` FROM role_grants g JOIN users u ON u.id = g.user_id
		WHERE g.id = $1 FOR UPDATE OF g`, grantID)
	if db.IsNoRows(err) || (err == nil && g.Status != "pending") {
		return nil, apperr.New(apperr.NotFound, "These roles are no longer waiting for approval")
	}
	if err != nil {
		return nil, fmt.Errorf("lock role grant: %w", err)
	}
	return &g, nil
}

// ApproveGrant gives the roles a grant asks for. The approver is an administrator who
// neither asked for it nor receives it. A new account is enabled and only now emailed the
// link to choose a password.
func (s *Service) ApproveGrant(ctx context.Context, grantID string) error {
	actor := audit.ActorFrom(ctx)
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		g, err := lockGrant(ctx, tx, grantID)
		if err != nil {
			return err
		}
		switch {
		case actor.UserID == g.UserID:
			return errOwnRoles
		case g.Requested(actor.UserID):
			return apperr.New(apperr.Forbidden, "You asked for these roles, so another administrator must approve them")
		}
		u, err := UserByID(ctx, tx, g.UserID)
		if err != nil {
			return err
		}
		roles := slices.DeleteFunc(slices.Clone([]string(u.RoleNames)), func(r string) bool { return slices.Contains(g.Remove, r) })
		for _, r := range g.Add {
			if !slices.Contains(roles, r) {
				roles = append(roles, r)
			}
		}
		if msg := validateRoles(rolesOf(roles)); msg != "" {
			return apperr.New(apperr.Conflict, "%s. Reject this request and ask again", msg)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET roles = $2, updated_at = now(), version = version + 1 WHERE id = $1`,
			g.UserID, rolesArray(roles)); err != nil {
			return fmt.Errorf("grant roles: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE role_grants SET status = 'approved', decided_by = $2, decided_by_name = $3,
				decided_at = now() WHERE id = $1`, g.ID, actor.UserID, ActorName(ctx, tx, actor)); err != nil {
			return fmt.Errorf("approve role grant: %w", err)
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "user.roles.change", ObjectType: "user", ObjectID: g.UserID,
			Summary: map[string]any{"from": []string(u.RoleNames), "to": roles, "grant_id": g.ID, "requested_by": g.RequestedByName}}); err != nil {
			return err
		}
		if g.Kind != GrantNewAccount {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = NULL WHERE id = $1`, g.UserID); err != nil {
			return fmt.Errorf("enable new account: %w", err)
		}
		return s.sendStaffInvitation(ctx, tx, u)
	})
}

// RejectGrant turns a grant down (or the requester withdraws it); the roles are unchanged.
// A new account stays disabled.
func (s *Service) RejectGrant(ctx context.Context, grantID string) error {
	actor := audit.ActorFrom(ctx)
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		g, err := lockGrant(ctx, tx, grantID)
		if err != nil {
			return err
		}
		if actor.UserID == g.UserID {
			return errOwnRoles
		}
		if _, err := tx.ExecContext(ctx, `UPDATE role_grants SET status = 'rejected', decided_by = $2, decided_by_name = $3,
				decided_at = now() WHERE id = $1`, g.ID, actor.UserID, ActorName(ctx, tx, actor)); err != nil {
			return fmt.Errorf("reject role grant: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.roles.rejected", ObjectType: "user", ObjectID: g.UserID,
			Summary: map[string]any{"grant_id": g.ID, "add": []string(g.Add)}})
	})
}

// unapprovedNewAccount reports whether a user is an account an administrator made whose
// roles no second administrator has approved (waiting, or rejected): it must not be
// enabled any other way than by approving them.
func unapprovedNewAccount(ctx context.Context, q sqlx.QueryerContext, userID string) (bool, error) {
	var unapproved bool
	if err := sqlx.GetContext(ctx, q, &unapproved, `SELECT EXISTS (SELECT 1 FROM role_grants WHERE user_id = $1 AND kind = 'new_account')
		AND NOT EXISTS (SELECT 1 FROM role_grants WHERE user_id = $1 AND kind = 'new_account' AND status = 'approved')`, userID); err != nil {
		return false, fmt.Errorf("new account approval: %w", err)
	}
	return unapproved, nil
}
