package auth

import (
	"slices"
	"strings"
)

// Role is what a user may do. A provider user acts for their organisations only; the staff
// roles work across all providers, each within its own duties.
type Role string

const (
	RoleProvider Role = "provider"
	RoleOfficer  Role = "officer"
	RoleFinance  Role = "finance"
	RoleDPO      Role = "dpo"
	RoleAdmin    Role = "admin"
)

// Roles lists every role, in the order screens show them.
var Roles = []Role{RoleProvider, RoleOfficer, RoleFinance, RoleDPO, RoleAdmin}

// StaffRoles are the council roles; they need a second factor.
var StaffRoles = []Role{RoleOfficer, RoleFinance, RoleDPO, RoleAdmin}

// Label is the role's name as people say it.
func (r Role) Label() string {
	switch r {
	case RoleProvider:
		return "Provider"
	case RoleOfficer:
		return "Commissioning officer"
	case RoleFinance:
		return "Finance officer"
	case RoleDPO:
		return "Data protection officer"
	case RoleAdmin:
		return "Administrator"
	}
	return string(r)
}

// ParseRole accepts a role name in any case.
func ParseRole(s string) (Role, bool) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	return r, slices.Contains(Roles, r)
}

// IsStaff reports whether r is a council role.
func (r Role) IsStaff() bool { return slices.Contains(StaffRoles, r) }
