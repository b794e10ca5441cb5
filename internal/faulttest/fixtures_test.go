package faulttest

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/devdb"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/jmoiron/sqlx"
)

// world is one test's database and what the test uses to arrange and inspect it directly,
// with the same data key the portal processes get.
type world struct {
	cluster   *devdb.Cluster
	DB        *sqlx.DB
	settings  settings
	harness   *webtest.Server // only its user-making helpers: DB, Auth and Vault are set
	providers *provider.Service
}

// newWorld starts a private PostgreSQL cluster with a migrated database for this test.
func newWorld(t *testing.T) *world {
	t.Helper()
	c := dbtest.NewCluster(t)
	dsn := c.URL("portal")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	key := "k1:" + vault.GenerateKey()
	v, err := vault.ParseKeys(key)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://127.0.0.1")
	svc := &auth.Service{DB: d, Vault: v, Throttle: auth.DefaultThrottle, BaseURL: base,
		Timeouts: auth.SessionTimeouts{Idle: 30 * time.Minute, Absolute: 12 * time.Hour}, Issuer: "Provider Portal (fault tests)"}
	return &world{
		cluster:   c,
		DB:        d,
		settings:  settings{DatabaseURL: dsn, DataKey: key},
		harness:   &webtest.Server{DB: d, Auth: svc, Vault: v},
		providers: &provider.Service{DB: d, Vault: v, Checks: provider.ChecksWith(ukid.DefaultModulusTable()), BaseURL: base},
	}
}

// providerUser is a provider organisation and one of its users.
type providerUser struct {
	OrgID, UserID, Email, Password string
}

// newProvider makes an organisation with a provider user who has read the privacy notice.
func (w *world) newProvider(t *testing.T, name, email string) providerUser {
	t.Helper()
	orgID := w.harness.NewOrganisation(t, name)
	return w.addMember(t, orgID, email)
}

// addMember makes another provider user of orgID.
func (w *world) addMember(t *testing.T, orgID, email string) providerUser {
	t.Helper()
	u := w.harness.CreateUser(t, email, []auth.Role{auth.RoleProvider}, orgID)
	return providerUser{OrgID: orgID, UserID: u.ID, Email: email, Password: u.Password}
}

// count runs a SELECT count(*)-like query.
func (w *world) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := w.DB.Get(&n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// completeRecord fills and completes every section of the organisation through the
// service, as the provider would have over many visits, so the record can be submitted.
func (w *world) completeRecord(t *testing.T, p providerUser) {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: p.UserID, Email: p.Email, Roles: []string{"provider"}})
	notice, err := privacy.Current(ctx, w.DB, privacy.AudienceProvider)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now()
	date := func(t time.Time) form.DateInput {
		return form.DateInput{Day: strconv.Itoa(t.Day()), Month: strconv.Itoa(int(t.Month())), Year: strconv.Itoa(t.Year())}
	}
	var policies []provider.Policy
	for i, k := range provider.PolicyKinds {
		doc, err := w.providers.KeepUpload(ctx, document.PostgresStore{}, p.OrgID, k.Value, k.Value+".pdf", minimalPDF)
		if err != nil {
			t.Fatal(err)
		}
		policies = append(policies, provider.Policy{Kind: k.Value, Insurer: "Example Mutual", PolicyNumber: fmt.Sprintf("EM-%d", 100+i),
			Cover: form.Pounds("5000000"), Start: date(today.AddDate(0, -3, 0)), Expiry: date(today.AddDate(0, 9, 0)),
			CertificateID: doc.DocumentID, CertificateName: doc.Filename})
	}
	answers := map[provider.SectionKey]provider.Answers{
		provider.SectionOrganisation: &provider.OrganisationAnswers{LegalName: "Fault Line Fostering CIC", TradingName: "Fault Line Fostering",
			LegalForm: "cic", CompaniesHouseNumber: "09121572", StartDate: date(time.Date(2014, 6, 2, 0, 0, 0, 0, time.UTC)),
			Website: "https://faultline.example.org", OperationType: "vcse", ServiceCategories: []string{"independent_fostering"}},
		provider.SectionContacts: &provider.ContactsAnswers{KeyContactName: "Kim Key", KeyContactRole: "Registered manager",
			KeyContactEmail: "key." + p.Email, KeyContactPhone: "01632 960 184"},
		provider.SectionAddresses: &provider.AddressesAnswers{RegLine1: "14 Mill Lane", RegTown: "Northampton", RegPostcode: "NN1 1ED", CorrespondenceSame: "yes"},
		provider.SectionVAT:       &provider.VATAnswers{Registered: "no"},
		provider.SectionBank:      &provider.BankAnswers{AccountName: "Fault Line Fostering CIC", SortCode: "08-99-99", AccountNumber: "66374958"},
		provider.SectionInsurance: &provider.InsuranceAnswers{Policies: policies, ELExempt: "no"},
		provider.SectionRegulation: &provider.RegulationAnswers{OfstedRegistered: "yes", CQCRegistered: "no",
			Ofsted: []provider.OfstedRegistration{{URN: "SC057941", Judgement: "good", JudgementDate: date(today.AddDate(-1, -2, 0))}}},
		provider.SectionSafeguarding: &provider.SafeguardingAnswers{Staff: []provider.StaffMember{
			{Name: "Kim Key", Role: "Registered manager", Level: "enhanced_barred", CertificateNumber: "001234567890",
				IssueDate: date(today.AddDate(-2, 0, 0)), UpdateService: "yes", LastCheckDate: date(today.AddDate(0, -2, 0)), LastCheckResult: "current"}}},
		provider.SectionHealthSafety: &provider.HealthSafetyAnswers{LeadName: "Kim Key", HealthSafetyPolicyReview: date(today.AddDate(0, -4, 0)),
			SafeguardingPolicyReview: date(today.AddDate(0, -1, 0)), ReportableIncidents: "0"},
		provider.SectionDeclarations: &provider.DeclarationsAnswers{Accurate: true, NoticeRead: true, NoticeVersion: notice.Version},
	}
	for _, def := range provider.Sections {
		if err := w.providers.SaveSection(ctx, p.OrgID, def, answers[def.Key], 0); err != nil {
			t.Fatalf("fill %s: %v", def.Key, err)
		}
		if err := w.providers.MarkCompleted(ctx, p.OrgID, def.Key, 1); err != nil {
			t.Fatalf("complete %s: %v", def.Key, err)
		}
	}
}

// minimalPDF is a tiny valid PDF, for the insurance certificates.
var minimalPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
