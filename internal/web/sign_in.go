package web

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/form"
	"github.com/gofiber/fiber/v2"
)

type signInPage struct {
	Page
	Email string
	Next  string
	// KeptFor says how long a form sent after a timeout is kept, when Next returns to one.
	KeptFor string
}

// newSignInPage is the sign-in page's view model; one returning the person to a form they
// sent after timing out says so (unsent_form.go).
func newSignInPage(p Page, email, next string) signInPage {
	data := signInPage{Page: p, Email: email, Next: next}
	if u, err := url.Parse(next); err == nil && (u.Query().Get("unsent") != "" || strings.HasPrefix(u.Path, "/unsent-forms/")) {
		data.KeptFor = durationWords(auth.UnsentFormLifetime)
	}
	return data
}

func (s *Server) signInForm(c *fiber.Ctx) error {
	if sess := sessionOf(c); sess != nil && sess.Stage == auth.StageFull {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "sign_in/password", newSignInPage(s.page(c, "Sign in"), "", safeNext(c.Query("next"))))
}

// signIn checks the password, then starts a new session at the stage the user has reached:
// signed in for providers, a TOTP code (or setting up the app) for staff.
func (s *Server) signIn(c *fiber.Ctx) error {
	email, emailMsg := form.Text(c.FormValue("email"), "email address", false, 254)
	password := c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	fields := map[string]string{}
	switch {
	case emailMsg != "":
		// A NUL or bytes that are not UTF-8 would otherwise reach the database in the lookup.
		fields["email"] = emailMsg
	case email == "":
		fields["email"] = "Enter your email address"
	}
	if password == "" {
		fields["password"] = "Enter your password"
	} else if len(password) > 1024 {
		fields["password"] = "Password must be 1,024 characters or fewer"
	}
	fail := func(status int, fields map[string]string) error {
		p := s.page(c, "Sign in")
		p.Errors = fieldErrors([]string{"email", "password"}, fields)
		return render(c, status, "sign_in/password", newSignInPage(p, email, next))
	}
	if len(fields) > 0 {
		return fail(fiber.StatusUnprocessableEntity, fields)
	}
	u, err := s.auth.SignIn(c.UserContext(), email, password, c.IP())
	if wait, ok := auth.IsThrottled(err); ok {
		c.Set(fiber.HeaderRetryAfter, fmt.Sprint(int(wait.Seconds())))
		return fail(fiber.StatusTooManyRequests, map[string]string{"email": fmt.Sprintf(
			"There have been too many attempts to sign in. Wait %s and try again, or reset your password", wait)})
	}
	if apperr.Is(err, apperr.Unauthorized) {
		return fail(fiber.StatusUnauthorized, map[string]string{"email": apperr.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	stage := s.auth.StageAfterPassword(u)
	if err := s.startSession(c, u, stage); err != nil {
		return err
	}
	switch stage {
	case auth.StageCode:
		if err := s.auth.SendSignInCode(c.UserContext(), sessionOf(c), u, false); err != nil {
			return err
		}
		return c.Redirect("/sign-in/email-code?next="+urlQueryEscape(next), fiber.StatusSeeOther)
	case auth.StageEnrol:
		return c.Redirect("/sign-in/authenticator-app", fiber.StatusSeeOther)
	case auth.StageMFA:
		return c.Redirect("/sign-in/code?next="+urlQueryEscape(next), fiber.StatusSeeOther)
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// startSession replaces whatever session the visitor had with a new one (a new id at every
// change of privilege defeats session fixation).
func (s *Server) startSession(c *fiber.Ctx, u *auth.User, stage auth.Stage) error {
	ctx := c.UserContext()
	if old := sessionOf(c); old != nil {
		if err := auth.DeleteSession(ctx, s.db, old.TokenHash); err != nil {
			return err
		}
	}
	orgID := ""
	if old := sessionOf(c); old != nil && old.OrganisationID != nil {
		orgID = *old.OrganisationID
	}
	token, sess, err := auth.NewSession(ctx, s.db, u.ID, stage, orgID, s.timeouts(), c.IP(), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token)
	c.Locals(localSession, sess)
	c.Locals(localUser, u)
	return nil
}
