package importer

import (
	"slices"

	"github.com/council/provider-portal/internal/provider"
)

// overlay puts a row's values for one section onto that section's stored answers (or new,
// empty ones). Only the cells that hold a value change anything, and the section's fields
// the template has no column for (a key contact's role, a policy number and certificate,
// other contacts) are kept: importing again refreshes what the council's list says without
// undoing what the provider has added since claiming the record.
func (rec *rowRecord) overlay(key provider.SectionKey, a provider.Answers) {
	switch dst := a.(type) {
	case *provider.OrganisationAnswers:
		set(&dst.LegalName, rec.org.LegalName, rec.given[colLegalName])
		set(&dst.TradingName, rec.org.TradingName, rec.given[colTradingName])
		set(&dst.LegalForm, rec.org.LegalForm, rec.given[colLegalForm])
		set(&dst.CompaniesHouseNumber, rec.org.CompaniesHouseNumber, rec.given[colCompaniesHouse])
		set(&dst.CharityNumber, rec.org.CharityNumber, rec.given[colCharity])
	case *provider.ContactsAnswers:
		set(&dst.KeyContactName, rec.contacts.KeyContactName, rec.given[colContactName])
		set(&dst.KeyContactEmail, rec.contacts.KeyContactEmail, rec.given[colContactEmail])
		set(&dst.KeyContactPhone, rec.contacts.KeyContactPhone, rec.given[colContactPhone])
	case *provider.AddressesAnswers:
		set(&dst.RegLine1, rec.addresses.RegLine1, rec.given[colAddress1])
		set(&dst.RegLine2, rec.addresses.RegLine2, rec.given[colAddress2])
		set(&dst.RegTown, rec.addresses.RegTown, rec.given[colTown])
		set(&dst.RegPostcode, rec.addresses.RegPostcode, rec.given[colPostcode])
		if dst.CorrespondenceSame == "" {
			dst.CorrespondenceSame = "yes"
		}
	case *provider.VATAnswers:
		dst.Registered, dst.Number = "yes", rec.vat.Number
	case *provider.BankAnswers:
		// A new account replaces the old one whole: Seal drops a stored roll number unless
		// the row gives one (or matched the stored account and took its roll number).
		dst.AccountName, dst.SortCode, dst.AccountNumber = rec.bank.AccountName, rec.bank.SortCode, rec.bank.AccountNumber
		dst.RollNumber, dst.ModulusVersion = rec.bank.RollNumber, rec.bank.ModulusVersion
	case *provider.InsuranceAnswers:
		for i, pc := range policyColumns {
			if !rec.any(pc.insurer, pc.cover, pc.expiry) {
				continue
			}
			from := rec.insurance.Policy(pc.kind)
			j := slices.IndexFunc(dst.Policies, func(p provider.Policy) bool { return p.Kind == pc.kind })
			if j < 0 {
				dst.Policies = append(dst.Policies, provider.Policy{Kind: pc.kind})
				j = len(dst.Policies) - 1
			}
			p := &dst.Policies[j]
			set(&p.Insurer, from.Insurer, rec.given[pc.insurer])
			if rec.given[pc.cover] {
				p.Cover, p.CoverPence = from.Cover, from.CoverPence
			}
			if rec.given[pc.expiry] {
				p.Expiry = from.Expiry
			}
			if i == 0 {
				// Cover given for employer's liability means the organisation is not exempt.
				dst.ELExempt, dst.ELExemptReason = "", ""
			}
		}
	case *provider.RegulationAnswers:
		if rec.given[colOfstedURN] {
			urn := rec.regulation.Ofsted[0].URN
			dst.OfstedRegistered = "yes"
			if !slices.ContainsFunc(dst.Ofsted, func(o provider.OfstedRegistration) bool { return o.URN == urn }) {
				// Other settings the provider listed stay; the council's URN comes first.
				dst.Ofsted = append([]provider.OfstedRegistration{{URN: urn}}, dst.Ofsted...)
			}
		}
		if rec.given[colCQCProviderID] {
			dst.CQCRegistered, dst.CQCProviderID = "yes", rec.regulation.CQCProviderID
		}
	}
}

func set(dst *string, v string, given bool) {
	if given {
		*dst = v
	}
}

// sections lists the sections a row writes, in task-list order.
func (rec *rowRecord) sections(bank bankAction) []provider.SectionKey {
	keys := []provider.SectionKey{provider.SectionOrganisation, provider.SectionContacts, provider.SectionAddresses}
	if rec.vat != nil {
		keys = append(keys, provider.SectionVAT)
	}
	if bank == bankRequest {
		keys = append(keys, provider.SectionBank)
	}
	if rec.insurance != nil {
		keys = append(keys, provider.SectionInsurance)
	}
	if rec.regulation != nil {
		keys = append(keys, provider.SectionRegulation)
	}
	return keys
}
