package web

import (
	"strings"

	"github.com/council/provider-portal/internal/auth"
	"github.com/gofiber/fiber/v2"
)

// sessionExtend is "Stay signed in" in the timeout warning: it restarts the session's idle
// clock. The warning's script asks for JSON and learns how long the session now has (never
// past the absolute timeout); a plain form post goes back to the page it came from.
func (s *Server) sessionExtend(c *fiber.Ctx) error {
	sess := sessionOf(c)
	if err := auth.TouchSession(c.UserContext(), s.db, sess.TokenHash); err != nil {
		return err
	}
	if strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON) {
		now := s.clock()
		sess.LastSeenAt = now
		return c.JSON(fiber.Map{"seconds_left": max(0, int(s.timeouts().EndsAt(sess, now).Sub(now).Seconds()))})
	}
	back := formPageOf(c)
	if back == c.Path() {
		back = "/"
	}
	return c.Redirect(back, fiber.StatusSeeOther)
}
