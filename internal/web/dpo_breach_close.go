package web

import (
	"github.com/council/provider-portal/internal/privacy"
	"github.com/gofiber/fiber/v2"
)

// breachClose closes a breach once its reporting decision is made and carried out.
func (s *Server) breachClose(c *fiber.Ctx) error {
	if err := privacy.CloseBreach(c.UserContext(), s.db, c.Params("id"), formInt(c, "version")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/dpo/breaches/"+c.Params("id"), "The breach is closed.")
}
