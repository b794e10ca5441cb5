package web

import (
	"slices"

	"github.com/council/provider-portal/internal/apitoken"
	"github.com/council/provider-portal/internal/auth"
)

// Rule decides who may use a route. Every route in routes.go names one; a test fails on a
// route without.
type Rule struct {
	Name string
	// Stage is the session stage the route needs: "" for none (public), or a sign-in stage.
	Stage auth.Stage
	// Roles, when not empty, are the roles of which the user must hold at least one.
	Roles []auth.Role
	// DevOnly routes exist only when PORTAL_ENV=development; elsewhere they are 404.
	DevOnly bool
	// Scope, when set, makes the route part of the JSON API: it takes a bearer token that
	// holds this scope, and never a session (see Scope).
	Scope apitoken.Scope
}

var (
	// Public is for pages anyone may see, signed in or not.
	Public = Rule{Name: "public"}
	// SecondFactorDue is for the TOTP code page, after the password was accepted.
	SecondFactorDue = Rule{Name: "second factor due", Stage: auth.StageMFA}
	// EnrolmentDue is for setting up the authenticator app at a staff member's first sign-in.
	EnrolmentDue = Rule{Name: "enrolment due", Stage: auth.StageEnrol}
	// EmailCodeDue is for the code emailed to a provider, after the password was accepted.
	EmailCodeDue = Rule{Name: "emailed code due", Stage: auth.StageCode}
	// SignedIn is any fully signed-in user.
	SignedIn = Rule{Name: "signed in", Stage: auth.StageFull}
)

// Roles is signed in and holding at least one of roles.
func Roles(roles ...auth.Role) Rule {
	name := "role:"
	for i, r := range roles {
		if i > 0 {
			name += "|"
		}
		name += string(r)
	}
	return Rule{Name: name, Stage: auth.StageFull, Roles: roles}
}

// Scope is for the JSON API: a bearer token (Authorization: Bearer pp_...) that is neither
// expired nor revoked and holds scope. A session cookie counts for nothing here, so a
// signed-in user's browser cannot be made to call the API, and CSRF does not arise.
func Scope(scope apitoken.Scope) Rule {
	return Rule{Name: "token:" + string(scope), Scope: scope}
}

// DevRoles is Roles, in development only.
func DevRoles(roles ...auth.Role) Rule {
	r := Roles(roles...)
	r.Name, r.DevOnly = "dev "+r.Name, true
	return r
}

// decision is what a rule says about a visitor.
type decision int

const (
	allow        decision = iota
	needSignIn            // no suitable session: send to sign-in
	forbidden             // signed in, but not allowed
	notAvailable          // the route does not exist here (dev-only in production)
	needToken             // an API route: the bearer token decides (apiAuthorise), not the session
)

func (r Rule) decide(sess *auth.Session, u *auth.User, development bool) decision {
	if r.DevOnly && !development {
		return notAvailable
	}
	if r.Scope != "" {
		return needToken
	}
	if r.Stage == "" {
		return allow
	}
	if sess == nil || u == nil {
		return needSignIn
	}
	if sess.Stage != r.Stage {
		if sess.Stage == auth.StageFull {
			return forbidden // already signed in; the sign-in steps are not for them
		}
		return needSignIn
	}
	if len(r.Roles) > 0 && !slices.ContainsFunc(r.Roles, u.Has) {
		return forbidden
	}
	return allow
}
