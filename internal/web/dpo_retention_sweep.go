package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// retentionSweep runs the daily sweep now, so the officer need not wait for tomorrow's after
// changing a rule or releasing a hold. It proposes; it destroys nothing.
func (s *Server) retentionSweep(c *fiber.Ctx) error {
	res, err := s.retention.Sweep(c.UserContext())
	if err != nil {
		return err
	}
	due := 0
	for _, n := range res.Due {
		due += n
	}
	msg := "The sweep found nothing due for destruction."
	if due > 0 {
		msg = fmt.Sprintf("The sweep found %d records or log entries due for destruction. Review each proposal before you approve it.", due)
	}
	return s.redirectWithFlash(c, "/dpo/retention", msg)
}
