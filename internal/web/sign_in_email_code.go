package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/gofiber/fiber/v2"
)

type signInEmailCodePage struct {
	Page
	Next  string
	Email string
}

func (s *Server) renderEmailCode(c *fiber.Ctx, status int, next string, errs []FieldError) error {
	p := s.page(c, "Enter the code we emailed you")
	p.Errors = errs
	return render(c, status, "sign_in/email_code", signInEmailCodePage{Page: p, Next: next, Email: userOf(c).Email})
}

func (s *Server) signInEmailCodeForm(c *fiber.Ctx) error {
	return s.renderEmailCode(c, fiber.StatusOK, safeNext(c.Query("next")), nil)
}

// signInEmailCode completes a provider's sign-in with the code emailed to them, in a new
// session.
func (s *Server) signInEmailCode(c *fiber.Ctx) error {
	u, next := userOf(c), safeNext(c.FormValue("next"))
	code := strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(c.FormValue("code")))
	err := s.auth.CheckSignInCode(c.UserContext(), sessionOf(c), u, code)
	if wait, throttled := auth.IsThrottled(err); throttled {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())))
		return s.renderEmailCode(c, fiber.StatusTooManyRequests, next,
			[]FieldError{{Field: "code", Message: fmt.Sprintf("Too many wrong codes. Wait %s and try again", wait)}})
	}
	if apperr.Is(err, apperr.Invalid) {
		return s.renderEmailCode(c, fiber.StatusUnprocessableEntity, next, []FieldError{{Field: "code", Message: apperr.MessageOf(err)}})
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, u, auth.StageFull); err != nil {
		return err
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// signInEmailCodeResend sends a new code, at most one a minute. It takes no input: where to
// go afterwards rides in the address, as on the code page.
func (s *Server) signInEmailCodeResend(c *fiber.Ctx) error {
	next := safeNext(c.Query("next"))
	err := s.auth.SendSignInCode(c.UserContext(), sessionOf(c), userOf(c), true)
	if wait, throttled := auth.IsThrottled(err); throttled {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())))
		return s.renderEmailCode(c, fiber.StatusTooManyRequests, next,
			[]FieldError{{Field: "code", Message: fmt.Sprintf("We sent a code less than a minute ago. Wait %s before asking for another", wait)}})
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/sign-in/email-code?next="+urlQueryEscape(next), "We have sent you a new code.")
}
