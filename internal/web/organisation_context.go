package web

import (
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/membership"
	"github.com/gofiber/fiber/v2"
)

// loadOrganisation settles which organisation a provider user is acting for: the one chosen
// in the session if they still belong to it, else their first. Staff act for none.
func (s *Server) loadOrganisation(c *fiber.Ctx, u *auth.User) error {
	if !u.Has(auth.RoleProvider) {
		return nil
	}
	orgs, err := membership.Organisations(c.UserContext(), s.db, u.ID)
	if err != nil {
		return err
	}
	sess := sessionOf(c)
	for _, o := range orgs {
		if sess.OrganisationID != nil && *sess.OrganisationID == o.ID {
			c.Locals(localOrgName, o.Name)
			return nil
		}
	}
	if len(orgs) > 0 {
		c.Locals(localOrgName, orgs[0].Name)
		if err := auth.SetSessionOrganisation(c.UserContext(), s.db, sess.TokenHash, orgs[0].ID); err != nil {
			return err
		}
		sess.OrganisationID = &orgs[0].ID
	}
	return nil
}
