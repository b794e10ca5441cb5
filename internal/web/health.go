package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz says the process is alive; it touches nothing else, so a slow database does not
// get a healthy process restarted.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.SendString("ok")
}

// readyz says whether this instance can serve: 503 while the database is unreachable, so a
// load balancer routes around it until it recovers.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	if err := s.db.PingContext(ctx); err != nil {
		s.requestLogger(c).Warn("not ready", "error", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable")
	}
	return c.SendString("ready")
}
