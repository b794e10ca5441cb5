// Package membership is who belongs to which provider organisation, and how people join
// one: registering themselves with a new organisation, inviting colleagues by email
// (and the council inviting the key contacts of imported suppliers), accepting those
// invitations, removing members, and switching which organisation a person acts for.
//
// It sits above auth, privacy and provider because joining ties the three together: a new
// account (auth) acknowledges the privacy notice it was shown (privacy) and becomes a
// member of an organisation (provider). Keeping that here lets auth stay identity only
// (users, passwords, sessions, TOTP, roles) with no upward import, and lets privacy read
// people and organisations through auth and provider. It owns the memberships and
// membership_invitations tables; the users, sessions and organisations it touches are
// changed through auth and provider functions, in the same transaction.
package membership

import (
	"net/url"

	"github.com/council/provider-portal/internal/auth"
	"github.com/jmoiron/sqlx"
)

// Service is joining and leaving organisations: every method that changes something
// audits it in the same transaction.
type Service struct {
	DB *sqlx.DB
	// Auth makes the accounts people register (CreateUser) and mails their confirmation link.
	Auth *auth.Service
	// BaseURL is where the links in invitation emails point.
	BaseURL *url.URL
}
