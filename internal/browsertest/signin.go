package browsertest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/pquerna/otp/totp"
)

// SignIn signs u in through the real pages, as a person would: email and password on
// /sign-in, then, for staff, a code from their authenticator on /sign-in/code, and for
// providers the code emailed to them on /sign-in/email-code. It fails the
// test unless the tab ends on a signed-in page (home, or the page the sign-in was for).
//
// The portal refuses a TOTP code whose time step is not later than the last one the user
// used, so the same staff user can sign in through SignIn at most twice in one 30-second
// step; make another user for a third journey. Codes used through webtest's HTTP SignIn
// are not known here: do not mix the two for one staff user.
func SignIn(t testing.TB, ctx context.Context, baseURL string, u *webtest.TestUser) {
	t.Helper()
	EnterPassword(t, ctx, baseURL, u.Email, u.Password)
	if u.TOTPSecret != "" {
		if p := Location(t, ctx).Path; p != "/sign-in/code" {
			t.Fatalf("signing in %s: after the password the browser is on %s, want /sign-in/code%s", u.Email, p, problems(t, ctx))
		}
		EnterCode(t, ctx, u)
	} else {
		if p := Location(t, ctx).Path; p != "/sign-in/email-code" {
			t.Fatalf("signing in %s: after the password the browser is on %s, want /sign-in/email-code%s", u.Email, p, problems(t, ctx))
		}
		EnterEmailedCode(t, ctx, u)
	}
	if p := Location(t, ctx).Path; strings.HasPrefix(p, "/sign-in") {
		t.Fatalf("signing in %s: the browser is still on %s%s", u.Email, p, problems(t, ctx))
	}
}

// EnterPassword opens the sign-in page, types the email address and password, and
// submits them. It returns the HTTP status of the page that follows, and leaves checking
// where the browser went to the caller.
func EnterPassword(t testing.TB, ctx context.Context, baseURL, email, password string) int {
	t.Helper()
	Open(t, ctx, strings.TrimSuffix(baseURL, "/")+"/sign-in")
	Fill(t, ctx, map[string]string{"email": email, "password": password})
	return Click(t, ctx, `form[action="/sign-in"] button[type="submit"]`)
}

// EnterEmailedCode types the code last emailed to the provider u on the page the tab shows,
// and submits it. It returns the HTTP status of the page that follows.
func EnterEmailedCode(t testing.TB, ctx context.Context, u *webtest.TestUser) int {
	t.Helper()
	Fill(t, ctx, map[string]string{"code": u.EmailedCode(t)})
	return Click(t, ctx, `form[action="/sign-in/email-code"] button[type="submit"]`)
}

// EnterCode types a fresh TOTP code for the staff user u on the code page the tab shows,
// and submits it. It returns the HTTP status of the page that follows.
func EnterCode(t testing.TB, ctx context.Context, u *webtest.TestUser) int {
	t.Helper()
	Fill(t, ctx, map[string]string{"code": nextCode(t, u)})
	return Click(t, ctx, `form[action="/sign-in/code"] button[type="submit"]`)
}

// usedSteps remembers, per user id, the last TOTP time step this package sent, so repeated
// sign-ins of one user in a test never replay a code.
var usedSteps = struct {
	sync.Mutex
	last map[string]int64
}{last: map[string]int64{}}

// nextCode returns a code for the earliest time step the portal will still accept from u:
// the current step, or the one after it (it accepts one step either side of now).
func nextCode(t testing.TB, u *webtest.TestUser) string {
	t.Helper()
	if u.TOTPSecret == "" {
		t.Fatalf("%s has no TOTP secret to make a code from", u.Email)
	}
	usedSteps.Lock()
	defer usedSteps.Unlock()
	now := auth.TOTPStep(time.Now())
	step := now
	if last, ok := usedSteps.last[u.ID]; ok && last >= step {
		step = last + 1
	}
	if step > now+1 {
		t.Fatalf("%s has signed in twice within one 30-second TOTP step; a third code would be refused as a replay. Use another user", u.Email)
	}
	usedSteps.last[u.ID] = step
	code, err := totp.GenerateCode(u.TOTPSecret, time.Unix(step*auth.TOTPPeriod, 0))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// problems describes the error summary the page shows, if any, for a failure message.
func problems(t testing.TB, ctx context.Context) string {
	t.Helper()
	if Count(t, ctx, ".govuk-error-summary") == 0 {
		return ""
	}
	return ", showing: " + strings.Join(strings.Fields(Text(t, ctx, ".govuk-error-summary")), " ")
}
