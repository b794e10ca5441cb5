// Package retention keeps personal data no longer than the council's retention schedule
// allows: the categories of personal data the portal holds (defined once, here, for both the
// schedule and the record of processing), the rules the data protection officer may change,
// legal holds, the daily sweep that proposes what is due, and the approved destruction that
// deletes or anonymises it in one transaction and logs it without keeping any personal data.
//
// Retention decides what is due and what a legal hold protects, and writes only its own
// tables (rules, proposals, holds, the destruction log). The package that owns each record
// destroys it (provider, finance, quality, auth, contract, document, notify, privacy, audit),
// through exported functions taking the approval's transaction, so each owner's own rules
// (only rejected registrations, documents still in use kept, the audit chain's anchor) hold
// while it does.
package retention

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
)

// Trigger is an event that starts a category's retention clock.
type Trigger struct {
	Key string
	// Label completes "N years after ...".
	Label string
}

// Method is how a category's records are destroyed.
type Method string

const (
	Deleted    Method = "deleted"
	Anonymised Method = "anonymised"
)

// Category is one category of personal data the portal holds: what it is, why it is held and
// on what basis, who receives it, how long it is kept, and how the sweep finds and destroys
// it. The record of processing is generated from these definitions and the rules read them, so
// the two cannot disagree.
type Category struct {
	Key         string
	Name        string
	Data        string // the personal data in it
	Subjects    string // whose data it is
	Purpose     string
	LawfulBasis string
	Recipients  string
	// DefaultMonths is the default retention period; 0 for a category with no rule of its own
	// (kept while in use, or destroyed with the record it belongs to; KeptFor says which).
	DefaultMonths int
	// MinMonths is the shortest period a rule may set, where the law or the portal's own
	// accountability needs one (the audit trail: 7 years); 0 for none.
	MinMonths int
	// TwoPeople says destroying the category takes the approval of two different people,
	// because one person could otherwise erase the record of what they did.
	TwoPeople bool
	// Triggers are the events the period may run from; the first is the default.
	Triggers []Trigger
	KeptFor  string
	// Found and Destroyed say in words how the sweep finds what is due and how it is destroyed.
	Found     string
	Destroyed string
	Method    Method
	// Exactly one of records and bulk is set for a category with a rule.
	records *recordSource
	bulk    *bulkSource
}

// recordSource finds individual records that are due and destroys a chosen set of them.
// Each item names the organisation or contract it belongs to, so legal holds apply.
type recordSource struct {
	find    func(ctx context.Context, q sqlx.QueryerContext, e env) ([]Item, error)
	destroy func(ctx context.Context, tx *sqlx.Tx, e env, items []Item) (int, error)
}

// bulkSource is for logs kept for a period: everything before a cutoff goes, except what a
// legal hold protects.
type bulkSource struct {
	count func(ctx context.Context, q sqlx.QueryerContext, e env) (int, error)
	purge func(ctx context.Context, tx *sqlx.Tx, e env) (int, error)
}

// env is what a finder or destroyer needs to know: the rule in force and the cutoff it gives
// for instants and for dates.
type env struct {
	Rule       Rule
	Now        time.Time
	Cutoff     time.Time // Now less the rule's period
	CutoffDate time.Time // the cutoff's date in the UK, at midnight UTC
	Today      time.Time // today's date in the UK, at midnight UTC
}

// HasRule reports whether the category has a retention rule the sweep applies.
func (c Category) HasRule() bool { return c.DefaultMonths > 0 }

// TriggerLabel returns the label of a trigger key of this category, or "" for one it does not have.
func (c Category) TriggerLabel(key string) string {
	for _, t := range c.Triggers {
		if t.Key == key {
			return t.Label
		}
	}
	return ""
}

// Category keys, as stored in rules, proposals and the destruction log.
const (
	CategoryRejectedRegistrations = "rejected_registrations"
	CategoryProviderRecords       = "provider_records"
	CategoryContractRecords       = "contract_records"
	CategoryDBSRecords            = "dbs_records"
	CategoryDocuments             = "documents"
	CategoryUserAccounts          = "user_accounts"
	CategorySignInRecords         = "sign_in_records"
	CategoryEmailsSent            = "emails_sent"
	CategoryAuditEvents           = "audit_events"
	CategoryDisclosures           = "disclosures"
	CategoryBreaches              = "breaches"
	CategoryFormerSuppliers       = "former_suppliers"
	CategorySubjectAccessCases    = "subject_access_cases"
)

const (
	basisPublicTask = "Public task (UK GDPR art. 6(1)(e)): the council's duties to commission care under the Children Act 1989, " +
		"the Children and Families Act 2014 and the Care Act 2014, and contract management under the Procurement Act 2023 " +
		"(the Public Contracts Regulations 2015 for contracts procured before 24 February 2025)"
	basisLegalObligation = "Legal obligation (UK GDPR art. 6(1)(c))"
)

// contractRecordsDefaultMonths is the default period for contract records: 6 years after the
// contract ends, the time the Limitation Act 1980 gives to bring a claim on a contract.
const contractRecordsDefaultMonths = 72

// Categories are the categories of personal data the portal holds, in the order the record of
// processing lists them.
var Categories = []Category{
	{
		Key: CategoryProviderRecords, Name: "Provider records",
		Data: "Names, roles, email addresses and phone numbers of providers' contacts; organisation details, addresses, " +
			"VAT number, insurance and regulator registrations; bank details (encrypted)",
		Subjects:    "People who work for care providers, and sole traders",
		Purpose:     "Deciding which services to buy and from whom, making and managing contracts, paying providers, monitoring quality",
		LawfulBasis: basisPublicTask + "; contract (art. 6(1)(b)) for sole traders",
		Recipients: "The council's commissioning, legal and finance teams; internal and external auditors; Ofsted and the CQC; regional commissioning frameworks; " +
			"the Cabinet Office for the National Fraud Initiative (trade creditor standing data, under Part 6 of the Local Audit and Accountability Act 2014; " +
			"the payment history comes from the council's finance system); the public, for contract data published as open data (no personal data but a sole trader's trading name)",
		KeptFor: "While the organisation is registered with the council. A registration turned down is destroyed under " +
			"\"Registrations turned down\", an approved supplier under \"Suppliers after the last contract\", and contracts under \"Contract records\". " +
			"An approved supplier that has never had a contract is kept while it stays registered",
		Destroyed: "Deleted with the organisation",
		Method:    Deleted,
	},
	{
		Key: CategoryRejectedRegistrations, Name: "Registrations turned down",
		Data:          "Everything a provider gave when registering: the record's sections, documents, and the accounts of its users who belong to no other provider",
		Subjects:      "People who work for providers whose registration was turned down",
		Purpose:       "Answering questions and challenges about the decision",
		LawfulBasis:   basisPublicTask,
		Recipients:    "The council's commissioning team",
		DefaultMonths: 12, Triggers: []Trigger{{Key: "decision", Label: "the decision"}},
		Found:     "Organisations whose registration was turned down, by the date of the decision",
		Destroyed: "The organisation is deleted with its record sections, documents, payment details and memberships, and the accounts of its users who belong to no other provider",
		Method:    Deleted,
		records:   &recordSource{find: findRejectedRegistrations, destroy: destroyRejectedRegistrations},
	},
	{
		Key: CategoryFormerSuppliers, Name: "Suppliers after the last contract",
		Data: "The whole record of an approved supplier whose contracts with the council have all ended: the record's sections, bank details (encrypted), " +
			"documents, quality assurance findings, and the accounts of its users who belong to no other provider",
		Subjects:    "People who worked for the supplier, and sole traders",
		Purpose:     "Answering questions, claims and audits about the contracts after they end",
		LawfulBasis: basisPublicTask + "; legal obligation (UK GDPR art. 6(1)(c)) for financial records",
		Recipients:  "The council's commissioning, legal, finance and audit teams",
		// 6 years: the Limitation Act 1980 (s. 5) gives 6 years to bring a claim on a contract,
		// and the council's contract records are kept as long (Contract records).
		DefaultMonths: 72, Triggers: []Trigger{{Key: "last_contract_end", Label: "the supplier's last contract with the council ends"}},
		Found: "Approved or suspended suppliers with no contract still running whose last contract ended before the cutoff " +
			"(and before the cutoff of the rule for contract records, so no contract goes before its own rule allows), " +
			"except those with a provider or contract under a legal hold. The day the last contract ended is remembered when the contract itself is destroyed",
		Destroyed: "The organisation is deleted with its contracts, record sections, documents, payment details and memberships, and the accounts of its users who belong to no other provider",
		Method:    Deleted,
		records:   &recordSource{find: findFormerSuppliers, destroy: destroyFormerSuppliers},
	},
	{
		Key: CategoryContractRecords, Name: "Contract records",
		Data:          "Contracts with their monitoring returns, quality assurance findings and documents, naming the provider's staff who deal with them",
		Subjects:      "People who work for providers; council officers",
		Purpose:       "Managing contracts, monitoring quality and outcomes, audit and legal claims",
		LawfulBasis:   basisPublicTask + "; legal obligation (UK GDPR art. 6(1)(c)) for financial records",
		Recipients:    "The council's commissioning, legal, finance and audit teams; Ofsted and the CQC on request",
		DefaultMonths: contractRecordsDefaultMonths, Triggers: []Trigger{{Key: "contract_end", Label: "the contract ends"}},
		Found:     "Contracts whose end date (or termination date) has passed",
		Destroyed: "The contract is deleted with what belongs to it",
		Method:    Deleted,
		records:   &recordSource{find: findEndedContracts, destroy: destroyContracts},
	},
	{
		Key: CategoryDBSRecords, Name: "DBS records",
		Data:          "Names and roles of staff in regulated roles, the level, number (encrypted) and issue date of their DBS certificate, and the result of status checks; never what a certificate says",
		Subjects:      "Providers' staff in regulated roles",
		Purpose:       "Making sure children are placed with safe, suitable providers",
		LawfulBasis:   basisPublicTask + "; criminal offence data under UK GDPR art. 10 and the Data Protection Act 2018, sch. 1 para. 18 (safeguarding of children)",
		Recipients:    "Commissioning officers who need it; every view is audited",
		DefaultMonths: 6,
		Triggers: []Trigger{
			{Key: "left_or_last_contract_end", Label: "the member of staff leaves or the provider's last contract ends, whichever is first"},
			{Key: "left", Label: "the member of staff leaves"},
			{Key: "last_contract_end", Label: "the provider's last contract ends"},
		},
		Found:     "Members of staff recorded as having left, and the staff of providers whose every contract has ended",
		Destroyed: "The member of staff is removed from the provider's safeguarding section, both the working and the approved copy",
		Method:    Anonymised,
		records:   &recordSource{find: findDBSRecords, destroy: destroyDBSRecords},
	},
	{
		Key: CategoryDocuments, Name: "Documents",
		Data:        "Uploaded insurance certificates, policies and evidence, which may name people",
		Subjects:    "People who work for providers",
		Purpose:     "Checking insurance and compliance; evidence for bank-detail changes",
		LawfulBasis: basisPublicTask,
		Recipients:  "Commissioning officers; finance officers for evidence of bank-detail changes",
		KeptFor:     "With the record they belong to: destroyed when it is",
		Destroyed:   "Deleted with their record",
		Method:      Deleted,
	},
	{
		Key: CategoryUserAccounts, Name: "User accounts",
		Data:        "Name, email address, roles, password hash, authenticator secret (encrypted), privacy notices acknowledged",
		Subjects:    "Providers' users and council staff",
		Purpose:     "Signing people in and showing who did what",
		LawfulBasis: basisPublicTask,
		Recipients:  "None outside the council",
		KeptFor: "While the person works for a registered provider or for the council. An account that is switched off is kept, so the audit trail still shows who did what; " +
			"a provider user's account is deleted with the last provider record they belong to (a registration turned down, or a supplier after its last contract)",
		Destroyed: "Deleted",
		Method:    Deleted,
	},
	{
		Key: CategorySignInRecords, Name: "Sign-in records",
		Data:          "Sessions and sign-in attempts: email address, IP address, browser, time; forms sent after a session timed out, kept sealed for an hour for the person to send again",
		Subjects:      "Everyone who signs in",
		Purpose:       "Security: limiting password guessing and investigating misuse",
		LawfulBasis:   basisPublicTask + "; security of processing (UK GDPR art. 32)",
		Recipients:    "None outside the council",
		DefaultMonths: 3, Triggers: []Trigger{{Key: "last_activity", Label: "the last activity"}},
		Found:     "Sessions last used, sign-in attempts made, and forms kept after a timeout, before the cutoff",
		Destroyed: "Deleted",
		Method:    Deleted,
		bulk:      &bulkSource{count: countSignInRecords, purge: purgeSignInRecords},
	},
	{
		Key: CategoryEmailsSent, Name: "Emails sent",
		Data:          "Address, subject and text of each email the portal sends",
		Subjects:      "Providers' users and council staff",
		Purpose:       "Telling people about their records, and showing what they were told",
		LawfulBasis:   basisPublicTask,
		Recipients:    "The council's mail provider, to deliver them",
		DefaultMonths: 12, Triggers: []Trigger{{Key: "sent", Label: "the email is sent"}},
		Found:     "Emails sent (or last tried) before the cutoff",
		Destroyed: "Deleted",
		Method:    Deleted,
		bulk:      &bulkSource{count: countEmailsSent, purge: purgeEmailsSent},
	},
	{
		Key: CategoryAuditEvents, Name: "Audit trail",
		Data: "Who did what and when: the names and email addresses of council staff and providers' users, the IP address each sign-in came from, " +
			"and the fields they changed (secrets never recorded)",
		Subjects:      "Everyone who uses the portal, and people named in the records they changed",
		Purpose:       "Accountability, security, and evidence of every view of bank details and DBS data",
		LawfulBasis:   basisPublicTask + "; accountability and security (UK GDPR arts. 5(2) and 32)",
		Recipients:    "The data protection officer; internal and external audit",
		DefaultMonths: 84, MinMonths: 84, TwoPeople: true, Triggers: []Trigger{{Key: "recorded", Label: "the event is recorded"}},
		Found: "The oldest events recorded before the cutoff, as one unbroken run from the start of the trail, " +
			"stopping at the first event about a provider or contract under a legal hold",
		Destroyed: "Deleted through audit_expire, which keeps the hash of the last event removed so the rest of the chain still verifies",
		Method:    Deleted,
		bulk:      &bulkSource{count: countAuditEvents, purge: purgeAuditEvents},
	},
	{
		Key: CategoryDisclosures, Name: "Disclosure log",
		Data:          "What personal data was shared, with which body, when, on what lawful basis and by whom",
		Subjects:      "People whose data was shared; the staff who shared it",
		Purpose:       "Accountability for sharing personal data with other bodies",
		LawfulBasis:   basisLegalObligation + ": accountability (UK GDPR art. 5(2))",
		Recipients:    "The data protection officer; the ICO on request",
		DefaultMonths: 72, Triggers: []Trigger{{Key: "disclosed", Label: "the disclosure"}},
		Found:     "Disclosures made before the cutoff, except those about a provider under a legal hold",
		Destroyed: "Deleted",
		Method:    Deleted,
		bulk:      &bulkSource{count: countDisclosures, purge: purgeDisclosures},
	},
	{
		Key: CategoryBreaches, Name: "Breach register",
		Data:          "Personal data breaches: what happened, whose data, the risk assessment, who was told",
		Subjects:      "People whose data was involved in a breach",
		Purpose:       "Documenting breaches and the decisions about them (UK GDPR art. 33(5))",
		LawfulBasis:   basisLegalObligation + ": UK GDPR art. 33",
		Recipients:    "The data protection officer; the ICO where a breach is reported",
		DefaultMonths: 72, Triggers: []Trigger{{Key: "closed", Label: "the breach is closed"}},
		Found:     "Breaches closed before the cutoff, except those about a provider under a legal hold",
		Destroyed: "Deleted with their notification records",
		Method:    Deleted,
		bulk:      &bulkSource{count: countBreaches, purge: purgeBreaches},
	},
	{
		Key: CategorySubjectAccessCases, Name: "Subject access case records",
		Data: "Requests for a copy of personal data: the requester's name and contact details, how their identity was checked, " +
			"the deadline and any extension with its reason, the outcome, and what was sent (how many records of each kind, never the records)",
		Subjects:    "People who ask for their data, and anyone acting for them",
		Purpose:     "Answering requests within the time the law allows, and showing how each was answered (UK GDPR arts. 12 and 15)",
		LawfulBasis: basisLegalObligation + ": UK GDPR arts. 12 and 15",
		Recipients:  "The data protection officer; the ICO where someone complains",
		// 6 years, as the other registers: long enough to answer a complaint or a claim about
		// how a request was handled.
		DefaultMonths: 72, Triggers: []Trigger{{Key: "closed", Label: "the request is closed"}},
		Found:     "Requests closed before the cutoff",
		Destroyed: "Deleted with their extensions and the record of what was sent",
		Method:    Deleted,
		bulk:      &bulkSource{count: countSubjectAccessCases, purge: purgeSubjectAccessCases},
	},
}

// CategoryByKey returns a category, or false for an unknown key.
func CategoryByKey(key string) (Category, bool) {
	i := slices.IndexFunc(Categories, func(c Category) bool { return c.Key == key })
	if i < 0 {
		return Category{}, false
	}
	return Categories[i], true
}

// ScheduledCategories are the categories with a rule of their own, in the record's order.
func ScheduledCategories() []Category {
	var out []Category
	for _, c := range Categories {
		if c.HasRule() {
			out = append(out, c)
		}
	}
	return out
}

// MonthsHint says what periods a rule for the category may set, for its form.
func (c Category) MonthsHint() string {
	if c.MinMonths > 0 {
		return fmt.Sprintf("For example, %d for %d years. At least %d (%d years), at most %d.", c.MinMonths+12, c.MinMonths/12+1, c.MinMonths, c.MinMonths/12, MaxMonths)
	}
	return fmt.Sprintf("For example, 72 for 6 years. From 1 to %d.", MaxMonths)
}
