package document

import (
	"slices"
	"strings"
)

// Document kinds the portal stores.
const (
	KindInsuranceCertificate = "insurance_certificate" // followed by ":<policy kind>"
	KindQAEvidence           = "qa_evidence"
	KindMonitoringEvidence   = "monitoring_evidence"
	KindContractDocument     = "contract_document"
	KindBankChangeEvidence   = "bank_change_evidence"
)

// readers are, for each kind, the staff roles that may read it and whether members of the
// organisation it belongs to may. Bank-change evidence (a bank letter, a statement) is
// finance's alone: it shows account details, which no other role sees. A kind missing
// here can be read by no one, so a new kind must be given its readers before it is served.
var readers = map[string]struct {
	roles   []string
	members bool
}{
	KindInsuranceCertificate: {[]string{"officer", "dpo"}, true},
	KindQAEvidence:           {[]string{"officer", "dpo"}, true},
	KindMonitoringEvidence:   {[]string{"officer", "dpo"}, true},
	KindContractDocument:     {[]string{"officer", "dpo"}, true},
	KindBankChangeEvidence:   {[]string{"finance"}, false},
}

// MayRead reports whether someone with roles, who is (member) or is not a member of the
// document's organisation, may read a document of kind. Every route that serves a
// document asks it, after the route's own access rule.
func MayRead(kind string, roles []string, member bool) bool {
	base, _, _ := strings.Cut(kind, ":")
	r, ok := readers[base]
	if !ok {
		return false
	}
	if member && r.members {
		return true
	}
	return slices.ContainsFunc(roles, func(role string) bool { return slices.Contains(r.roles, role) })
}
