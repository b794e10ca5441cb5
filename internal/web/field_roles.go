package web

import "github.com/council/provider-portal/internal/auth"

// rolesField is the view model of the "roles-checkboxes" partial.
type rolesField struct {
	Roles    []auth.Role
	Selected []string
	Error    string
}

func rolesFieldOf(roles []auth.Role, selected []string, errMsg string) rolesField {
	return rolesField{Roles: roles, Selected: selected, Error: errMsg}
}
