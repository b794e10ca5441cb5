package web

import (
	"fmt"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/workqueue"
	"github.com/gofiber/fiber/v2"
)

// A person's own account (/account): where they are signed in, ending any of those
// sessions, and changing their password.

type accountPage struct {
	Page
	Sessions []auth.SessionInfo
	Current  string
	// WorkEmail is a staff member's choice of email about new work, from Frequencies;
	// officers (who manage contracts) may also keep it to their own (WorkScope).
	WorkEmail   workqueue.Preference
	Frequencies []workqueue.Frequency
	WorkScope   bool
}

func (s *Server) account(c *fiber.Ctx) error {
	return s.accountWithErrors(c, nil)
}

// accountWithErrors renders the account page, with a form's errors (status 422) if any.
func (s *Server) accountWithErrors(c *fiber.Ctx, errs map[string]string) error {
	ctx := c.UserContext()
	u := userOf(c)
	sessions, err := auth.UserSessions(ctx, s.db, u.ID, s.clock())
	if err != nil {
		return err
	}
	data := accountPage{Page: s.page(c, "Your account"), Sessions: sessions, Current: auth.RefOf(sessionOf(c))}
	if u.IsStaff() {
		if data.WorkEmail, err = workqueue.PreferenceOf(ctx, s.db, u.ID); err != nil {
			return err
		}
		data.Frequencies, data.WorkScope = workqueue.Frequencies, u.Has(auth.RoleOfficer)
	}
	status := fiber.StatusOK
	if len(errs) > 0 {
		data.Page.Errors = fieldErrors([]string{"work_email", "work_scope"}, errs)
		status = fiber.StatusUnprocessableEntity
	}
	return render(c, status, "account/home", data)
}

// accountSessionEnd signs one of the person's sessions out; ending this one signs them out.
func (s *Server) accountSessionEnd(c *fiber.Ctx) error {
	ref := c.FormValue("session")
	if err := s.auth.EndSession(c.UserContext(), userOf(c), ref); err != nil {
		return err
	}
	if ref == auth.RefOf(sessionOf(c)) {
		s.clearSessionCookie(c)
		return c.Redirect("/sign-in?signed-out=1", fiber.StatusSeeOther)
	}
	return s.redirectWithFlash(c, "/account", "That session has been signed out.")
}

// accountSessionsEndOthers signs the person out everywhere else.
func (s *Server) accountSessionsEndOthers(c *fiber.Ctx) error {
	n, err := s.auth.EndOtherSessions(c.UserContext(), userOf(c), sessionOf(c))
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/account", fmt.Sprintf("Signed out of %d other %s.", n, plural(int(n), "session", "sessions")))
}

type accountPasswordPage struct {
	Page
	MinLength int
}

func (s *Server) accountPasswordForm(c *fiber.Ctx) error {
	p := s.page(c, "Change your password")
	p.Back = "/account"
	return render(c, fiber.StatusOK, "account/password", accountPasswordPage{Page: p, MinLength: minPasswordLength(userOf(c))})
}

// accountPassword changes the password of a signed-in person who gives their current one;
// it ends every other session and every outstanding reset link.
func (s *Server) accountPassword(c *fiber.Ctx) error {
	err := s.auth.ChangePassword(c.UserContext(), userOf(c), sessionOf(c), c.FormValue("current_password"),
		c.FormValue("password"), c.FormValue("password_confirm"))
	if fields := apperr.FieldsOf(err); fields != nil {
		p := s.page(c, "Change your password")
		p.Back = "/account"
		p.Errors = fieldErrors([]string{"current_password", "password", "password_confirm"}, fields)
		return render(c, fiber.StatusUnprocessableEntity, "account/password", accountPasswordPage{Page: p, MinLength: minPasswordLength(userOf(c))})
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/account", "Your password has been changed. You have been signed out everywhere else.")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// accountAppForm lets a provider who is emailed sign-in codes use an authenticator app
// instead (staff set one up at their first sign-in).
func (s *Server) accountAppForm(c *fiber.Ctx) error {
	if userOf(c).TOTPSecret != nil {
		return s.redirectWithFlash(c, "/account", "Your authenticator app is already set up.")
	}
	return s.renderEnrol(c, fiber.StatusOK, nil, "/account/authenticator-app")
}

// accountApp completes setting up the app: from the next sign-in its codes replace the
// emailed ones.
func (s *Server) accountApp(c *fiber.Ctx) error {
	sess, u := sessionOf(c), userOf(c)
	if u.TOTPSecret != nil || sess.PendingTOTPSecret == nil {
		return c.Redirect("/account/authenticator-app", fiber.StatusSeeOther)
	}
	secret, err := s.auth.OpenPendingSecret(sess.TokenHash, *sess.PendingTOTPSecret)
	if err != nil {
		return err
	}
	err = s.auth.CompleteTOTPEnrolment(c.UserContext(), u, secret, c.FormValue("code"))
	if apperr.Is(err, apperr.Invalid) {
		return s.renderEnrol(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "code", Message: apperr.MessageOf(err)}}, "/account/authenticator-app")
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/account", "Your authenticator app is set up. From your next sign-in you will give a code from it instead of one by email.")
}
