package apitoken

import (
	"slices"

	"github.com/council/provider-portal/internal/auth"
)

// Scope is what a token may read through the API. Every API route names the one scope it
// needs (internal/web/routes.go), so a token reaches only what its scopes list.
type Scope string

const (
	// ProvidersRead reads the provider directory, each provider's record without bank
	// details or DBS checks, and each provider's compliance rating with its reasons.
	ProvidersRead Scope = "providers:read"
	// ContractsRead reads contracts and the Open Contracting Data Standard releases.
	ContractsRead Scope = "contracts:read"
	// PaymentsRead reads a provider's verified payment details in full; every read is
	// audited, naming the token and who made it.
	PaymentsRead Scope = "payments:read"
)

// ScopeInfo says what a scope allows, for the administrator choosing them.
type ScopeInfo struct {
	Scope       Scope
	Label       string
	Description string
}

// Scopes is the fixed list of scopes, in the order the admin form shows them. A new scope
// comes with the endpoints it opens, and with a migration: the database checks the list too.
var Scopes = []ScopeInfo{
	{ProvidersRead, "Read providers", "The provider directory, each provider's record (without bank details or DBS checks) and compliance rating."},
	{ContractsRead, "Read contracts", "Contracts, and the contracts published as Open Contracting Data Standard (OCDS) releases."},
	{PaymentsRead, "Read payment details", "Each provider's verified bank details in full. Every read is recorded in the audit trail."},
}

// MakerRoles are the roles the person who makes a token must hold for it to carry the scope,
// when it is made and on every use after: administrators hand out API access, and payment
// details only one who may see them in the portal (finance). A token is never a way round
// a role its maker does not have, or no longer has.
func (s Scope) MakerRoles() []auth.Role {
	if s == PaymentsRead {
		return []auth.Role{auth.RoleAdmin, auth.RoleFinance}
	}
	return []auth.Role{auth.RoleAdmin}
}

// heldBy reports whether roles include every role the scope's maker must hold.
func (s Scope) heldBy(roles []string) bool {
	for _, r := range s.MakerRoles() {
		if !slices.Contains(roles, string(r)) {
			return false
		}
	}
	return true
}

// ParseScope reads a scope name, reporting whether it is one of Scopes.
func ParseScope(s string) (Scope, bool) {
	sc := Scope(s)
	return sc, slices.ContainsFunc(Scopes, func(i ScopeInfo) bool { return i.Scope == sc })
}

// Label is the scope in words, or its name when it is not one of Scopes.
func (s Scope) Label() string {
	for _, i := range Scopes {
		if i.Scope == s {
			return i.Label
		}
	}
	return string(s)
}
