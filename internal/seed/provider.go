package seed

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/lib/pq"
)

// record is one generated provider: its organisation, the person who registered it, its
// workflow dates and every section's answers, before they are turned into rows.
type record struct {
	index     int
	id        string
	status    string
	user      person
	created   time.Time
	submitted time.Time // zero for a draft
	decided   time.Time // zero until an officer decided
	// later is the resubmission of a resubmitted record, or the suspension of a suspended one.
	later       time.Time
	updated     time.Time
	categories  []string
	sections    map[provider.SectionKey]provider.Answers
	org         *provider.OrganisationAnswers
	contacts    *provider.ContactsAnswers
	bank        clearAccount
	officer     person
	documentIDs []string
}

// clearAccount is the bank account before sealing, kept for the finance rows.
type clearAccount struct {
	sortCode, account, rollNumber string
}

// dateInput fills the form's three date boxes.
func dateInput(t time.Time) form.DateInput { return form.DateInputOf(&t) }

// categoryWeights is how common each service is among providers.
var categoryWeights = []choice[string]{
	{"childrens_homes", 26}, {"independent_fostering", 16}, {"supported_accommodation", 14}, {"send_education", 10},
	{"short_breaks", 10}, {"youth_services", 8}, {"family_support", 12}, {"residential_special_schools", 4},
}

var legalFormWeights = []choice[string]{
	{"company", 56}, {"charity", 10}, {"cio", 7}, {"cic", 10}, {"llp", 3}, {"partnership", 4}, {"sole_trader", 5}, {"public_body", 5},
}

// newRecord draws provider i: who it is, what it does, where, and its status with the dates
// of its workflow.
func (g *generator) newRecord(r rng, i int) *record {
	rec := &record{index: i, id: r.uuid(), status: g.statusOf(i)}
	rec.user.ID = r.uuid()
	primary := weighted(r, categoryWeights)
	rec.categories = []string{primary}
	if r.chance(20) {
		if second := weighted(r, categoryWeights); second != primary {
			rec.categories = append(rec.categories, second)
		}
	}
	legalForm := weighted(r, legalFormWeights)
	t := pick(r, towns)
	name, trading := orgName(r, legalForm, primary, t)
	domain := fmt.Sprintf("%s%d.example.org", slug(trading), i)
	contactFirst, contactLast := pick(r, firstNames), pick(r, surnames)
	rec.user.Name = contactFirst + " " + contactLast
	rec.user.Email = strings.ToLower(contactFirst+"."+contactLast) + "@" + domain
	rec.officer = pick(r, g.staff.officers)

	rec.org = &provider.OrganisationAnswers{LegalName: name, LegalForm: legalForm,
		StartDate: dateInput(g.today.AddDate(-r.between(2, 35), -r.IntN(12), -r.IntN(28))),
		Website:   "https://www." + domain, OperationType: operationType(r, legalForm), ServiceCategories: rec.categories}
	if trading != name {
		rec.org.TradingName = trading
	}
	switch legalForm {
	case "company", "cic":
		rec.org.CompaniesHouseNumber = companyNumber(r, false)
	case "llp":
		rec.org.CompaniesHouseNumber = companyNumber(r, true)
	case "charity":
		rec.org.CharityNumber = charityNumber(r)
		if r.chance(40) {
			rec.org.CompaniesHouseNumber = companyNumber(r, false) // a charitable company
		}
	case "cio":
		rec.org.CharityNumber = charityNumber(r)
	}

	rec.contacts = &provider.ContactsAnswers{KeyContactName: rec.user.Name, KeyContactRole: pick(r, []string{"Registered manager",
		"Director", "Chief executive", "Responsible individual", "Service manager"}), KeyContactEmail: rec.user.Email, KeyContactPhone: phone(r)}
	for range r.IntN(3) {
		first, last := pick(r, firstNames), pick(r, surnames)
		rec.contacts.Others = append(rec.contacts.Others, provider.Contact{Name: first + " " + last, Role: pick(r, contactRoles),
			Email: strings.ToLower(first+"."+last) + "@" + domain, Phone: phone(r)})
	}

	addr := &provider.AddressesAnswers{RegLine1: fmt.Sprintf("%d %s", r.between(1, 240), pick(r, streets)), RegTown: t.name,
		RegCounty: t.county, RegPostcode: postcode(r, t), CorrespondenceSame: "yes"}
	if b := pick(r, buildings); b != "" {
		addr.RegLine1, addr.RegLine2 = b, addr.RegLine1
	}
	if r.chance(15) {
		ct := pick(r, towns)
		addr.CorrespondenceSame, addr.CorrLine1, addr.CorrTown, addr.CorrCounty, addr.CorrPostcode =
			"no", fmt.Sprintf("PO Box %d", r.between(100, 9999)), ct.name, ct.county, postcode(r, ct)
	}

	vat := &provider.VATAnswers{Registered: "no"}
	if legalForm != "charity" && legalForm != "cio" && legalForm != "public_body" && r.chance(75) || r.chance(10) {
		vat.Registered, vat.Number = "yes", vatNumber(r)
	}

	ba := bankAccount(r, g.modulus)
	rec.bank = clearAccount{sortCode: ba.SortCode, account: ba.AccountNumber}
	if r.chance(3) {
		rec.bank.rollNumber = fmt.Sprintf("%s/%s", r.digits(4), r.digits(5))
	}
	bank := &provider.BankAnswers{AccountName: name, SortCode: ba.SortCode, AccountNumber: ba.AccountNumber,
		RollNumber: rec.bank.rollNumber, ModulusVersion: g.modulus.Version()}

	rec.created = at(g.today.AddDate(0, 0, -r.between(45, 1800)), r)
	g.workflowDates(r, rec)

	rec.sections = map[provider.SectionKey]provider.Answers{
		provider.SectionOrganisation: rec.org,
		provider.SectionContacts:     rec.contacts,
		provider.SectionAddresses:    addr,
		provider.SectionVAT:          vat,
		provider.SectionBank:         bank,
		provider.SectionInsurance:    g.insurance(r, rec, legalForm),
		provider.SectionRegulation:   g.regulation(r, rec),
		provider.SectionSafeguarding: g.safeguarding(r, rec),
		provider.SectionHealthSafety: &provider.HealthSafetyAnswers{LeadName: rec.user.Name,
			HealthSafetyPolicyReview: dateInput(daysAgo(g.today, r.between(10, 400))),
			SafeguardingPolicyReview: dateInput(daysAgo(g.today, r.between(10, 400))),
			ReportableIncidents:      strconv.Itoa(weighted(r, []choice[int]{{0, 60}, {1, 20}, {2, 10}, {3, 6}, {5, 4}}))},
		provider.SectionDeclarations: &provider.DeclarationsAnswers{Accurate: true, NoticeRead: true, NoticeVersion: g.noticeVersion,
			DeclaredBy: rec.user.Name},
	}
	return rec
}

// orgName makes a legal name that fits the legal form and the main service, and the shorter
// name the provider trades under.
func orgName(r rng, legalForm, category string, t town) (legal, trading string) {
	stem := pick(r, nameStems)
	if r.chance(10) {
		stem = t.name + " " + stem
	}
	noun := pick(r, categoryNouns[category])
	trading = stem + " " + noun
	switch legalForm {
	case "company":
		return trading + pick(r, []string{" Ltd", " Limited", " Ltd", " Group Ltd"}), trading
	case "cic":
		return trading + " CIC", trading
	case "llp":
		return trading + " LLP", trading
	case "charity":
		return stem + pick(r, []string{" Trust", " Foundation", " Children's Charity"}), trading
	case "cio":
		return trading + " CIO", trading
	case "partnership":
		a, b := pick(r, surnames), pick(r, surnames)
		return a + " & " + b + " " + noun, trading
	case "sole_trader":
		first, last := pick(r, firstNames), pick(r, surnames)
		return first + " " + last + " trading as " + trading, trading
	}
	return t.name + " " + pick(r, []string{"Council", "Borough Council", "NHS Trust"}) + " " + noun, t.name + " " + noun
}

func operationType(r rng, legalForm string) string {
	switch legalForm {
	case "charity", "cio", "cic":
		return weighted(r, []choice[string]{{"vcse", 85}, {"public_service_mutual", 5}, {"supported_employment", 3}, {"sme", 7}})
	case "public_body":
		return "large"
	}
	return weighted(r, []choice[string]{{"sme", 88}, {"large", 10}, {"public_service_mutual", 2}})
}

// workflowDates sets when the record was submitted and decided, for its status. Every date
// is in the past and in order.
func (g *generator) workflowDates(r rng, rec *record) {
	rec.updated = rec.created.Add(time.Duration(r.IntN(72)) * time.Hour)
	if rec.status == "draft" {
		return
	}
	age := int(g.today.Sub(rec.created).Hours()/24) + 1
	switch rec.status {
	case "submitted", "resubmitted", "changes_requested":
		// Waiting: submitted within the last few weeks.
		rec.submitted = g.notAfter(at(daysAgo(g.today, r.IntN(min(age, 25))), r))
	default:
		rec.submitted = g.notAfter(rec.created.Add(time.Duration(r.between(1, max(1, min(age-10, 30)))) * 24 * time.Hour))
	}
	if rec.submitted.Before(rec.created) {
		rec.submitted = rec.created
	}
	rec.updated = rec.submitted
	if rec.status == "submitted" {
		return
	}
	rec.decided = g.notAfter(rec.submitted.Add(time.Duration(r.between(20, 400)) * time.Hour))
	rec.updated = rec.decided
	switch rec.status {
	case "resubmitted":
		rec.later = g.notAfter(rec.decided.Add(time.Duration(r.between(24, 300)) * time.Hour))
	case "suspended":
		rec.later = g.notAfter(rec.decided.Add(time.Duration(r.between(24, 4000)) * time.Hour))
	default:
		return
	}
	rec.updated = rec.later
}

// insurance draws the three policies, each started within the last year so that none has
// expired (the form refuses an expired policy) while some expire within weeks, as the
// dashboard's lists expect. Each policy has its certificate uploaded.
func (g *generator) insurance(r rng, rec *record, legalForm string) *provider.InsuranceAnswers {
	a := &provider.InsuranceAnswers{ELExempt: "no"}
	if legalForm == "sole_trader" && r.chance(40) {
		a.ELExempt, a.ELExemptReason = "yes", "The business has no employees other than the owner."
	}
	insurer := pick(r, insurers)
	start := daysAgo(g.today, r.IntN(365))
	covers := map[string][]int64{
		provider.PolicyEmployersLiability:    {5_000_000, 10_000_000, 10_000_000},
		provider.PolicyPublicLiability:       {5_000_000, 10_000_000},
		provider.PolicyProfessionalIndemnity: {1_000_000, 2_000_000, 5_000_000},
	}
	for _, k := range provider.PolicyKinds {
		if k.Value == provider.PolicyEmployersLiability && a.ELExempt == "yes" {
			a.Policies = append(a.Policies, provider.Policy{Kind: k.Value})
			continue
		}
		if r.chance(30) {
			insurer, start = pick(r, insurers), daysAgo(g.today, r.IntN(365)) // a policy with another insurer, renewed on its own date
		}
		pounds := pick(r, covers[k.Value])
		docID := r.uuid()
		rec.documentIDs = append(rec.documentIDs, docID)
		a.Policies = append(a.Policies, provider.Policy{Kind: k.Value, Insurer: insurer,
			PolicyNumber: fmt.Sprintf("%s-%s-%s", initials(insurer), r.digits(6), strconv.Itoa(start.Year())),
			Cover:        form.Pounds(strconv.FormatInt(pounds, 10)), CoverPence: pounds * 100,
			Start: dateInput(start), Expiry: dateInput(start.AddDate(1, 0, -1)),
			CertificateID: docID, CertificateName: strings.ReplaceAll(k.Value, "_", "-") + "-certificate.pdf"})
	}
	return a
}

func initials(s string) string {
	var b strings.Builder
	for _, w := range strings.Fields(s) {
		b.WriteByte(w[0])
	}
	return strings.ToUpper(b.String())
}

// ofstedCategories are the services Ofsted registers and inspects.
var ofstedCategories = map[string]bool{"childrens_homes": true, "independent_fostering": true, "supported_accommodation": true,
	"send_education": true, "residential_special_schools": true}

var ofstedJudgementWeights = []choice[string]{
	{"outstanding", 15}, {"good", 58}, {"requires_improvement", 17}, {"inadequate", 4}, {"not_yet_inspected", 6},
}

var cqcRatingWeights = []choice[string]{
	{"outstanding", 6}, {"good", 70}, {"requires_improvement", 17}, {"inadequate", 3}, {"not_yet_rated", 4},
}

// regulation registers the settings Ofsted inspects with their latest judgements, and CQC
// registrations for the health-related services; a provider of neither says why.
func (g *generator) regulation(r rng, rec *record) *provider.RegulationAnswers {
	a := &provider.RegulationAnswers{OfstedRegistered: "no", CQCRegistered: "no"}
	school := false
	for _, c := range rec.categories {
		if ofstedCategories[c] {
			a.OfstedRegistered = "yes"
		}
		school = school || c == "send_education"
	}
	if a.OfstedRegistered == "yes" {
		n := 1 + weighted(r, []choice[int]{{0, 60}, {1, 25}, {2, 10}, {3, 5}})
		for range n {
			o := provider.OfstedRegistration{URN: ofstedURN(r, school), Judgement: weighted(r, ofstedJudgementWeights)}
			if o.Judgement != "not_yet_inspected" {
				o.JudgementDate = dateInput(daysAgo(g.today, r.between(20, 1400)))
			}
			a.Ofsted = append(a.Ofsted, o)
		}
	}
	for _, c := range rec.categories {
		if (c == "short_breaks" && r.chance(60)) || (c == "family_support" && r.chance(15)) || (c == "childrens_homes" && r.chance(5)) {
			a.CQCRegistered, a.CQCProviderID = "yes", cqcID(r)
		}
	}
	if a.CQCRegistered == "yes" {
		for range r.between(1, 3) {
			l := provider.CQCLocation{LocationID: cqcID(r), Rating: weighted(r, cqcRatingWeights)}
			if l.Rating != "not_yet_rated" {
				l.RatingDate = dateInput(daysAgo(g.today, r.between(30, 1500)))
			}
			a.CQCLocations = append(a.CQCLocations, l)
		}
	}
	if a.OfstedRegistered == "no" && a.CQCRegistered == "no" {
		a.NotRegisteredReason = "The services we provide to the council are not regulated activities, so we are not registered with Ofsted or the CQC."
	}
	return a
}

// safeguarding lists staff in regulated roles with their DBS checks: most on the Update
// Service with a status check in the last year, some overdue for one, a few who have left.
func (g *generator) safeguarding(r rng, rec *record) *provider.SafeguardingAnswers {
	a := &provider.SafeguardingAnswers{}
	n := r.between(2, 6)
	for k := range n {
		m := provider.StaffMember{Name: pick(r, firstNames) + " " + pick(r, surnames), Role: pick(r, staffRoles),
			Level:             weighted(r, []choice[string]{{"enhanced_barred", 85}, {"enhanced", 12}, {"standard", 3}}),
			CertificateNumber: dbsCertificate(r), IssueDate: dateInput(daysAgo(g.today, r.between(30, 2200))),
			UpdateService: "no", LastCheckResult: "not_checked", Ref: fmt.Sprintf("%016x", r.Uint64())}
		if k == 0 {
			m.Name, m.Role = rec.user.Name, "Registered manager"
		}
		// Most staff are on the Update Service with a status check within the year; the others
		// mostly have a certificate issued within it. About one in thirty is overdue.
		if r.chance(80) {
			m.UpdateService = "yes"
			m.LastCheckResult = weighted(r, []choice[string]{{"current", 995}, {"new_information", 5}})
			m.LastCheckDate = dateInput(daysAgo(g.today, weighted(r, []choice[int]{{r.between(1, 330), 95}, {r.between(331, 365), 3}, {r.between(366, 500), 2}})))
		} else {
			m.IssueDate = dateInput(daysAgo(g.today, weighted(r, []choice[int]{{r.between(1, 365), 90}, {r.between(366, 900), 10}})))
		}
		if r.chance(3) {
			m.LeftOn = dateInput(daysAgo(g.today, r.between(1, 300)))
		}
		a.Staff = append(a.Staff, m)
	}
	return a
}

// sectionState is how far a record's sections have got for its status.
type sectionState struct {
	present   []provider.SectionKey
	approved  bool
	completed map[provider.SectionKey]bool
	// pending is a section changed after approval, waiting for an officer.
	pending provider.SectionKey
}

func (g *generator) sectionStates(r rng, rec *record) sectionState {
	all := make([]provider.SectionKey, len(provider.Sections))
	for i, d := range provider.Sections {
		all[i] = d.Key
	}
	st := sectionState{present: all, completed: map[provider.SectionKey]bool{}}
	for _, k := range all {
		st.completed[k] = true
	}
	switch rec.status {
	case "draft":
		// The first few sections, the last of them still being worked on; never the declarations.
		st.present = all[:r.IntN(len(all)-1)]
		if n := len(st.present); n > 0 && r.chance(60) {
			st.completed[st.present[n-1]] = false
		}
	case "approved", "suspended":
		st.approved = true
		if rec.status == "approved" && r.chance(2) {
			st.pending = provider.SectionContacts
		}
	case "changes_requested":
		st.completed[pick(r, all[:len(all)-1])] = false
	}
	return st
}

// writeRecord turns a record into the rows of its organisation, user, sections, documents
// and status history.
func (g *generator) writeRecord(r rng, rec *record, b *batch) error {
	st := g.sectionStates(r, rec)
	var search provider.SearchColumns
	for _, k := range st.present {
		if s, ok := rec.sections[k].(provider.Searchable); ok {
			s.Search(&search)
		}
	}
	// Sealing clears the typed values, so the search columns are copied before it.
	cols := []any{nullable(search.LegalName), nullable(search.TradingName), nullable(search.Postcode), nullable(search.VATNumber),
		nullable(search.CompaniesHouseNumber), nullable(search.CharityNumber), pq.StringArray(nonNil(search.OfstedURNs)),
		nullable(search.CQCProviderID), pq.StringArray(nonNil(search.ServiceCategories))}
	version := 1
	if rec.status != "draft" {
		version = 2 + len(statusPath(rec.status))
	}
	b.add(tUsers, rec.user.ID, rec.user.Email, rec.user.Name, g.passwordHash, pq.StringArray{"provider"}, rec.created, rec.created)
	submitted := rec.submitted
	if rec.status == "resubmitted" {
		submitted = rec.later
	}
	b.add(tOrganisations, append([]any{rec.id, rec.org.LegalName, rec.status, version, timeOrNil(submitted), timeOrNil(rec.decided),
		rec.created, rec.updated}, cols...)...)
	b.add(tMemberships, rec.user.ID, rec.id, rec.created)
	if g.noticeID != "" {
		b.add(tNoticeAcks, rec.user.ID, g.noticeID, rec.created)
	}
	present := map[provider.SectionKey]bool{}
	for _, k := range st.present {
		present[k] = true
	}
	if present[provider.SectionInsurance] {
		for i, id := range rec.documentIDs {
			kind := "insurance_certificate:" + provider.PolicyKinds[i].Value
			if ins := rec.sections[provider.SectionInsurance].(*provider.InsuranceAnswers); ins.ELExempt == "yes" {
				kind = "insurance_certificate:" + provider.PolicyKinds[i+1].Value
			}
			b.add(tDocuments, id, rec.id, kind, strings.TrimPrefix(kind, "insurance_certificate:")+"-certificate.pdf", "application/pdf",
				len(certificatePDF), certificateSHA, certificatePDF, rec.user.ID, rec.created)
		}
	}
	for _, k := range st.present {
		answers := rec.sections[k]
		if s, ok := answers.(provider.Sealer); ok {
			if err := s.Seal(g.vault, provider.SealRow(rec.id, k)); err != nil {
				return err
			}
		}
		data := jsonText(answers)
		var approved any
		if st.approved {
			approved = data
		}
		pending := false
		completed := st.completed[k]
		if k == st.pending {
			c := *rec.contacts
			c.KeyContactPhone = phone(r)
			data, pending, completed = jsonText(&c), true, false
		}
		b.add(tSections, rec.id, string(k), data, approved, completed, pending, 2, rec.updated, rec.user.ID)
	}
	g.statusHistory(r, rec, st, b)
	return nil
}

// statusPath is the transitions a record went through to reach its status.
func statusPath(status string) [][2]string {
	switch status {
	case "submitted":
		return [][2]string{{"draft", "submitted"}}
	case "approved":
		return [][2]string{{"draft", "submitted"}, {"submitted", "approved"}}
	case "suspended":
		return [][2]string{{"draft", "submitted"}, {"submitted", "approved"}, {"approved", "suspended"}}
	case "rejected":
		return [][2]string{{"draft", "submitted"}, {"submitted", "rejected"}}
	case "changes_requested":
		return [][2]string{{"draft", "submitted"}, {"submitted", "changes_requested"}}
	case "resubmitted":
		return [][2]string{{"draft", "submitted"}, {"submitted", "changes_requested"}, {"changes_requested", "resubmitted"}}
	}
	return nil
}

var statusReasons = map[string][]string{
	"suspended": {"Safeguarding concerns raised by the local authority designated officer are being investigated.",
		"Employer's liability insurance lapsed; suspended until a current certificate is provided.",
		"Ofsted judged the service inadequate; suspended pending the improvement plan."},
	"rejected": {"The organisation does not provide any of the services the council commissions.",
		"References could not be verified.", "The organisation is not registered with Ofsted for the services it offers."},
	"changes_requested": {"Some answers need correcting before the record can be approved: see the comments on each section.",
		"Please check the sections marked and send the record again."},
}

// sectionComments are what an officer writes on a section sent back for changes.
var sectionComments = []string{
	"Please check these answers against your documents and correct them.",
	"Some of these details are missing or out of date: please bring them up to date.",
	"This does not match what we hold from the regulator: please check it.",
}

// statusHistory writes the status changes, their audit events and review comments.
func (g *generator) statusHistory(r rng, rec *record, st sectionState, b *batch) {
	path := statusPath(rec.status)
	for n, step := range path {
		when, by := rec.submitted, rec.user
		switch {
		case step[1] == "resubmitted":
			when = rec.later
		case step[1] == "suspended":
			when, by = rec.later, rec.officer
		case n > 0:
			when, by = rec.decided, rec.officer
		}
		reason := ""
		if rs := statusReasons[step[1]]; rs != nil {
			reason = pick(r, rs)
		}
		b.add(tStatusHistory, rec.id, step[0], step[1], reason, by.ID, by.Name, when)
		role := "officer"
		if by.ID == rec.user.ID {
			role = "provider"
		}
		b.add(tAudit, by.ID, by.Email, role, "provider.status."+step[1], "organisation", rec.id,
			jsonText(map[string]any{"from": step[0], "to": step[1], "reason": reason}))
		if step[1] == "changes_requested" && rec.status == "changes_requested" {
			for _, k := range st.present {
				if !st.completed[k] {
					b.add(tSectionComments, rec.id, string(k), pick(r, sectionComments), rec.officer.ID, rec.officer.Name, when)
				}
			}
		}
	}
	if rec.status == "draft" {
		b.add(tAudit, rec.user.ID, rec.user.Email, "provider", "provider.section.saved", "organisation", rec.id,
			jsonText(map[string]any{"section": "organisation", "held_for_review": false}))
	}
}

func nullable(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
