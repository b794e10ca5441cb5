package web

import "github.com/gofiber/fiber/v2"

// signOut ends the session on the server, whatever stage it was at.
func (s *Server) signOut(c *fiber.Ctx) error {
	if sess := sessionOf(c); sess != nil {
		if err := s.auth.SignOut(c.UserContext(), sess); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return c.Redirect("/sign-in?signed-out=1", fiber.StatusSeeOther)
}
