package web

import (
	"net/url"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/gofiber/fiber/v2"
)

// financeOnly is the access rule of finance's pages: finance officers only. Administrators
// and commissioning officers never see bank details.
var financeOnly = Roles(auth.RoleFinance)

// stepUpWindow is how long a fresh authenticator code lets a finance officer reveal or
// export bank details (ASVS 7.5.3: re-authenticate before a sensitive action).
const stepUpWindow = 5 * time.Minute

// steppedUp reports whether the session entered a fresh authenticator code recently enough.
func steppedUp(c *fiber.Ctx) bool {
	sess := sessionOf(c)
	return sess != nil && sess.SteppedUpAt != nil && time.Since(*sess.SteppedUpAt) < stepUpWindow
}

// toStepUp sends the officer to enter a code, then back to the page they were on. A POST
// cannot be replayed through a redirect, so back is the page holding the form.
func toStepUp(c *fiber.Ctx, back string) error {
	return c.Redirect("/finance/step-up?next="+url.QueryEscape(safeNext(back)), fiber.StatusSeeOther)
}

type stepUpPage struct {
	Page
	Next string
}

func (s *Server) financeStepUpForm(c *fiber.Ctx) error {
	p := s.page(c, "Confirm it is you")
	next := safeNext(c.Query("next", "/finance"))
	p.Back = next
	return render(c, fiber.StatusOK, "finance/step_up", stepUpPage{Page: p, Next: next})
}

// financeStepUp checks a fresh code from the officer's authenticator app (audited by auth as
// user.totp.step_up) and marks the session stepped up. The code is single-use, like a
// sign-in code.
func (s *Server) financeStepUp(c *fiber.Ctx) error {
	ctx := c.UserContext()
	next := safeNext(c.FormValue("next"))
	err := s.auth.StepUp(ctx, sessionOf(c), userOf(c), c.FormValue("code"))
	if apperr.Is(err, apperr.Invalid) {
		p := s.page(c, "Confirm it is you")
		p.Back = next
		p.Errors = []FieldError{{Field: "code", Message: apperr.MessageOf(err)}}
		return render(c, fiber.StatusUnprocessableEntity, "finance/step_up", stepUpPage{Page: p, Next: next})
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, next, "Code accepted. For the next 5 minutes you can see bank details in full and export them.")
}
