package web

import (
	"github.com/council/provider-portal/internal/config"
	"github.com/gofiber/fiber/v2"
)

type contentPage struct {
	Page
	Council config.Council
}

// The footer's pages: they say how accessible the service is and which cookies it sets,
// with the council's details from configuration. Its "Privacy" link shows the privacy notice
// in force, from the database (privacy_notice.go).
func (s *Server) accessibilityPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "pages/accessibility", contentPage{Page: s.page(c, "Accessibility statement"), Council: s.cfg.Council})
}

func (s *Server) cookiesPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "pages/cookies", contentPage{Page: s.page(c, "Cookies"), Council: s.cfg.Council})
}
