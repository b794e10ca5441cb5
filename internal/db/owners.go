package db

// TableOwners names, for every table, the one package (under internal/) that writes it.
// Only the owner runs INSERT, UPDATE, DELETE or COPY against its table; every other
// package calls the owner's exported functions, so the owner's rules (dual control on bank
// details, legal holds, the audit chain, section locks) hold on every path: web, API,
// import, command line and jobs. owners_test.go scans the Go source and fails when a
// package writes a table it does not own, or when a migration adds a table missing here.
//
// Tables filled by triggers (provider_dbs_checks, provider_policy_expiries) belong to the
// package whose table fires the trigger.
var TableOwners = map[string]string{
	// Identity: people, passwords, sessions, second factors.
	"users":           "auth",
	"sessions":        "auth",
	"signin_attempts": "auth",
	"one_time_tokens": "auth",
	"role_grants":     "auth",
	"email_requests":  "auth",
	"unsent_forms":    "auth",
	"ended_sessions":  "auth",

	// Who belongs to which organisation, and how people join one.
	"memberships":            "membership",
	"membership_invitations": "membership",

	// The provider record.
	"organisations":             "provider",
	"provider_sections":         "provider",
	"provider_pending_uploads":  "provider",
	"provider_section_comments": "provider",
	"provider_status_history":   "provider",
	"provider_dbs_checks":       "provider",
	"provider_policy_expiries":  "provider",
	"provider_directory_counts": "provider",

	"provider_section_comment_replies": "provider",

	// Payment details under dual control, and the exports.
	"payment_details":     "finance",
	"bank_detail_changes": "finance",
	"bank_detail_calls":   "finance",
	"export_profiles":     "finance",
	"finance_settings":    "finance",
	// The finance system's creditor number of each supplier, for the NFI file.
	"finance_creditors": "finance",

	"payment_file_suppliers": "finance",
	"payment_file_exports":   "finance",

	// Contracts, KPIs and monitoring returns.
	"contracts":               "contract",
	"contract_documents":      "contract",
	"contract_assessments":    "contract",
	"contract_variations":     "contract",
	"contract_notices":        "contract",
	"kpis":                    "contract",
	"monitoring_returns":      "contract",
	"monitoring_return_notes": "contract",
	"ocds_releases":           "contract",

	// Earlier revisions of returns the provider corrected.
	"monitoring_return_revisions": "contract",

	// Quality assurance and compliance.
	"qa_visits":           "quality",
	"qa_visit_officers":   "quality",
	"qa_actions":          "quality",
	"qa_action_responses": "quality",
	"provider_compliance": "quality",
	"reminders_sent":      "quality",

	// Data protection.
	"privacy_notices":          "privacy",
	"notice_acknowledgements":  "privacy",
	"breaches":                 "privacy",
	"breach_notifications":     "privacy",
	"disclosures":              "privacy",
	"rectification_requests":   "privacy",
	"sar_requests":             "privacy/subject",
	"sar_disclosures":          "privacy/subject",
	"sar_extensions":           "privacy/subject",
	"sar_decisions":            "privacy/subject",
	"retention_rules":          "retention",
	"retention_proposals":      "retention",
	"retention_proposal_items": "retention",
	"legal_holds":              "retention",
	"destruction_log":          "retention",

	// When a former supplier's last contract ended, once the contracts are destroyed.
	"supplier_last_contract_ends": "retention",

	// Shared services.
	"audit_events":      "audit",
	"audit_anchor":      "audit",
	"audit_checkpoints": "audit",
	"outbox":            "notify",
	"documents":         "document",
	"settings":          "settings",
	"import_jobs":       "importer",
	"api_tokens":        "apitoken",
	"job_runs":          "jobs",

	// Each staff member's choice of email about new work, and how far it has reached.
	"work_email_preferences": "workqueue",

	// Regulators' published judgements and the files they came from.
	"regulator_imports":    "regulator",
	"regulator_judgements": "regulator",
}

// HarnessPackages may write any table directly: they build data for demonstrations,
// benchmarks and tests, where speed matters and no user's change is being made.
var HarnessPackages = []string{"seed", "demo", "dbtest", "webtest", "browsertest", "faulttest", "loadbench", "devdb"}
