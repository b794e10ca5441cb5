package provider

import (
	"slices"
	"strings"
	"unicode"
)

// SectionKey names a section of the record in URLs and the database.
type SectionKey string

const (
	SectionOrganisation SectionKey = "organisation"
	SectionContacts     SectionKey = "contacts"
	SectionAddresses    SectionKey = "addresses"
	SectionVAT          SectionKey = "vat"
	SectionBank         SectionKey = "bank-details"
	SectionInsurance    SectionKey = "insurance"
	SectionRegulation   SectionKey = "regulation"
	SectionSafeguarding SectionKey = "safeguarding"
	SectionHealthSafety SectionKey = "health-and-safety"
	SectionDeclarations SectionKey = "declarations"
)

// Definition describes a section: its title, how to make its empty answers, and what
// must be completed before it can start.
type Definition struct {
	Key   SectionKey
	Title string
	New   func() Answers
	// After lists sections that must be completed before this one can start.
	After []SectionKey
	// LockedWhenApproved sections change only through another process after approval
	// (bank details: finance's change control).
	LockedWhenApproved bool
	// Restricted sections hold criminal offence data: officers' views are audited.
	Restricted bool
}

// Sections are the record's sections in task-list order.
var Sections = []Definition{
	{Key: SectionOrganisation, Title: "Organisation details", New: func() Answers { return &OrganisationAnswers{} }},
	{Key: SectionContacts, Title: "Contacts", New: func() Answers { return &ContactsAnswers{} }},
	{Key: SectionAddresses, Title: "Addresses", New: func() Answers { return &AddressesAnswers{} }},
	{Key: SectionVAT, Title: "VAT registration", New: func() Answers { return &VATAnswers{} }},
	{Key: SectionBank, Title: "Bank details", New: func() Answers { return &BankAnswers{} }, LockedWhenApproved: true},
	{Key: SectionInsurance, Title: "Insurance", New: func() Answers { return &InsuranceAnswers{} }},
	{Key: SectionRegulation, Title: "Ofsted and CQC registration", New: func() Answers { return &RegulationAnswers{} }},
	{Key: SectionSafeguarding, Title: "Safeguarding and DBS checks", New: func() Answers { return &SafeguardingAnswers{} }, Restricted: true},
	{Key: SectionHealthSafety, Title: "Health and safety", New: func() Answers { return &HealthSafetyAnswers{} }},
	{Key: SectionDeclarations, Title: "Declarations", New: func() Answers { return &DeclarationsAnswers{} },
		After: []SectionKey{SectionOrganisation, SectionContacts, SectionAddresses, SectionVAT, SectionBank,
			SectionInsurance, SectionRegulation, SectionSafeguarding, SectionHealthSafety}},
}

// SectionByKey returns the definition of a section, or false for an unknown key.
func SectionByKey(key string) (Definition, bool) {
	i := slices.IndexFunc(Sections, func(d Definition) bool { return string(d.Key) == key })
	if i < 0 {
		return Definition{}, false
	}
	return Sections[i], true
}

// TaskStatus is a section's state in the task list.
type TaskStatus string

const (
	TaskNotStarted     TaskStatus = "Not started"
	TaskInProgress     TaskStatus = "In progress"
	TaskCompleted      TaskStatus = "Completed"
	TaskCannotStartYet TaskStatus = "Cannot start yet"
	TaskChangesPending TaskStatus = "Changes submitted"
)

// InSentence is the section's title as it reads mid-sentence: "your change to bank details",
// but "VAT registration" and "Ofsted and CQC registration" keep the capitals of an acronym
// or a name.
func (d Definition) InSentence() string {
	first, _, _ := strings.Cut(d.Title, " ")
	if len(first) > 1 && (unicode.IsUpper(rune(first[1])) || first == "Ofsted") {
		return d.Title
	}
	return lower(d.Title)
}
