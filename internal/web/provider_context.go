package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/membership"
	"github.com/gofiber/fiber/v2"
)

// currentOrgID is the organisation a provider user is acting for. It comes from the
// session (set only from the user's own memberships) and membership is checked again here,
// so no id in a URL or form can point a provider at another organisation's record.
func (s *Server) currentOrgID(c *fiber.Ctx) (string, error) {
	sess, u := sessionOf(c), userOf(c)
	if sess == nil || u == nil || sess.OrganisationID == nil {
		return "", apperr.New(apperr.Forbidden, "You are not a member of a provider organisation")
	}
	ok, err := membership.IsMember(c.UserContext(), s.db, u.ID, *sess.OrganisationID)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", apperr.New(apperr.Forbidden, "You are not a member of this organisation")
	}
	return *sess.OrganisationID, nil
}
