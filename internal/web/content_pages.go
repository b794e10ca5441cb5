package web

import (
	"github.com/council/provider-portal/internal/config"
	"github.com/gofiber/fiber/v2"
)

type contentPage struct {
	Page
	Council config.Council
}

// The footer's pages: they say what the service does with people's data, how accessible it
// is and which cookies it sets, with the council's details from configuration.
func (s *Server) privacyPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "pages/privacy", contentPage{Page: s.page(c, "Privacy"), Council: s.cfg.Council})
}

func (s *Server) accessibilityPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "pages/accessibility", contentPage{Page: s.page(c, "Accessibility statement"), Council: s.cfg.Council})
}

func (s *Server) cookiesPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "pages/cookies", contentPage{Page: s.page(c, "Cookies"), Council: s.cfg.Council})
}
