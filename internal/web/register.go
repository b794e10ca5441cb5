package web

import (
	"errors"
	"strconv"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/membership"
	"github.com/gofiber/fiber/v2"
)

// Self-registration in two steps: the privacy notice in full, then the account and
// organisation form, which refuses anyone who has not read the current notice in this
// session. The account works once the emailed link confirms the address.

type registerNoticePage struct {
	Page
	noticeView
	Action  string // where "Continue" posts
	Changed bool   // the notice changed after they read an older one
}

// registerNotice is step 1: the current privacy notice, in full, before any personal data.
func (s *Server) registerNotice(c *fiber.Ctx) error {
	if sess := sessionOf(c); sess != nil && sess.Stage == auth.StageFull {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	return s.renderRegisterNotice(c, fiber.StatusOK, false)
}

func (s *Server) renderRegisterNotice(c *fiber.Ctx, status int, changed bool) error {
	nv, err := s.currentNotice(c.UserContext(), "Register your organisation")
	if err != nil {
		return err
	}
	p := s.page(c, "Register your organisation: "+nv.Notice.Title)
	return render(c, status, "register/notice", registerNoticePage{Page: p, noticeView: nv, Action: "/register", Changed: changed})
}

// registerNoticeRead records on the session that the visitor read the notice, then asks
// for their details.
func (s *Server) registerNoticeRead(c *fiber.Ctx) error {
	ok, err := s.readNotice(c)
	if err != nil {
		return err
	}
	if !ok {
		return s.renderRegisterNotice(c, fiber.StatusConflict, true)
	}
	return c.Redirect("/register/account", fiber.StatusSeeOther)
}

// registrationForm holds the registration form's text fields; passwords are read as typed.
type registrationForm struct {
	Name             string `form:"name" label:"full name"`
	Email            string `form:"email" label:"email address"`
	OrganisationName string `form:"organisation" label:"organisation name"`
}

type registerAccountPage struct {
	Page
	registrationForm
	NoticeVersion int
	MinLength     int
}

var registrationFields = []string{"name", "email", "organisation", "password", "password_confirm"}

// registerAccountForm is step 2, for a visitor who has read the current notice in this session.
func (s *Server) registerAccountForm(c *fiber.Ctx) error {
	if sess := sessionOf(c); sess != nil && sess.Stage == auth.StageFull {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	n, readAt, err := s.visitorNotice(c)
	if err != nil {
		return err
	}
	if readAt == nil {
		return c.Redirect("/register", fiber.StatusSeeOther)
	}
	return render(c, fiber.StatusOK, "register/account", registerAccountPage{Page: s.page(c, "Your details"),
		NoticeVersion: n.Version, MinLength: auth.MinPasswordLength})
}

type checkEmailPage struct {
	Page
	Email string
}

// registerAccount creates the account, the organisation, the acknowledgement and the
// confirmation email together, or shows the form again with a message per field.
func (s *Server) registerAccount(c *fiber.Ctx) error {
	if sess := sessionOf(c); sess != nil && sess.Stage == auth.StageFull {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	n, readAt, err := s.visitorNotice(c)
	if err != nil {
		return err
	}
	if readAt == nil {
		return c.Redirect("/register", fiber.StatusSeeOther)
	}
	var f registrationForm
	decodeErrs := decodeForm(c, &f)
	_, _, err = s.memberships.Register(c.UserContext(), membership.Registration{
		Name: f.Name, Email: f.Email, OrganisationName: f.OrganisationName,
		Password: c.FormValue("password"), PasswordConfirm: c.FormValue("password_confirm"),
		NoticeID: n.ID, NoticeReadAt: *readAt, IP: c.IP(),
	})
	if errors.Is(err, membership.ErrEmailHasAccount) {
		err = nil // the same page as a new registration: the account holder has been emailed
	}
	if wait, throttled := auth.IsThrottled(err); throttled {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())))
		return apperr.New(apperr.TooMany, "There have been too many registrations from your connection. Wait %s and try again", wait)
	}
	if errors.Is(err, membership.ErrNoticeChanged) {
		return s.renderRegisterNotice(c, fiber.StatusConflict, true)
	}
	fields := apperr.FieldsOf(err)
	if err != nil && fields == nil {
		return err
	}
	if len(fields) > 0 || len(decodeErrs) > 0 {
		if fields == nil {
			fields = map[string]string{}
		}
		for k, v := range decodeErrs {
			fields[k] = v
		}
		p := s.page(c, "Your details")
		p.Errors = fieldErrors(registrationFields, fields)
		return render(c, fiber.StatusUnprocessableEntity, "register/account", registerAccountPage{Page: p, registrationForm: f,
			NoticeVersion: n.Version, MinLength: auth.MinPasswordLength})
	}
	return render(c, fiber.StatusOK, "register/check_email", checkEmailPage{Page: s.page(c, "Check your email"), Email: f.Email})
}

type emailConfirmedPage struct {
	Page
	Confirmed bool
	Message   string
}

// registerConfirm confirms the email address a link was sent to, then asks them to sign in.
func (s *Server) registerConfirm(c *fiber.Ctx) error {
	_, err := s.auth.ConfirmEmail(c.UserContext(), c.Params("token"))
	if apperr.Is(err, apperr.NotFound) {
		return render(c, fiber.StatusNotFound, "register/confirmed", emailConfirmedPage{Page: s.page(c, "This link does not work"), Message: apperr.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "register/confirmed", emailConfirmedPage{Page: s.page(c, "Your email address is confirmed"), Confirmed: true})
}

type resendPage struct {
	Page
	Email string
	Sent  bool
}

func (s *Server) registerResendForm(c *fiber.Ctx) error {
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "register/resend", resendPage{Page: s.page(c, "Get a new confirmation link")})
}

// registerResend sends a new confirmation link, answering the same way whether or not the
// address has an account waiting for confirmation.
func (s *Server) registerResend(c *fiber.Ctx) error {
	var f struct {
		Email string `form:"email" label:"email address"`
	}
	fields := decodeForm(c, &f)
	if len(fields) == 0 {
		err := s.auth.ResendConfirmation(c.UserContext(), f.Email, c.IP())
		if wait, throttled := auth.IsThrottled(err); throttled {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())))
			return apperr.New(apperr.TooMany, "There have been too many requests from your connection. Wait %s and try again", wait)
		}
		if fields = apperr.FieldsOf(err); fields == nil && err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		p := s.page(c, "Get a new confirmation link")
		p.Errors = fieldErrors([]string{"email"}, fields)
		return render(c, fiber.StatusUnprocessableEntity, "register/resend", resendPage{Page: p, Email: f.Email})
	}
	return render(c, fiber.StatusOK, "register/resend", resendPage{Page: s.page(c, "Check your email"), Email: f.Email, Sent: true})
}
