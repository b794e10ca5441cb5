package web

import (
	"strconv"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// apiProvider is one provider: the directory's row, its workflow dates and its record as
// the council approved it. Need to know decides what the record carries: never bank
// details (the payment-details endpoint, under its own scope and audited) and never the
// safeguarding section, whose DBS certificate numbers are criminal offence data.
type apiProvider struct {
	apiProviderSummary
	RegisteredName string     `json:"registered_name"`
	CreatedAt      time.Time  `json:"created_at"`
	SubmittedAt    *time.Time `json:"submitted_at"`
	DecidedAt      *time.Time `json:"decided_at"`
	Record         apiRecord  `json:"record"`
}

// apiRecord holds each section as approved; a section never approved is null. Changes a
// provider has made since approval wait for review and are not shown.
type apiRecord struct {
	Organisation    *apiOrganisation    `json:"organisation"`
	Contacts        *apiContacts        `json:"contacts"`
	Addresses       *apiAddresses       `json:"addresses"`
	VAT             *apiVAT             `json:"vat"`
	Insurance       *apiInsurance       `json:"insurance"`
	Regulation      *apiRegulation      `json:"regulation"`
	HealthAndSafety *apiHealthAndSafety `json:"health_and_safety"`
}

type apiOrganisation struct {
	LegalName            string   `json:"legal_name"`
	TradingName          *string  `json:"trading_name"`
	LegalForm            string   `json:"legal_form"`
	CompaniesHouseNumber *string  `json:"companies_house_number"`
	CharityNumber        *string  `json:"charity_number"`
	StartDate            *string  `json:"start_date"`
	Website              *string  `json:"website"`
	OperationType        string   `json:"operation_type"`
	ServiceCategories    []string `json:"service_categories"`
}

type apiContact struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

type apiContacts struct {
	KeyContact apiContact   `json:"key_contact"`
	Others     []apiContact `json:"others"`
}

type apiAddress struct {
	Line1    string  `json:"line1"`
	Line2    *string `json:"line2"`
	Town     string  `json:"town"`
	County   *string `json:"county"`
	Postcode string  `json:"postcode"`
}

type apiAddresses struct {
	RegisteredOffice apiAddress `json:"registered_office"`
	// Correspondence is null when post goes to the registered office.
	Correspondence *apiAddress `json:"correspondence"`
}

type apiVAT struct {
	Registered bool    `json:"registered"`
	Number     *string `json:"number"`
}

type apiPolicy struct {
	Kind           string  `json:"kind"`
	Insurer        *string `json:"insurer"`
	PolicyNumber   *string `json:"policy_number"`
	CoverPence     *int64  `json:"cover_pence"`
	Start          *string `json:"start"`
	Expiry         *string `json:"expiry"`
	HasCertificate bool    `json:"has_certificate"`
}

type apiInsurance struct {
	Policies []apiPolicy `json:"policies"`
	// EmployersLiabilityExempt is true for an organisation exempt from employer's liability
	// insurance, with the reason.
	EmployersLiabilityExempt       bool    `json:"employers_liability_exempt"`
	EmployersLiabilityExemptReason *string `json:"employers_liability_exempt_reason"`
}

type apiOfsted struct {
	URN           string  `json:"urn"`
	Judgement     *string `json:"judgement"`
	JudgementDate *string `json:"judgement_date"`
}

type apiCQCLocation struct {
	LocationID string  `json:"location_id"`
	Rating     *string `json:"rating"`
	RatingDate *string `json:"rating_date"`
}

type apiRegulation struct {
	OfstedRegistered    bool             `json:"ofsted_registered"`
	Ofsted              []apiOfsted      `json:"ofsted"`
	CQCRegistered       bool             `json:"cqc_registered"`
	CQCProviderID       *string          `json:"cqc_provider_id"`
	CQCLocations        []apiCQCLocation `json:"cqc_locations"`
	NotRegisteredReason *string          `json:"not_registered_reason"`
}

type apiHealthAndSafety struct {
	LeadName                      string  `json:"lead_name"`
	HealthAndSafetyPolicyReviewed *string `json:"health_and_safety_policy_reviewed"`
	SafeguardingPolicyReviewed    *string `json:"safeguarding_policy_reviewed"`
	ReportableIncidents           *int    `json:"reportable_incidents"`
}

// apiDate is a date the record holds, as YYYY-MM-DD, or null when it is not a whole date.
func apiDate(d form.DateInput) *string {
	t, msg := d.Time("the date")
	if msg != "" {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

// apiProvider is GET /api/v1/providers/{id}.
func (s *Server) apiProvider(c *fiber.Ctx) error {
	if err := newAPIParams(c).err(); err != nil {
		return err
	}
	ctx := c.UserContext()
	p, err := directory.ByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	org, err := provider.OrganisationByID(ctx, s.db, p.ID)
	if err != nil {
		return err
	}
	records, err := provider.SectionRecords(ctx, s.db, p.ID)
	if err != nil {
		return err
	}
	out := apiProvider{apiProviderSummary: apiProviderSummaryOf(*p), RegisteredName: org.Name, CreatedAt: org.CreatedAt.UTC(),
		SubmittedAt: utc(org.SubmittedAt), DecidedAt: utc(org.DecidedAt)}
	for key, rec := range records {
		def, ok := provider.SectionByKey(string(key))
		if !ok {
			continue
		}
		answers, err := rec.Approved(def)
		if apperr.Is(err, apperr.NotFound) {
			continue // only approved answers are published
		}
		if err != nil {
			return err
		}
		out.Record.set(answers)
	}
	return c.JSON(out)
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// set puts a section's approved answers in the record. Sections not listed here (bank
// details, safeguarding, declarations) are never shown, whatever they hold.
func (r *apiRecord) set(a provider.Answers) {
	switch a := a.(type) {
	case *provider.OrganisationAnswers:
		r.Organisation = &apiOrganisation{LegalName: a.LegalName, TradingName: nullable(a.TradingName), LegalForm: a.LegalForm,
			CompaniesHouseNumber: nullable(a.CompaniesHouseNumber), CharityNumber: nullable(a.CharityNumber), StartDate: apiDate(a.StartDate),
			Website: nullable(a.Website), OperationType: a.OperationType, ServiceCategories: orEmpty(a.ServiceCategories)}
	case *provider.ContactsAnswers:
		r.Contacts = &apiContacts{KeyContact: apiContact{Name: a.KeyContactName, Role: a.KeyContactRole, Email: a.KeyContactEmail,
			Phone: a.KeyContactPhone}, Others: make([]apiContact, len(a.Others))}
		for i, o := range a.Others {
			r.Contacts.Others[i] = apiContact(o)
		}
	case *provider.AddressesAnswers:
		r.Addresses = &apiAddresses{RegisteredOffice: apiAddress{Line1: a.RegLine1, Line2: nullable(a.RegLine2), Town: a.RegTown,
			County: nullable(a.RegCounty), Postcode: a.RegPostcode}}
		if a.CorrespondenceSame == "no" {
			r.Addresses.Correspondence = &apiAddress{Line1: a.CorrLine1, Line2: nullable(a.CorrLine2), Town: a.CorrTown,
				County: nullable(a.CorrCounty), Postcode: a.CorrPostcode}
		}
	case *provider.VATAnswers:
		r.VAT = &apiVAT{Registered: a.Registered == "yes", Number: nullable(a.Number)}
	case *provider.InsuranceAnswers:
		r.Insurance = &apiInsurance{EmployersLiabilityExempt: a.ELExempt == "yes", EmployersLiabilityExemptReason: nullable(a.ELExemptReason),
			Policies: make([]apiPolicy, len(a.Policies))}
		for i, p := range a.Policies {
			ap := apiPolicy{Kind: p.Kind, Insurer: nullable(p.Insurer), PolicyNumber: nullable(p.PolicyNumber), Start: apiDate(p.Start),
				Expiry: apiDate(p.Expiry), HasCertificate: p.CertificateID != ""}
			if p.CoverPence > 0 {
				cover := p.CoverPence
				ap.CoverPence = &cover
			}
			r.Insurance.Policies[i] = ap
		}
	case *provider.RegulationAnswers:
		r.Regulation = &apiRegulation{OfstedRegistered: a.OfstedRegistered == "yes", CQCRegistered: a.CQCRegistered == "yes",
			CQCProviderID: nullable(a.CQCProviderID), NotRegisteredReason: nullable(a.NotRegisteredReason),
			Ofsted: make([]apiOfsted, len(a.Ofsted)), CQCLocations: make([]apiCQCLocation, len(a.CQCLocations))}
		for i, o := range a.Ofsted {
			r.Regulation.Ofsted[i] = apiOfsted{URN: o.URN, Judgement: nullable(o.Judgement), JudgementDate: apiDate(o.JudgementDate)}
		}
		for i, l := range a.CQCLocations {
			r.Regulation.CQCLocations[i] = apiCQCLocation{LocationID: l.LocationID, Rating: nullable(l.Rating), RatingDate: apiDate(l.RatingDate)}
		}
	case *provider.HealthSafetyAnswers:
		r.HealthAndSafety = &apiHealthAndSafety{LeadName: a.LeadName, HealthAndSafetyPolicyReviewed: apiDate(a.HealthSafetyPolicyReview),
			SafeguardingPolicyReviewed: apiDate(a.SafeguardingPolicyReview)}
		if n, err := strconv.Atoi(a.ReportableIncidents); err == nil {
			r.HealthAndSafety.ReportableIncidents = &n
		}
	}
}
