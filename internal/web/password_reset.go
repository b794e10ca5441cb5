package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/validate"
	"github.com/gofiber/fiber/v2"
)

type passwordResetRequestPage struct {
	Page
	Email string
	Sent  bool
}

func (s *Server) passwordResetRequestForm(c *fiber.Ctx) error {
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "password_reset/request", passwordResetRequestPage{Page: s.page(c, "Reset your password")})
}

// passwordResetRequest always says a link was sent if the account exists, so the page cannot
// be used to find out who has an account.
func (s *Server) passwordResetRequest(c *fiber.Ctx) error {
	email := strings.TrimSpace(c.FormValue("email"))
	if _, err := validate.NormaliseEmail(email); err != nil {
		p := s.page(c, "Reset your password")
		p.Errors = []FieldError{{Field: "email", Message: apperr.MessageOf(err)}}
		return render(c, fiber.StatusUnprocessableEntity, "password_reset/request", passwordResetRequestPage{Page: p, Email: email})
	}
	err := s.auth.RequestPasswordReset(c.UserContext(), email, c.IP())
	if wait, throttled := auth.IsThrottled(err); throttled {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())))
		p := s.page(c, "Reset your password")
		p.Errors = []FieldError{{Field: "email", Message: fmt.Sprintf("There have been too many requests from your connection. Wait %s and try again", wait)}}
		return render(c, fiber.StatusTooManyRequests, "password_reset/request", passwordResetRequestPage{Page: p, Email: email})
	}
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "password_reset/request", passwordResetRequestPage{Page: s.page(c, "Check your email"), Email: email, Sent: true})
}

type passwordResetPage struct {
	Page
	Token        string
	MinLength    int
	Expired      bool
	ExpiredError string
}

func (s *Server) passwordResetForm(c *fiber.Ctx) error {
	if _, err := s.ensureSession(c); err != nil {
		return err
	}
	token := c.Params("token")
	u, err := s.auth.PasswordResetUser(c.UserContext(), token)
	if apperr.Is(err, apperr.NotFound) {
		return render(c, fiber.StatusNotFound, "password_reset/new_password", passwordResetPage{Page: s.page(c, "This link does not work"), Expired: true, ExpiredError: apperr.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "password_reset/new_password", passwordResetPage{Page: s.page(c, "Choose a new password"), Token: token, MinLength: minPasswordLength(u)})
}

func (s *Server) passwordReset(c *fiber.Ctx) error {
	token := c.Params("token")
	password := c.FormValue("password")
	if password != c.FormValue("password_confirm") {
		return s.passwordResetFailed(c, token, map[string]string{"password_confirm": "Enter the same password twice"})
	}
	err := s.auth.ResetPassword(c.UserContext(), token, password)
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.passwordResetFailed(c, token, fields)
	}
	if apperr.Is(err, apperr.NotFound) {
		return render(c, fiber.StatusNotFound, "password_reset/new_password", passwordResetPage{Page: s.page(c, "This link does not work"), Expired: true, ExpiredError: apperr.MessageOf(err)})
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/sign-in", "Your password has been changed. Sign in with your new password.")
}

func (s *Server) passwordResetFailed(c *fiber.Ctx, token string, fields map[string]string) error {
	u, err := s.auth.PasswordResetUser(c.UserContext(), token)
	if err != nil {
		return err
	}
	p := s.page(c, "Choose a new password")
	p.Errors = fieldErrors([]string{"password", "password_confirm"}, fields)
	return render(c, fiber.StatusUnprocessableEntity, "password_reset/new_password", passwordResetPage{Page: p, Token: token, MinLength: minPasswordLength(u)})
}

func minPasswordLength(u *auth.User) int {
	if u.IsStaff() {
		return 8
	}
	return 15
}
