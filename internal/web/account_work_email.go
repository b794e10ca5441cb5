package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/workqueue"
	"github.com/gofiber/fiber/v2"
)

// accountWorkEmail saves how often a staff member is emailed about new work (at once, in a
// daily summary, or not at all) and, for an officer, whether only about their own
// contracts and providers: the account page's "Email about new work".
func (s *Server) accountWorkEmail(c *fiber.Ctx) error {
	u := userOf(c)
	f, _ := workqueue.ParseFrequency(c.FormValue("work_email"))
	p := workqueue.Preference{Frequency: f}
	errs := map[string]string{}
	if u.Has(auth.RoleOfficer) {
		switch c.FormValue("work_scope") {
		case "mine":
			p.MineOnly = true
		case "all":
		default:
			errs["work_scope"] = "Select which work we should email you about"
		}
	}
	if f == "" {
		errs["work_email"] = "Select how often we should email you about new work"
	}
	if len(errs) > 0 {
		return s.accountWithErrors(c, errs)
	}
	err := s.work.SetPreference(c.UserContext(), u.ID, p)
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.accountWithErrors(c, fields)
	}
	if err != nil {
		return err
	}
	msg := workEmailSaved[f]
	if p.MineOnly && f != workqueue.Never {
		msg += " Only work on your contracts and providers."
	}
	return s.redirectWithFlash(c, "/account", msg)
}

var workEmailSaved = map[workqueue.Frequency]string{
	workqueue.Immediate: "We will email you as soon as new work arrives for you.",
	workqueue.Daily:     "We will email you a summary of new work each weekday morning.",
	workqueue.Never:     "We will not email you about new work.",
}
