package web

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/url"
	"strconv"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/gofiber/fiber/v2"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

type signInCodePage struct {
	Page
	Next string
}

func (s *Server) signInCodeForm(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "sign_in/code", signInCodePage{Page: s.page(c, "Enter the code from your authenticator app"), Next: safeNext(c.Query("next"))})
}

// signInCode completes a staff sign-in with the TOTP code, in a new session.
func (s *Server) signInCode(c *fiber.Ctx) error {
	u := userOf(c)
	next := safeNext(c.FormValue("next"))
	code := c.FormValue("code")
	err := s.auth.CheckTOTP(c.UserContext(), u, code, "signin")
	if wait, throttled := auth.IsThrottled(err); throttled {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())))
		p := s.page(c, "Enter the code from your authenticator app")
		p.Errors = []FieldError{{Field: "code", Message: fmt.Sprintf("Too many wrong codes. Wait %s and try again", wait)}}
		return render(c, fiber.StatusTooManyRequests, "sign_in/code", signInCodePage{Page: p, Next: next})
	}
	if apperr.Is(err, apperr.Invalid) {
		p := s.page(c, "Enter the code from your authenticator app")
		p.Errors = []FieldError{{Field: "code", Message: apperr.MessageOf(err)}}
		return render(c, fiber.StatusUnprocessableEntity, "sign_in/code", signInCodePage{Page: p, Next: next})
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, u, auth.StageFull); err != nil {
		return err
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

type enrolPage struct {
	Page
	QRCode template.URL // data: URL of a PNG, marked safe: html/template blocks data: URLs otherwise
	Secret string       // the same secret as text, grouped for typing
	Action string       // where the code is sent: the sign-in step, or the account page
}

// enrolForm shows a new secret as a QR code and as text. The secret waits, encrypted, in the
// session until the user proves their app has it by entering a code.
func (s *Server) enrolForm(c *fiber.Ctx) error {
	return s.renderEnrol(c, fiber.StatusOK, nil, "/sign-in/authenticator-app")
}

func (s *Server) renderEnrol(c *fiber.Ctx, status int, errs []FieldError, action string) error {
	ctx := c.UserContext()
	sess, u := sessionOf(c), userOf(c)
	secret, err := s.auth.EnrolmentSecret(ctx, sess, u)
	if err != nil {
		return err
	}
	otpURL := auth.TOTPURL(s.auth.Issuer, u.Email, secret)
	png, err := auth.TOTPQRCodePNG(otpURL)
	if err != nil {
		return err
	}
	p := s.page(c, "Set up your authenticator app")
	p.Errors = errs
	return render(c, status, "sign_in/authenticator_app", enrolPage{Page: p,
		QRCode: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)),
		Secret: auth.FormatTOTPSecret(secret), Action: action})
}

func (s *Server) enrol(c *fiber.Ctx) error {
	sess, u := sessionOf(c), userOf(c)
	if sess.PendingTOTPSecret == nil {
		return c.Redirect("/sign-in/authenticator-app", fiber.StatusSeeOther)
	}
	secret, err := s.auth.OpenPendingSecret(sess.TokenHash, *sess.PendingTOTPSecret)
	if err != nil {
		return err
	}
	err = s.auth.CompleteTOTPEnrolment(c.UserContext(), u, secret, c.FormValue("code"))
	if apperr.Is(err, apperr.Invalid) {
		return s.renderEnrol(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "code", Message: apperr.MessageOf(err)}}, "/sign-in/authenticator-app")
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, u, auth.StageFull); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/", "Your authenticator app is set up. You will need a code from it each time you sign in.")
}
