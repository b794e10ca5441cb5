package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// User is a person who signs in.
type User struct {
	ID               string         `db:"id"`
	Email            string         `db:"email"`
	Name             string         `db:"name"`
	PasswordHash     string         `db:"password_hash"`
	RoleNames        pq.StringArray `db:"roles"`
	TOTPSecret       *string        `db:"totp_secret"`
	TOTPLastStep     int64          `db:"totp_last_step"`
	EmailConfirmedAt *time.Time     `db:"email_confirmed_at"`
	DisabledAt       *time.Time     `db:"disabled_at"`
	CreatedAt        time.Time      `db:"created_at"`
	Version          int            `db:"version"`
}

// Roles returns the user's roles.
func (u *User) Roles() []Role {
	out := make([]Role, 0, len(u.RoleNames))
	for _, r := range u.RoleNames {
		out = append(out, Role(r))
	}
	return out
}

// Has reports whether the user holds role r.
func (u *User) Has(r Role) bool { return slices.Contains(u.RoleNames, string(r)) }

// IsStaff reports whether the user holds any council role, and so needs TOTP.
func (u *User) IsStaff() bool {
	return slices.ContainsFunc(u.Roles(), Role.IsStaff)
}

// Disabled reports whether the user may no longer sign in.
func (u *User) Disabled() bool { return u.DisabledAt != nil }

const userColumns = `id, email, name, password_hash, roles, totp_secret, totp_last_step,
	email_confirmed_at, disabled_at, created_at, version`

// UserByEmail returns the user with that email (any case), or a NotFound error.
func UserByEmail(ctx context.Context, q sqlx.QueryerContext, email string) (*User, error) {
	var u User
	err := sqlx.GetContext(ctx, q, &u, `SELECT `+userColumns+` FROM users WHERE email = $1`, strings.TrimSpace(email))
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "No user has that email address")
	}
	if err != nil {
		return nil, fmt.Errorf("user by email: %w", err)
	}
	return &u, nil
}

// UserByID returns the user with that id, or a NotFound error.
func UserByID(ctx context.Context, q sqlx.QueryerContext, id string) (*User, error) {
	var u User
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "User not found")
	}
	err := sqlx.GetContext(ctx, q, &u, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "User not found")
	}
	if err != nil {
		return nil, fmt.Errorf("user by id: %w", err)
	}
	return &u, nil
}

// UserFilter narrows the user list.
type UserFilter struct {
	Query  string // part of a name or email
	Role   Role
	Limit  int
	Offset int
}

// Users lists users for administrators with the total that match.
func Users(ctx context.Context, q sqlx.QueryerContext, f UserFilter) ([]User, int, error) {
	var conds []string
	var args []any
	if f.Query != "" {
		args = append(args, "%"+escapeLike(f.Query)+"%")
		conds = append(conds, fmt.Sprintf("(name ILIKE $%d OR email::text ILIKE $%d)", len(args), len(args)))
	}
	if f.Role != "" {
		args = append(args, string(f.Role))
		conds = append(conds, fmt.Sprintf("$%d = ANY(roles)", len(args)))
	}
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	args = append(args, f.Limit, f.Offset)
	var rows []struct {
		User
		Total int `db:"total"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, fmt.Sprintf(`SELECT `+userColumns+`, COUNT(*) OVER () AS total
		FROM users %s ORDER BY name, email LIMIT $%d OFFSET $%d`, where, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	out := make([]User, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.User, r.Total
	}
	return out, total, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// UserName is the name of the user with that id, for the records that keep who did what
// after an account is gone. It is NotFound when there is no such user.
func UserName(ctx context.Context, q sqlx.QueryerContext, id string) (string, error) {
	if !db.IsUUID(id) {
		return "", apperr.New(apperr.NotFound, "User not found")
	}
	var name string
	err := sqlx.GetContext(ctx, q, &name, `SELECT name FROM users WHERE id = $1`, id)
	if db.IsNoRows(err) {
		return "", apperr.New(apperr.NotFound, "User not found")
	}
	if err != nil {
		return "", fmt.Errorf("user name: %w", err)
	}
	return name, nil
}

// ActorName is the name of the person acting, as the records that show who did what keep
// it: the user's name, or the actor's email for the system (and for a user who cannot be
// read, so recording never fails for want of a name).
func ActorName(ctx context.Context, q sqlx.QueryerContext, a audit.Actor) string {
	if a.UserID == "" {
		return a.Email
	}
	name, err := UserName(ctx, q, a.UserID)
	if err != nil {
		return a.Email
	}
	return name
}

// EmailTaken reports whether a user already has the address, which must be normalised.
func EmailTaken(ctx context.Context, q sqlx.QueryerContext, email string) (bool, error) {
	var taken bool
	if err := sqlx.GetContext(ctx, q, &taken, `SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)`, email); err != nil {
		return false, fmt.Errorf("email taken: %w", err)
	}
	return taken, nil
}
