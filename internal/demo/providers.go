package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// SubmittedOrganisationID is a second demo provider whose complete record waits in the
// officers' review queue, so the review pages have something to show on first start.
const SubmittedOrganisationID = "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a02"

// minimalPDF is a tiny valid PDF used as the demo insurance certificates.
var minimalPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

// LoadSubmittedProvider creates the submitted demo provider once: its user, every section
// filled with valid answers, and the submission.
func LoadSubmittedProvider(ctx context.Context, svc *auth.Service, providers *provider.Service) error {
	var exists bool
	if err := svc.DB.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM organisations WHERE id = $1)`, SubmittedOrganisationID); err != nil {
		return err
	}
	if exists {
		return nil
	}
	ctx = audit.WithActor(ctx, audit.Actor{Email: "demo-loader", Roles: []string{"system"}})
	var userID string
	err := db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, name) VALUES ($1, 'Oakfield Fostering CIC')`, SubmittedOrganisationID); err != nil {
			return err
		}
		u, err := svc.CreateUser(ctx, tx, auth.NewUser{Email: "manager@oakfield.example.org", Name: "Morgan Hale",
			Roles: []auth.Role{auth.RoleProvider}, Password: Password, EmailConfirmed: true})
		if err != nil {
			return err
		}
		userID = u.ID
		_, err = tx.ExecContext(ctx, `INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, u.ID, SubmittedOrganisationID)
		return err
	})
	if err != nil {
		return fmt.Errorf("demo submitted provider: %w", err)
	}
	ctx = audit.WithActor(ctx, audit.Actor{UserID: userID, Email: "manager@oakfield.example.org", Roles: []string{"provider"}})
	answers, err := completeRecord(ctx, providers, SubmittedOrganisationID)
	if err != nil {
		return err
	}
	for _, def := range provider.Sections {
		if err := providers.SaveSection(ctx, SubmittedOrganisationID, def, answers[def.Key], 0); err != nil {
			return fmt.Errorf("demo section %s: %w", def.Key, err)
		}
		if err := providers.MarkCompleted(ctx, SubmittedOrganisationID, def.Key, 1); err != nil {
			return fmt.Errorf("demo section %s: %w", def.Key, err)
		}
	}
	org, err := provider.OrganisationByID(ctx, svc.DB, SubmittedOrganisationID)
	if err != nil {
		return err
	}
	return providers.Submit(ctx, SubmittedOrganisationID, org.Version)
}

// completeRecord builds valid answers for every section of a demo provider.
// Certificates are uploaded as the form uploads them, so the saves that follow may name them.
func completeRecord(ctx context.Context, providers *provider.Service, orgID string) (map[provider.SectionKey]provider.Answers, error) {
	today := time.Now()
	date := func(t time.Time) form.DateInput {
		return form.DateInput{Day: strconv.Itoa(t.Day()), Month: strconv.Itoa(int(t.Month())), Year: strconv.Itoa(t.Year())}
	}
	policies := make([]provider.Policy, 0, 3)
	for i, k := range provider.PolicyKinds {
		doc, err := providers.KeepUpload(ctx, document.PostgresStore{}, orgID, k.Value, k.Value+"-certificate.pdf", minimalPDF)
		if err != nil {
			return nil, err
		}
		policies = append(policies, provider.Policy{Kind: k.Value, Insurer: "Example Mutual Insurance", PolicyNumber: fmt.Sprintf("EMI-%d-2026", 4410+i),
			Cover: form.Pounds([]string{"10000000", "5000000", "2000000"}[i]), Start: date(today.AddDate(0, -3, 0)), Expiry: date(today.AddDate(0, 9, 0)),
			CertificateID: doc.DocumentID, CertificateName: doc.Filename})
	}
	return map[provider.SectionKey]provider.Answers{
		provider.SectionOrganisation: &provider.OrganisationAnswers{LegalName: "Oakfield Fostering CIC", TradingName: "Oakfield Fostering",
			LegalForm: "cic", CompaniesHouseNumber: "09121572", StartDate: date(time.Date(2014, 6, 2, 0, 0, 0, 0, time.UTC)),
			Website: "https://www.oakfield.example.org", OperationType: "vcse", ServiceCategories: []string{"independent_fostering", "short_breaks"}},
		provider.SectionContacts: &provider.ContactsAnswers{KeyContactName: "Morgan Hale", KeyContactRole: "Registered manager",
			KeyContactEmail: "manager@oakfield.example.org", KeyContactPhone: "01632 960 184",
			Others: []provider.Contact{{Name: "Sam Ortiz", Role: "Finance manager", Email: "finance@oakfield.example.org", Phone: "01632 960 185"}}},
		provider.SectionAddresses: &provider.AddressesAnswers{RegLine1: "14 Mill Lane", RegTown: "Northampton", RegPostcode: "NN1 1ED", CorrespondenceSame: "yes"},
		provider.SectionVAT:       &provider.VATAnswers{Registered: "no"},
		provider.SectionBank:      &provider.BankAnswers{AccountName: "Oakfield Fostering CIC", SortCode: "08-99-99", AccountNumber: "66374958"},
		provider.SectionInsurance: &provider.InsuranceAnswers{Policies: policies, ELExempt: "no"},
		provider.SectionRegulation: &provider.RegulationAnswers{OfstedRegistered: "yes", CQCRegistered: "no",
			Ofsted: []provider.OfstedRegistration{{URN: "SC057941", Judgement: "good", JudgementDate: date(today.AddDate(-1, -2, 0))}}},
		provider.SectionSafeguarding: &provider.SafeguardingAnswers{Staff: []provider.StaffMember{
			{Name: "Morgan Hale", Role: "Registered manager", Level: "enhanced_barred", CertificateNumber: "001234567890",
				IssueDate: date(today.AddDate(-2, 0, 0)), UpdateService: "yes", LastCheckDate: date(today.AddDate(0, -2, 0)), LastCheckResult: "current"},
			{Name: "Jo Patel", Role: "Supervising social worker", Level: "enhanced_barred", CertificateNumber: "001234567891",
				IssueDate: date(today.AddDate(-1, 0, 0)), UpdateService: "no", LastCheckResult: "not_checked"},
		}},
		provider.SectionHealthSafety: &provider.HealthSafetyAnswers{LeadName: "Morgan Hale", HealthSafetyPolicyReview: date(today.AddDate(0, -4, 0)),
			SafeguardingPolicyReview: date(today.AddDate(0, -1, 0)), ReportableIncidents: "1"},
		provider.SectionDeclarations: &provider.DeclarationsAnswers{Accurate: true, NoticeRead: true, NoticeVersion: 1},
	}, nil
}
