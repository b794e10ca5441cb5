package web

import (
	"github.com/council/provider-portal/internal/workqueue"
	"github.com/gofiber/fiber/v2"
)

// accountWorkEmail saves how often a staff member is emailed about new work: at once, in a
// daily summary, or not at all (the account page's "Email about new work").
func (s *Server) accountWorkEmail(c *fiber.Ctx) error {
	f, ok := workqueue.ParseFrequency(c.FormValue("work_email"))
	if !ok {
		return s.accountWithErrors(c, map[string]string{"work_email": "Select how you want to hear about new work"})
	}
	if err := s.work.SetPreference(c.UserContext(), userOf(c).ID, f); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/account", workEmailSaved[f])
}

var workEmailSaved = map[workqueue.Frequency]string{
	workqueue.Immediate: "We will email you as soon as new work arrives for you.",
	workqueue.Daily:     "We will email you a summary of new work each weekday morning.",
	workqueue.Never:     "We will not email you about new work.",
}
