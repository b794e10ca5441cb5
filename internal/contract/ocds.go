package contract

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/jmoiron/sqlx"
)

// OCDSVersion is the version of the Open Contracting Data Standard the packages follow.
const OCDSVersion = "1.1"

// The types below are the parts of an OCDS 1.1.5 release package the portal fills. Field
// names and codes follow the standard's release schema; empty optional fields are left out.

// ReleasePackage is a set of releases with publishing metadata.
type ReleasePackage struct {
	URI               string        `json:"uri"`
	Version           string        `json:"version"`
	PublishedDate     string        `json:"publishedDate"`
	Publisher         OCDSPublisher `json:"publisher"`
	License           string        `json:"license,omitempty"`
	PublicationPolicy string        `json:"publicationPolicy,omitempty"`
	Releases          []Release     `json:"releases"`
}

// RecordPackage is the records of contracting processes: each with the history of its
// releases, linked by url, and the release compiled from them.
type RecordPackage struct {
	URI               string        `json:"uri"`
	Version           string        `json:"version"`
	PublishedDate     string        `json:"publishedDate"`
	Publisher         OCDSPublisher `json:"publisher"`
	License           string        `json:"license,omitempty"`
	PublicationPolicy string        `json:"publicationPolicy,omitempty"`
	Records           []Record      `json:"records"`
}

// Record is one contracting process: every release published of it, oldest first, and its
// current state.
type Record struct {
	OCID            string          `json:"ocid"`
	Releases        []LinkedRelease `json:"releases"`
	CompiledRelease Release         `json:"compiledRelease"`
}

// LinkedRelease points at a release by the url of the package that holds it.
type LinkedRelease struct {
	URL  string   `json:"url"`
	Date string   `json:"date"`
	Tag  []string `json:"tag"`
}

// OCDSPublisher is who publishes the package: the council.
type OCDSPublisher struct {
	Name   string `json:"name"`
	Scheme string `json:"scheme,omitempty"`
	UID    string `json:"uid,omitempty"`
}

// ReleaseHeader is what every release the portal writes starts with: the process, the
// release's own id, date and tags, and who is involved. The open data's releases and the
// procurement notices' releases both embed it.
type ReleaseHeader struct {
	OCID           string   `json:"ocid"`
	ID             string   `json:"id"`
	Date           string   `json:"date"`
	Tag            []string `json:"tag"`
	InitiationType string   `json:"initiationType"`
	Language       string   `json:"language"`
	Parties        []Party  `json:"parties"`
	Buyer          OrgRef   `json:"buyer"`
}

// Release is the state of one contracting process (one contract) at one time.
type Release struct {
	ReleaseHeader
	Awards    []Award        `json:"awards"`
	Contracts []OCDSContract `json:"contracts"`
}

// Party is an organisation involved in the process, with its roles.
type Party struct {
	ID                    string         `json:"id"`
	Name                  string         `json:"name"`
	Identifier            *Identifier    `json:"identifier,omitempty"`
	AdditionalIdentifiers []Identifier   `json:"additionalIdentifiers,omitempty"`
	Address               *OCDSAddress   `json:"address,omitempty"`
	ContactPoint          *ContactPoint  `json:"contactPoint,omitempty"`
	Roles                 []string       `json:"roles"`
	Details               map[string]any `json:"details,omitempty"`
}

// Identifier is an organisation's id in a register, by its org-id.guide scheme.
type Identifier struct {
	Scheme    string `json:"scheme"`
	ID        string `json:"id"`
	LegalName string `json:"legalName,omitempty"`
}

// OCDSAddress is a postal address.
type OCDSAddress struct {
	StreetAddress string `json:"streetAddress,omitempty"`
	Locality      string `json:"locality,omitempty"`
	Region        string `json:"region,omitempty"`
	PostalCode    string `json:"postalCode,omitempty"`
	CountryName   string `json:"countryName,omitempty"`
}

// ContactPoint is an office to contact. Only the council's role mailbox is published: no
// person's name, email or telephone number goes into open data.
type ContactPoint struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// OrgRef points at a party by id.
type OrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// OCDSValue is an amount of money. Amount is written from pence, exactly.
type OCDSValue struct {
	Amount   json.Number `json:"amount"`
	Currency string      `json:"currency"`
}

// OCDSPeriod is a span of time.
type OCDSPeriod struct {
	StartDate      string `json:"startDate,omitempty"`
	EndDate        string `json:"endDate,omitempty"`
	MaxExtentDate  string `json:"maxExtentDate,omitempty"`
	DurationInDays int    `json:"durationInDays,omitempty"`
}

// Award is the decision to contract with the supplier. The portal records contracts, not
// tenders, so each contract has one award it refers to, as the schema requires.
type Award struct {
	ID             string      `json:"id"`
	Title          string      `json:"title"`
	Status         string      `json:"status"`
	Date           string      `json:"date,omitempty"`
	Value          *OCDSValue  `json:"value,omitempty"`
	Suppliers      []OrgRef    `json:"suppliers"`
	ContractPeriod *OCDSPeriod `json:"contractPeriod,omitempty"`
}

// OCDSContract is the contract itself.
type OCDSContract struct {
	ID             string          `json:"id"`
	AwardID        string          `json:"awardID"`
	Title          string          `json:"title"`
	Description    string          `json:"description,omitempty"`
	Status         string          `json:"status"`
	Period         *OCDSPeriod     `json:"period,omitempty"`
	Value          *OCDSValue      `json:"value,omitempty"`
	DateSigned     string          `json:"dateSigned,omitempty"`
	Documents      []OCDSDocument  `json:"documents,omitempty"`
	Implementation *Implementation `json:"implementation,omitempty"`
	Amendments     []Amendment     `json:"amendments,omitempty"`
}

// OCDSDocument is a document of the contract.
type OCDSDocument struct {
	ID            string `json:"id"`
	DocumentType  string `json:"documentType,omitempty"`
	Title         string `json:"title"`
	URL           string `json:"url,omitempty"`
	DatePublished string `json:"datePublished,omitempty"`
	Format        string `json:"format,omitempty"`
	Language      string `json:"language,omitempty"`
}

// Implementation is what happened under the contract: here, its monitoring milestones.
type Implementation struct {
	Milestones []Milestone `json:"milestones,omitempty"`
}

// Milestone is one monitoring return: a KPI's report for a period, due on a date, and
// whether the value met the KPI.
type Milestone struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Type         string `json:"type"`
	Description  string `json:"description,omitempty"`
	DueDate      string `json:"dueDate"`
	DateMet      string `json:"dateMet,omitempty"`
	DateModified string `json:"dateModified,omitempty"`
	Status       string `json:"status"`
}

// Amendment is a variation of the contract.
type Amendment struct {
	ID          string `json:"id"`
	Date        string `json:"date"`
	Rationale   string `json:"rationale,omitempty"`
	Description string `json:"description"`
}

// Buyer is the council as OCDS shows it: the buyer of every contract and the publisher.
// Email is the council's role mailbox (PORTAL_COUNCIL_EMAIL), never a person's.
type Buyer struct {
	Name         string
	AddressLines []string
	Email        string
}

// ocdsStatus maps a contract's status to the OCDS contractStatus codelist: a draft is
// pending; an active or expiring contract active; an ended one terminated (the codelist's
// "came to a close"); a terminated one terminated, or cancelled if it was never signed.
func ocdsStatus(c *Contract) string {
	switch c.Status {
	case StatusDraft:
		return "pending"
	case StatusActive, StatusExpiring:
		return "active"
	case StatusTerminated:
		if c.DateSigned == nil {
			return "cancelled"
		}
	}
	return "terminated"
}

// awardStatus maps the contract's status to the awardStatus codelist.
func awardStatus(c *Contract) string {
	switch ocdsStatus(c) {
	case "pending":
		return "pending"
	case "cancelled":
		return "cancelled"
	}
	return "active"
}

// milestoneStatus maps a return to the milestoneStatus codelist: an accepted value that
// reaches the KPI's target met it; one short of the target but not red (green within the
// tolerance, or amber) partly met it; a red one did not; an overdue return did not meet its
// due date; anything else (not due, or submitted and not yet accepted) is scheduled. Only
// the accepted revision counts: a value under review or under query is not published.
func milestoneStatus(r *MonitoringReturn) string {
	if r.AcceptedValue != nil {
		switch {
		case r.KPI().MeetsTarget(*r.AcceptedValue):
			return "met"
		case r.AcceptedRAG() != Red:
			return "partiallyMet"
		}
		return "notMet"
	}
	if r.Overdue() {
		return "notMet"
	}
	return "scheduled"
}

// OCID is the contract's Open Contracting ID: the council's registered prefix, a hyphen
// and the contract's id, which never changes (its reference may).
func OCID(prefix, contractID string) string { return prefix + "-" + contractID }

// pounds writes pence as an exact decimal amount of pounds.
func pounds(pence int64) json.Number {
	sign := ""
	if pence < 0 {
		sign, pence = "-", -pence
	}
	return json.Number(fmt.Sprintf("%s%d.%02d", sign, pence/100, pence%100))
}

// dateTime writes a date as the schema's date-time: midnight UTC of that day.
func dateTime(t time.Time) string { return dateOf(t).Format(time.RFC3339) }

// instant writes a moment as RFC 3339 in UTC.
func instant(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ReleaseInput is everything one contract's release is built from.
type ReleaseInput struct {
	Contract   *Contract
	Supplier   Party
	Buyer      Buyer
	Settings   Settings
	Documents  []Document
	Variations []Variation
	Returns    []MonitoringReturn
	// DocumentURL gives a document's address.
	DocumentURL func(id string) string
}

// buyerParty is the council as a party.
func buyerParty(b Buyer, s Settings) Party {
	p := Party{ID: "council", Name: b.Name, Roles: []string{"buyer", "procuringEntity", "payer"}}
	if s.BuyerIdentifier != "" {
		// Settings only keeps identifiers of the form SCHEME-PART-CODE ("GB-LAE-LDS").
		parts := strings.SplitN(s.BuyerIdentifier, "-", 3)
		p.ID = s.BuyerIdentifier
		p.Identifier = &Identifier{Scheme: parts[0] + "-" + parts[1], ID: parts[2], LegalName: b.Name}
	}
	if len(b.AddressLines) > 0 {
		p.Address = addressOf(b.AddressLines)
	}
	if b.Email != "" {
		p.ContactPoint = &ContactPoint{Name: "Commissioning team", Email: b.Email}
	}
	return p
}

// addressOf reads address lines: the last that looks like a postcode is the postcode, the
// one before it the town, the rest the street address.
func addressOf(lines []string) *OCDSAddress {
	a := &OCDSAddress{CountryName: "United Kingdom"}
	rest := append([]string{}, lines...)
	if n := len(rest); n > 0 {
		if pc, err := ukid.Postcode(rest[n-1]); err == nil {
			a.PostalCode, rest = pc, rest[:n-1]
		}
	}
	if n := len(rest); n > 1 {
		a.Locality, rest = rest[n-1], rest[:n-1]
	}
	a.StreetAddress = strings.Join(rest, ", ")
	return a
}

// BuildRelease makes a contract's release: the council and the provider as parties, one
// award, and the contract with its period, value, public documents, variations (as
// amendments) and monitoring returns (as implementation milestones). Its id is the ocid and
// a hash of everything else but the date (ReleaseID), so any change to what it says makes a
// new release, and an unchanged one keeps its id however often it is built.
func BuildRelease(in ReleaseInput) Release {
	c := in.Contract
	ocid := OCID(in.Settings.OCIDPrefix, c.ID)
	latest := c.UpdatedAt
	for _, r := range in.Returns {
		if r.UpdatedAt.After(latest) {
			latest = r.UpdatedAt
		}
	}
	buyer := buyerParty(in.Buyer, in.Settings)
	supplier := in.Supplier
	rel := Release{ReleaseHeader: ReleaseHeader{
		OCID: ocid, Date: instant(latest),
		Tag: []string{"contract"}, InitiationType: "tender", Language: "en",
		Parties: []Party{buyer, supplier},
		Buyer:   OrgRef{ID: buyer.ID, Name: buyer.Name},
	}}
	// The schema defines durationInDays as the difference between the start and end dates.
	period := &OCDSPeriod{StartDate: dateTime(c.StartDate), EndDate: dateTime(c.EndDate),
		DurationInDays: int(dateOf(c.EndDate).Sub(dateOf(c.StartDate)).Hours() / 24)}
	if end := c.ExtensionEnd(); end != nil {
		period.MaxExtentDate = dateTime(*end)
	}
	award := Award{ID: c.Reference, Title: c.Title, Status: awardStatus(c), Value: &OCDSValue{Amount: pounds(c.TotalValuePence), Currency: "GBP"},
		Suppliers: []OrgRef{{ID: supplier.ID, Name: supplier.Name}}, ContractPeriod: period}
	if c.DateSigned != nil {
		award.Date = dateTime(*c.DateSigned)
	}
	oc := OCDSContract{ID: c.Reference, AwardID: award.ID, Title: c.Title, Status: ocdsStatus(c), Period: period,
		Value:       &OCDSValue{Amount: pounds(c.CurrentValuePence()), Currency: "GBP"},
		Description: contractDescription(c)}
	if c.DateSigned != nil {
		oc.DateSigned = dateTime(*c.DateSigned)
	}
	for _, d := range in.Documents {
		if !d.Public {
			continue // only documents the officer marked public are published
		}
		doc := OCDSDocument{ID: d.DocumentID, DocumentType: d.DocumentType, Title: d.Title, DatePublished: instant(d.AddedAt),
			Format: d.ContentType, Language: "en"}
		if d.DocumentType == "other" {
			doc.DocumentType = ""
		}
		if in.DocumentURL != nil {
			doc.URL = in.DocumentURL(d.DocumentID)
		}
		oc.Documents = append(oc.Documents, doc)
	}
	for _, v := range in.Variations {
		a := Amendment{ID: v.ID, Date: dateTime(v.VariedOn), Description: v.Description}
		if v.ValueChangePence != 0 {
			a.Rationale = "Value changed by £" + string(pounds(v.ValueChangePence))
		}
		oc.Amendments = append(oc.Amendments, a)
	}
	if len(in.Returns) > 0 {
		impl := &Implementation{}
		for i := range in.Returns {
			impl.Milestones = append(impl.Milestones, milestoneOf(&in.Returns[i]))
		}
		oc.Implementation = impl
		rel.Tag = append(rel.Tag, "implementation")
	}
	if oc.Status == "terminated" || oc.Status == "cancelled" {
		rel.Tag = append(rel.Tag, "contractTermination")
	}
	rel.Awards, rel.Contracts = []Award{award}, []OCDSContract{oc}
	rel.ID = ReleaseID(rel)
	return rel
}

// ReleaseID is the release's id: its ocid and the first 16 hex digits of the SHA-256 of its
// JSON without the id and the date. encoding/json writes struct fields in a fixed order and
// map keys sorted, so the same content always hashes the same.
func ReleaseID(r Release) string {
	r.ID, r.Date = "", ""
	data, err := json.Marshal(r)
	if err != nil {
		panic(err) // a Release holds only strings, numbers, slices and JSON-safe maps
	}
	sum := sha256.Sum256(data)
	return r.OCID + "-" + hex.EncodeToString(sum[:8])
}

func contractDescription(c *Contract) string {
	parts := []string{provider.ServiceCategoryLabel(c.ServiceCategory), c.Route.Label()}
	if c.FrameworkName != "" {
		parts = append(parts, c.FrameworkName)
	}
	if c.Lot != "" {
		parts = append(parts, "lot "+c.Lot)
	}
	d := strings.Join(parts, "; ")
	if c.Stored == StatusTerminated && c.TerminationReason != "" {
		d += ". Terminated: " + c.TerminationReason
	}
	return d
}

func milestoneOf(r *MonitoringReturn) Milestone {
	m := Milestone{ID: r.ID, Title: r.KPIName + ": " + r.Period().Label(), Type: "reporting",
		DueDate: dateTime(r.DueDate), DateModified: instant(r.UpdatedAt), Status: milestoneStatus(r)}
	k := r.KPI()
	if r.AcceptedValue != nil {
		m.Description = fmt.Sprintf("Returned %s against a target of %s (%s): %s.", r.AcceptedValueText(), k.TargetText(),
			strings.ToLower(k.Direction.Label()), r.AcceptedRAG().Label())
	} else {
		m.Description = fmt.Sprintf("Monitoring return for %s; target %s.", r.Period().Label(), k.TargetText())
	}
	if m.Status == "met" && r.AcceptedAt != nil && r.SubmittedAt != nil {
		m.DateMet = instant(*r.SubmittedAt)
	}
	return m
}

// SupplierParty describes a provider as an OCDS party, from its approved record: its
// Companies House number (GB-COH) or charity number (GB-CHC, GB-SC, GB-NIC) as identifier
// (the other, if both, as an additional one) and its registered office.
// A provider with neither number gets a party id from its supplier reference.
func SupplierParty(ctx context.Context, q sqlx.QueryerContext, orgID string) (Party, error) {
	org, err := provider.OrganisationByID(ctx, q, orgID)
	if err != nil {
		return Party{}, err
	}
	p := Party{ID: "supplier-" + org.SupplierRef, Name: org.DisplayName(), Roles: []string{"supplier", "payee"}}
	recs, err := provider.SectionRecords(ctx, q, orgID)
	if err != nil {
		return Party{}, err
	}
	approved := func(key provider.SectionKey) provider.Answers {
		rec, ok := recs[key]
		def, _ := provider.SectionByKey(string(key))
		if !ok {
			return nil
		}
		a, err := rec.Approved(def)
		if err != nil {
			return nil // not approved yet: not published
		}
		return a
	}
	var ids []Identifier
	if o, ok := approved(provider.SectionOrganisation).(*provider.OrganisationAnswers); ok && o != nil {
		if n, err := ukid.CompaniesHouse(o.CompaniesHouseNumber); o.CompaniesHouseNumber != "" && err == nil {
			ids = append(ids, Identifier{Scheme: "GB-COH", ID: n, LegalName: o.LegalName})
		}
		if ch, err := ukid.CharityNumber(o.CharityNumber); o.CharityNumber != "" && err == nil {
			ids = append(ids, Identifier{Scheme: ch.Scheme, ID: ch.Number, LegalName: o.LegalName})
		}
		if o.LegalName != "" {
			p.Name = o.LegalName
		}
	}
	if len(ids) > 0 {
		p.ID = ids[0].Scheme + "-" + ids[0].ID
		p.Identifier = &ids[0]
		p.AdditionalIdentifiers = ids[1:]
	}
	if a, ok := approved(provider.SectionAddresses).(*provider.AddressesAnswers); ok && a != nil && a.RegLine1 != "" {
		p.Address = &OCDSAddress{StreetAddress: strings.Join(nonEmpty(a.RegLine1, a.RegLine2), ", "), Locality: a.RegTown,
			Region: a.RegCounty, PostalCode: a.RegPostcode, CountryName: "United Kingdom"}
	}
	// No contact point: the provider's contacts are people, and people's names, emails and
	// phone numbers are not published.
	return p, nil
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, s := range parts {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Releases builds the release of each contract, reading what each needs.
func (svc *Service) Releases(ctx context.Context, contracts []Contract, buyer Buyer) ([]Release, error) {
	settings, err := svc.OCDSSettings(ctx)
	if err != nil {
		return nil, err
	}
	today := svc.Today()
	suppliers := map[string]Party{}
	out := make([]Release, 0, len(contracts))
	for i := range contracts {
		c := &contracts[i]
		c.Status = c.StatusOn(today, settings.ExpiringWithinDays)
		supplier, ok := suppliers[c.OrganisationID]
		if !ok {
			if supplier, err = SupplierParty(ctx, svc.DB, c.OrganisationID); err != nil {
				return nil, err
			}
			suppliers[c.OrganisationID] = supplier
		}
		in := ReleaseInput{Contract: c, Supplier: supplier, Buyer: buyer, Settings: settings,
			DocumentURL: func(id string) string { return svc.link(OpenDataDocumentPath + id) }}
		if in.Documents, err = Documents(ctx, svc.DB, c.ID); err != nil {
			return nil, err
		}
		if in.Variations, err = Variations(ctx, svc.DB, c.ID); err != nil {
			return nil, err
		}
		if in.Returns, _, err = Returns(ctx, svc.DB, ReturnFilter{ContractID: c.ID, Today: today, Limit: maxPeriods * 50}); err != nil {
			return nil, err
		}
		out = append(out, BuildRelease(in))
	}
	return out, nil
}

// NewPackage wraps releases in a package published by the council. Its date is the
// latest release's, as the standard asks of packages made on demand, or now when empty.
func NewPackage(uri string, buyer Buyer, s Settings, releases []Release, now time.Time) ReleasePackage {
	published := time.Time{}
	for _, r := range releases {
		if t, err := time.Parse(time.RFC3339, r.Date); err == nil && t.After(published) {
			published = t
		}
	}
	if published.IsZero() {
		published = now
	}
	pub := publisherOf(buyer, s)
	if releases == nil {
		releases = []Release{}
	}
	return ReleasePackage{URI: uri, Version: OCDSVersion, PublishedDate: instant(published), Publisher: pub,
		License: s.License, PublicationPolicy: s.PublicationPolicy, Releases: releases}
}

// publisherOf is the council as the publisher of a package.
func publisherOf(buyer Buyer, s Settings) OCDSPublisher {
	pub := OCDSPublisher{Name: buyer.Name}
	if parts := strings.SplitN(s.BuyerIdentifier, "-", 3); len(parts) == 3 {
		pub.Scheme, pub.UID = parts[0]+"-"+parts[1], parts[2]
	}
	return pub
}
