package web

import (
	"io/fs"
	"net/http"
	"time"

	portal "github.com/council/provider-portal"
	"github.com/council/provider-portal/internal/auth"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
)

// Route is one method and path with who may use it and what handles it.
type Route struct {
	Method  string
	Path    string
	Rule    Rule
	Handler fiber.Handler
}

// Routes lists every route of the web interface. Reading it answers "who can do what":
// each route names its access rule, and a test fails on any route the router has that is
// not here with a rule.
func (s *Server) Routes() []Route {
	admin := Roles(auth.RoleAdmin)
	provider := Roles(auth.RoleProvider)
	officer := Roles(auth.RoleOfficer)
	return []Route{
		{"GET", "/healthz", Public, s.healthz},
		{"GET", "/readyz", Public, s.readyz},

		{"GET", "/", SignedIn, s.home},

		{"GET", "/sign-in", Public, s.signInForm},
		{"POST", "/sign-in", Public, s.signIn},
		{"GET", "/sign-in/code", SecondFactorDue, s.signInCodeForm},
		{"POST", "/sign-in/code", SecondFactorDue, s.signInCode},
		{"GET", "/sign-in/authenticator-app", EnrolmentDue, s.enrolForm},
		{"POST", "/sign-in/authenticator-app", EnrolmentDue, s.enrol},
		{"POST", "/sign-out", Public, s.signOut},

		{"GET", "/password-reset", Public, s.passwordResetRequestForm},
		{"POST", "/password-reset", Public, s.passwordResetRequest},
		{"GET", "/password-reset/:token", Public, s.passwordResetForm},
		{"POST", "/password-reset/:token", Public, s.passwordReset},

		{"GET", "/register", Public, s.registerNotice},
		{"POST", "/register", Public, s.registerNoticeRead},
		{"GET", "/register/account", Public, s.registerAccountForm},
		{"POST", "/register/account", Public, s.registerAccount},
		{"GET", "/register/confirm/:token", Public, s.registerConfirm},
		{"GET", "/register/resend", Public, s.registerResendForm},
		{"POST", "/register/resend", Public, s.registerResend},

		{"GET", "/provider", provider, s.providerTaskList},
		{"GET", "/provider/sections/:section", provider, s.providerSectionForm},
		{"POST", "/provider/sections/:section", provider, s.providerSectionSave},
		{"GET", "/provider/sections/:section/check", provider, s.providerSectionCheck},
		{"POST", "/provider/sections/:section/complete", provider, s.providerSectionComplete},
		{"POST", "/provider/submit", provider, s.providerSubmit},
		{"GET", "/provider/submitted", provider, s.providerSubmitted},
		{"GET", "/documents/:id", Roles(auth.RoleProvider, auth.RoleOfficer), s.documentDownload},

		{"GET", "/organisation/members", provider, s.members},
		{"POST", "/organisation/members", provider, s.memberInvite},
		{"POST", "/organisation/members/:id/remove", provider, s.memberRemove},
		{"GET", "/organisation/switch", provider, s.organisationSwitchForm},
		{"POST", "/organisation/switch", provider, s.organisationSwitch},
		{"GET", "/invitations/:token", Public, s.invitation},
		{"POST", "/invitations/:token/notice", Public, s.invitationNoticeRead},
		{"POST", "/invitations/:token/accept", provider, s.invitationAccept},
		{"POST", "/invitations/:token/account", Public, s.invitationAccount},

		{"GET", "/review", officer, s.reviewQueue},
		{"GET", "/review/providers/:id", officer, s.reviewProvider},
		{"POST", "/review/providers/:id/decision", officer, s.reviewDecision},
		{"POST", "/review/providers/:id/sections/:section/decision", officer, s.reviewSectionDecision},

		{"GET", "/privacy", Public, s.privacyNotice},
		{"GET", "/privacy-notice", Public, s.privacyNotice},
		{"GET", "/privacy-notice/acknowledge", provider, s.noticeAcknowledgeForm},
		{"POST", "/privacy-notice/acknowledge", provider, s.noticeAcknowledge},
		{"GET", "/accessibility", Public, s.accessibilityPage},
		{"GET", "/cookies", Public, s.cookiesPage},

		{"GET", "/admin/users", admin, s.usersList},
		{"GET", "/admin/users/new", admin, s.userNewForm},
		{"POST", "/admin/users", admin, s.userCreate},
		{"GET", "/admin/users/:id", admin, s.userShow},
		{"POST", "/admin/users/:id/roles", admin, s.userSetRoles},
		{"POST", "/admin/users/:id/disable", admin, s.userDisable},
		{"POST", "/admin/users/:id/enable", admin, s.userEnable},
		{"GET", "/admin/outbox", DevRoles(auth.RoleAdmin), s.outbox},

		// Finance: payment details under dual control, reveals and exports after a step-up.
		{"GET", "/provider/bank-details", provider, s.providerBankDetails},
		{"GET", "/provider/bank-details/change", provider, s.providerBankChangeForm},
		{"POST", "/provider/bank-details/change", provider, s.providerBankChange},
		{"POST", "/provider/bank-details/changes/:id/withdraw", provider, s.providerBankWithdraw},
		{"GET", "/finance", financeOnly, s.financeHome},
		{"GET", "/finance/step-up", financeOnly, s.financeStepUpForm},
		{"POST", "/finance/step-up", financeOnly, s.financeStepUp},
		{"GET", "/finance/providers/:id", financeOnly, s.financeProvider},
		{"POST", "/finance/providers/:id/initial-request", financeOnly, s.financeOpenInitialRequest},
		{"GET", "/finance/providers/:id/changes/new", financeOnly, s.financeChangeNewForm},
		{"POST", "/finance/providers/:id/changes", financeOnly, s.financeChangeCreate},
		{"POST", "/finance/payment-details/:id/reveal", financeOnly, s.financeRevealDetails},
		{"GET", "/finance/changes/:id", financeOnly, s.financeChange},
		{"GET", "/finance/changes/:id/evidence", financeOnly, s.financeEvidence},
		{"POST", "/finance/changes/:id/calls", financeOnly, s.financeChangeCall},
		{"POST", "/finance/changes/:id/approve", financeOnly, s.financeChangeApprove},
		{"POST", "/finance/changes/:id/reject", financeOnly, s.financeChangeReject},
		{"POST", "/finance/changes/:id/reveal", financeOnly, s.financeRevealRequested},
		{"GET", "/finance/exports", financeOnly, s.financeExports},
		{"POST", "/finance/exports/payments", financeOnly, s.financeExportPayments},
		{"POST", "/finance/exports/nfi", financeOnly, s.financeExportNFI},
		{"GET", "/finance/export-profiles/new", financeOnly, s.financeProfileNewForm},
		{"POST", "/finance/export-profiles", financeOnly, s.financeProfileCreate},
		{"GET", "/finance/export-profiles/:id", financeOnly, s.financeProfileForm},
		{"POST", "/finance/export-profiles/:id", financeOnly, s.financeProfileUpdate},
		{"POST", "/finance/export-profiles/:id/delete", financeOnly, s.financeProfileDelete},
		{"GET", "/finance/reports/changes", financeOnly, s.financeReport},
		{"GET", "/finance/reports/changes.csv", financeOnly, s.financeReportCSV},
		{"GET", "/finance/settings", financeOnly, s.financeSettings},
		{"POST", "/finance/settings", financeOnly, s.financeSettingsSave},

		// Commissioning: contracts, KPIs and returns, quality assurance, compliance, officer views.

		// Data protection: notices, subject access, rectification, retention, registers, audit viewer.
	}
}

// StaticPrefix is where our assets and the compiled GOV.UK Frontend are served.
const StaticPrefix = "/static"

// mount installs the middleware chain and every route.
func (s *Server) mount(app *fiber.App) {
	app.Use(s.requestID, s.accessLog, s.recoverPanic, s.securityHeaders)

	static, err := fs.Sub(portal.Static, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	app.Use(StaticPrefix, func(c *fiber.Ctx) error {
		c.Locals(localRoute, "GET "+StaticPrefix+"/*")
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
		return c.Next()
	}, filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: int(time.Hour.Seconds())}))

	app.Use(s.withTimeout, s.loadSession, s.checkCSRF)
	for _, r := range s.Routes() {
		app.Add(r.Method, r.Path, s.guard(r))
		if r.Method == fiber.MethodGet {
			app.Add(fiber.MethodHead, r.Path, s.guard(r)) // monitors and link checkers use HEAD
		}
	}
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
