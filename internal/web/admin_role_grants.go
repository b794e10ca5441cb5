package web

import (
	"github.com/council/provider-portal/internal/auth"
	"github.com/gofiber/fiber/v2"
)

// roleGrantApprove gives the roles another administrator asked for. The service refuses
// the one who asked and the one receiving them (403), so every grant takes two people.
func (s *Server) roleGrantApprove(c *fiber.Ctx) error {
	if err := s.auth.ApproveGrant(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, s.grantReturn(c), "Roles approved.")
}

// roleGrantReject turns down roles waiting for approval; the one who asked may withdraw them.
func (s *Server) roleGrantReject(c *fiber.Ctx) error {
	if err := s.auth.RejectGrant(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, s.grantReturn(c), "Roles rejected. Nothing has changed.")
}

// grantReturn is the page to go back to: the account's own page when the form named it.
func (s *Server) grantReturn(c *fiber.Ctx) string {
	if u, err := auth.UserByID(c.UserContext(), s.db, c.FormValue("user_id")); err == nil {
		return "/admin/users/" + u.ID
	}
	return "/admin/users"
}
