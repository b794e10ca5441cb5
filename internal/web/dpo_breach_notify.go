package web

import (
	"github.com/council/provider-portal/internal/privacy"
	"github.com/gofiber/fiber/v2"
)

// breachNotify records that people or a body were told about the breach.
func (s *Server) breachNotify(c *fiber.Ctx) error {
	var in privacy.NotificationInput
	errs := decodeForm(c, &in)
	var err error
	if len(errs) == 0 {
		err = privacy.AddNotification(c.UserContext(), s.db, c.Params("id"), formInt(c, "version"), in, s.clock())
	}
	return s.breachFormResult(c, err, "Recorded who was told.", privacy.NotificationFields, errs,
		func(p *breachPage) { p.Notification = in })
}
