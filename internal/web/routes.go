package web

import (
	"io/fs"
	"net/http"
	"time"

	portal "github.com/council/provider-portal"
	"github.com/council/provider-portal/internal/apitoken"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/importer"
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
	staff := Roles(auth.StaffRoles...)
	return []Route{
		{"GET", "/healthz", Public, s.healthz},
		{"GET", "/readyz", Public, s.readyz},

		{"GET", "/", SignedIn, s.home},

		{"GET", "/sign-in", Public, s.signInForm},
		{"POST", "/sign-in", Public, s.signIn},
		{"GET", "/sign-in/code", SecondFactorDue, s.signInCodeForm},
		{"POST", "/sign-in/code", SecondFactorDue, s.signInCode},
		{"GET", "/sign-in/email-code", EmailCodeDue, s.signInEmailCodeForm},
		{"POST", "/sign-in/email-code", EmailCodeDue, s.signInEmailCode},
		{"POST", "/sign-in/email-code/resend", EmailCodeDue, s.signInEmailCodeResend},
		{"GET", "/sign-in/authenticator-app", EnrolmentDue, s.enrolForm},
		{"POST", "/sign-in/authenticator-app", EnrolmentDue, s.enrol},
		{"POST", "/sign-out", Public, s.signOut},
		{"POST", "/session/extend", SignedIn, s.sessionExtend},
		{"GET", "/unsent-forms/:id", SignedIn, s.unsentForm},
		{"POST", "/unsent-forms/:id/discard", SignedIn, s.unsentFormDiscard},
		{"GET", "/account", SignedIn, s.account},
		{"POST", "/account/sessions/end", SignedIn, s.accountSessionEnd},
		{"POST", "/account/sessions/end-others", SignedIn, s.accountSessionsEndOthers},
		{"GET", "/account/authenticator-app", SignedIn, s.accountAppForm},
		{"POST", "/account/authenticator-app", SignedIn, s.accountApp},
		{"GET", "/account/password", SignedIn, s.accountPasswordForm},
		{"POST", "/account/password", SignedIn, s.accountPassword},
		{"POST", "/account/work-email", staff, s.accountWorkEmail},

		{"GET", "/work", staff, s.workList},

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
		{"GET", "/provider/check", provider, s.providerRecordCheck},
		{"POST", "/provider/submit", provider, s.providerSubmit},
		{"GET", "/provider/comments/:id/reply", provider, s.providerCommentReplyForm},
		{"POST", "/provider/comments/:id/reply", provider, s.providerCommentReply},
		{"GET", "/provider/record", provider, s.providerRecordCopy},
		{"GET", "/provider/record.pdf", provider, s.providerRecordPDF},
		{"GET", "/provider/submitted", provider, s.providerSubmitted},
		{"GET", "/documents/:id", Roles(auth.RoleProvider, auth.RoleOfficer), s.documentDownload},

		{"GET", "/organisation/members", provider, s.members},
		{"POST", "/organisation/members", provider, s.memberInvite},
		{"GET", "/organisation/members/:id/remove", provider, s.memberRemoveForm},
		{"POST", "/organisation/members/:id/remove", provider, s.memberRemove},
		{"POST", "/organisation/members/invitations/cancel", provider, s.invitationCancel},
		{"POST", "/organisation/members/invitations/resend", provider, s.invitationResend},
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
		{"POST", "/review/providers/:id/sections/:section/accept", officer, s.reviewSectionAccept},

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
		{"POST", "/admin/users/:id/sessions/end", admin, s.userEndSessions},
		{"POST", "/admin/users/:id/authenticator/reset", admin, s.userResetAuthenticator},
		{"POST", "/admin/role-grants/:id/approve", admin, s.roleGrantApprove},
		{"POST", "/admin/role-grants/:id/reject", admin, s.roleGrantReject},
		{"GET", "/admin/api-tokens", admin, s.apiTokensList},
		{"GET", "/admin/api-tokens/new", admin, s.apiTokenNewForm},
		{"POST", "/admin/api-tokens", admin, s.apiTokenCreate},
		{"POST", "/admin/api-tokens/:id/revoke", admin, s.apiTokenRevoke},
		{"GET", "/admin/outbox", DevRoles(auth.RoleAdmin), s.outbox},

		// Bulk import of existing suppliers.
		{"GET", "/imports", Roles(auth.RoleAdmin, auth.RoleOfficer), s.imports},
		{"POST", "/imports", Roles(auth.RoleAdmin, auth.RoleOfficer), s.importCreate},
		{"GET", "/imports/template.csv", Roles(auth.RoleAdmin, auth.RoleOfficer), importTemplate(importer.CSV)},
		{"GET", "/imports/template.xlsx", Roles(auth.RoleAdmin, auth.RoleOfficer), importTemplate(importer.XLSX)},
		{"POST", "/imports/invitations", Roles(auth.RoleAdmin, auth.RoleOfficer), s.importInvitations},
		{"GET", "/imports/:id", Roles(auth.RoleAdmin, auth.RoleOfficer), s.importShow},
		{"GET", "/imports/:id/progress", Roles(auth.RoleAdmin, auth.RoleOfficer), s.importProgress},
		{"GET", "/imports/:id/errors.csv", Roles(auth.RoleAdmin, auth.RoleOfficer), s.importErrorsCSV},
		{"POST", "/imports/:id/commit", Roles(auth.RoleAdmin, auth.RoleOfficer), s.importCommit},
		// Regulators' published judgements: check a file (a dry run), then apply it.
		{"GET", "/regulator-data", officer, s.regulatorData},
		{"POST", "/regulator-data", officer, s.regulatorDataCheck},
		{"GET", "/regulator-data/:id", officer, s.regulatorDataShow},
		{"POST", "/regulator-data/:id/apply", officer, s.regulatorDataApply},

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
		{"POST", "/finance/providers/:id/creditor", financeOnly, s.financeCreditorSave},
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
		{"GET", "/dashboard", officer, s.dashboard},
		{"GET", "/dashboard/:list.csv", officer, s.dashboardCSV},
		{"GET", "/dashboard/:list.xlsx", officer, s.dashboardXLSX},
		{"GET", "/providers", officer, s.directoryList},
		{"GET", "/providers.csv", officer, s.directoryCSV},
		{"GET", "/providers.xlsx", officer, s.directoryXLSX},
		{"GET", "/providers/:id", officer, s.providerOverview},
		{"GET", "/quality", officer, s.qaHome},
		{"GET", "/quality/providers/:id", officer, s.qaProvider},
		{"GET", "/quality/providers/:id/visits/new", officer, s.qaVisitNewForm},
		{"POST", "/quality/providers/:id/visits", officer, s.qaVisitCreate},
		{"GET", "/quality/visits/:id", officer, s.qaVisit},
		{"GET", "/quality/visits/:id/edit", officer, s.qaVisitEditForm},
		{"POST", "/quality/visits/:id", officer, s.qaVisitUpdate},
		{"POST", "/quality/visits/:id/actions", officer, s.qaActionCreate},
		{"GET", "/quality/actions/:id", officer, s.qaAction},
		{"POST", "/quality/actions/:id", officer, s.qaActionUpdate},
		{"POST", "/quality/actions/:id/close", officer, s.qaActionClose},
		{"GET", "/quality/settings", Roles(auth.RoleOfficer, auth.RoleAdmin), s.complianceSettings},
		{"POST", "/quality/settings", Roles(auth.RoleOfficer, auth.RoleAdmin), s.complianceSettingsSave},
		{"GET", "/provider/quality", provider, s.qaProviderHome},
		{"GET", "/provider/quality/actions/:id", provider, s.qaProviderAction},
		{"POST", "/provider/quality/actions/:id/response", provider, s.qaProviderRespond},
		{"GET", "/contracts", officer, s.contractList},
		{"GET", "/contracts/new", officer, s.contractNewForm},
		{"POST", "/contracts", officer, s.contractCreate},
		{"GET", "/contracts/:id", officer, s.contractShow},
		{"GET", "/contracts/:id/edit", officer, s.contractEditForm},
		{"POST", "/contracts/:id", officer, s.contractUpdate},
		{"GET", "/contracts/:id/ocds.json", officer, s.contractOCDS},
		{"GET", "/contracts/:id/variations/new", officer, s.variationForm},
		{"POST", "/contracts/:id/variations", officer, s.variationCreate},
		{"GET", "/contracts/:id/notices", officer, s.contractNotices},
		{"GET", "/contracts/:id/notices/:notice/release.json", officer, s.contractNoticeDraft},
		{"GET", "/contracts/:id/notices/:notice/publish", officer, s.contractNoticePublishForm},
		{"POST", "/contracts/:id/notices/:notice/publish", officer, s.contractNoticePublish},
		{"GET", "/contracts/:id/documents/new", officer, s.contractDocumentForm},
		{"POST", "/contracts/:id/documents", officer, s.contractDocumentUpload},
		{"GET", "/contracts/:id/kpis/new", officer, s.kpiNewForm},
		{"POST", "/contracts/:id/kpis", officer, s.kpiCreate},
		{"GET", "/contracts/:id/assessments/new", officer, s.contractAssessmentForm},
		{"POST", "/contracts/:id/assessments", officer, s.contractAssessmentConfirm},
		{"GET", "/kpis/:id", officer, s.kpiShow},
		{"GET", "/kpis/:id/edit", officer, s.kpiEditForm},
		{"POST", "/kpis/:id", officer, s.kpiUpdate},
		{"GET", "/returns/:id", officer, s.returnShow},
		{"POST", "/returns/:id/record", officer, s.returnRecord},
		{"POST", "/returns/:id/accept", officer, s.returnAccept},
		{"POST", "/returns/:id/query", officer, s.returnQuery},
		{"GET", "/contract-settings", Roles(auth.RoleOfficer, auth.RoleAdmin), s.contractSettings},
		{"POST", "/contract-settings", Roles(auth.RoleOfficer, auth.RoleAdmin), s.contractSettingsSave},

		// API: token-authenticated JSON for the council's other systems. Each route takes a
		// bearer token holding its scope and never a session; errors are problem+json;
		// openapi.json documents every route here (openapi_test.go keeps the two in step).
		{"GET", "/api/v1/openapi.json", Public, s.apiOpenAPI},
		{"GET", "/api/v1/providers", Scope(apitoken.ProvidersRead), s.apiProviders},
		{"GET", "/api/v1/providers/:id", Scope(apitoken.ProvidersRead), s.apiProvider},
		{"GET", "/api/v1/providers/:id/compliance", Scope(apitoken.ProvidersRead), s.apiProviderCompliance},
		{"GET", "/api/v1/providers/:id/payment-details", Scope(apitoken.PaymentsRead), s.apiPaymentDetails},
		{"GET", "/api/v1/contracts", Scope(apitoken.ContractsRead), s.apiContracts},
		{"GET", "/api/v1/contracts/:id", Scope(apitoken.ContractsRead), s.apiContract},
		{"GET", "/api/v1/ocds/releases", Scope(apitoken.ContractsRead), s.ocdsReleases},

		// Open contracting data: published contracts for anyone, no sign-in, limited per
		// client address; no personal data (open_data_ocds.go).
		{"GET", "/open-data/ocds/releases", Public, s.openDataReleases},
		{"GET", "/open-data/ocds/releases.jsonl", Public, s.openDataReleasesBulk},
		{"GET", "/open-data/ocds/releases/:id", Public, s.openDataRelease},
		{"GET", "/open-data/ocds/records/:ocid", Public, s.openDataRecord},
		{"GET", "/open-data/ocds/documents/:id", Public, s.openDataDocument},

		{"GET", "/provider/contracts", provider, s.providerContracts},
		{"GET", "/provider/contracts/:id", provider, s.providerContract},
		{"GET", "/provider/kpis/:id", provider, s.providerKPI},
		{"GET", "/provider/returns/:id", provider, s.providerReturnForm},
		{"POST", "/provider/returns/:id", provider, s.providerReturnSubmit},
		{"POST", "/provider/returns/:id/answer", provider, s.providerReturnAnswer},
		{"POST", "/provider/returns/:id/correct", provider, s.providerReturnCorrect},

		// Data protection: notices, subject access, rectification, retention, registers, audit viewer.
		{"GET", "/dpo/retention", Roles(auth.RoleDPO), s.retentionHome},
		{"POST", "/dpo/retention/sweep", Roles(auth.RoleDPO), s.retentionSweep},
		{"GET", "/dpo/retention/rules/:category", Roles(auth.RoleDPO), s.retentionRuleForm},
		{"POST", "/dpo/retention/rules/:category", Roles(auth.RoleDPO), s.retentionRuleSave},
		{"GET", "/dpo/retention/proposals/:id", Roles(auth.RoleDPO), s.retentionProposal},
		{"POST", "/dpo/retention/proposals/:id/approve", Roles(auth.RoleDPO), s.retentionApprove},
		{"GET", "/dpo/retention/holds", Roles(auth.RoleDPO), s.retentionHolds},
		{"POST", "/dpo/retention/holds", Roles(auth.RoleDPO), s.retentionHoldPlace},
		{"POST", "/dpo/retention/holds/:id/release", Roles(auth.RoleDPO), s.retentionHoldRelease},
		{"GET", "/dpo/retention/destruction-log", Roles(auth.RoleDPO), s.retentionLog},
		{"GET", "/record-of-processing", Roles(auth.RoleOfficer, auth.RoleFinance, auth.RoleDPO, auth.RoleAdmin), s.processingRecord},
		{"GET", "/disclosures", Roles(auth.RoleDPO, auth.RoleOfficer), s.disclosureList},
		{"GET", "/disclosures/new", Roles(auth.RoleDPO, auth.RoleOfficer), s.disclosureNewForm},
		{"GET", "/disclosures/export", Roles(auth.RoleDPO), s.disclosureExport},
		{"POST", "/disclosures", Roles(auth.RoleDPO, auth.RoleOfficer), s.disclosureCreate},
		{"GET", "/disclosures/:id", Roles(auth.RoleDPO, auth.RoleOfficer), s.disclosureShow},
		{"GET", "/dpo/breaches", Roles(auth.RoleDPO), s.breachList},
		{"GET", "/dpo/breaches/new", Roles(auth.RoleDPO), s.breachNewForm},
		{"POST", "/dpo/breaches", Roles(auth.RoleDPO), s.breachCreate},
		{"GET", "/dpo/breaches/:id", Roles(auth.RoleDPO), s.breachShow},
		{"POST", "/dpo/breaches/:id/assessment", Roles(auth.RoleDPO), s.breachAssess},
		{"POST", "/dpo/breaches/:id/report", Roles(auth.RoleDPO), s.breachReport},
		{"POST", "/dpo/breaches/:id/notifications", Roles(auth.RoleDPO), s.breachNotify},
		{"POST", "/dpo/breaches/:id/close", Roles(auth.RoleDPO), s.breachClose},
		{"GET", "/dpo/audit-log", Roles(auth.RoleDPO), s.auditViewer},
		{"GET", "/dpo/audit-log/export", Roles(auth.RoleDPO), s.auditViewerExport},
		{"POST", "/dpo/audit-log/verify", Roles(auth.RoleDPO), s.auditViewerVerify},
		{"GET", "/dpo/notices", Roles(auth.RoleDPO), s.dpoNotices},
		{"GET", "/dpo/notices/new", Roles(auth.RoleDPO), s.dpoNoticeNewForm},
		{"GET", "/dpo/notices/outstanding", Roles(auth.RoleDPO), s.dpoNoticeOutstanding},
		{"POST", "/dpo/notices", Roles(auth.RoleDPO), s.dpoNoticeCreate},
		{"GET", "/dpo/notices/:id", Roles(auth.RoleDPO), s.dpoNotice},
		{"GET", "/dpo/notices/:id/edit", Roles(auth.RoleDPO), s.dpoNoticeEditForm},
		{"POST", "/dpo/notices/:id", Roles(auth.RoleDPO), s.dpoNoticeUpdate},
		{"POST", "/dpo/notices/:id/publish", Roles(auth.RoleDPO), s.dpoNoticePublish},
		{"GET", "/dpo/notices/:id/acknowledgements", Roles(auth.RoleDPO), s.dpoNoticeAcknowledgements},
		{"GET", "/dpo/sar", Roles(auth.RoleDPO), s.sarList},
		{"GET", "/dpo/sar/new", Roles(auth.RoleDPO), s.sarNewForm},
		{"POST", "/dpo/sar", Roles(auth.RoleDPO), s.sarCreate},
		{"GET", "/dpo/sar/:id", Roles(auth.RoleDPO), s.sarRequest},
		{"POST", "/dpo/sar/:id/extend", Roles(auth.RoleDPO), s.sarExtend},
		{"POST", "/dpo/sar/:id/close", Roles(auth.RoleDPO), s.sarClose},
		{"GET", "/dpo/sar/:id/search", Roles(auth.RoleDPO), s.sarSearch},
		{"POST", "/dpo/sar/:id/decisions", Roles(auth.RoleDPO), s.sarDecide},
		{"POST", "/dpo/sar/:id/export", Roles(auth.RoleDPO), s.sarExport},
		// Everyone who signs in is a data subject, staff as much as providers.
		{"GET", "/rectification", SignedIn, s.rectificationList},
		{"GET", "/rectification/new", SignedIn, s.rectificationNewForm},
		{"POST", "/rectification", SignedIn, s.rectificationCreate},
		{"GET", "/rectification/:id", SignedIn, s.rectificationShow},
		{"GET", "/rectification-requests", Roles(auth.RoleDPO, auth.RoleOfficer), s.rectificationStaffList},
		{"GET", "/rectification-requests/:id", Roles(auth.RoleDPO, auth.RoleOfficer), s.rectificationStaffShow},
		{"POST", "/rectification-requests/:id", Roles(auth.RoleDPO, auth.RoleOfficer), s.rectificationDecide},
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

	app.Use(s.withTimeout, s.exceptAPI(s.loadSession), s.exceptAPI(s.checkCSRFOrKeep))
	for _, r := range s.Routes() {
		app.Add(r.Method, r.Path, s.guard(r))
		if r.Method == fiber.MethodGet {
			app.Add(fiber.MethodHead, r.Path, s.guard(r)) // monitors and link checkers use HEAD
		}
	}
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
