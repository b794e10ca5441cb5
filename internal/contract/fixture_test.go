package contract_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// pdf is the smallest file the document store accepts as a PDF.
var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// fixture is a contract service on a fresh database, with a clock the test sets, and
// helpers to make officers and approved providers.
type fixture struct {
	t         testing.TB
	db        *sqlx.DB
	svc       *contract.Service
	providers *provider.Service
	today     time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	d := dbtest.New(t)
	v, err := vault.ParseKeys("test:" + vault.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://portal.example.gov.uk")
	f := &fixture{t: t, db: d, today: time.Date(2025, 6, 20, 0, 0, 0, 0, time.UTC),
		providers: &provider.Service{DB: d, Vault: v, Checks: provider.ChecksWith(ukid.DefaultModulusTable()), BaseURL: base}}
	f.svc = &contract.Service{DB: d, Documents: document.PostgresStore{}, BaseURL: base,
		Now: func() time.Time { return f.today.Add(12 * time.Hour) }}
	return f
}

// person is a user with the context that acts as them.
type person struct {
	ID, Email, Name string
	ctx             context.Context
}

func (f *fixture) person(email, name string, roles ...string) *person {
	f.t.Helper()
	var id string
	if err := f.db.Get(&id, `INSERT INTO users (email, name, password_hash, roles) VALUES ($1, $2, 'unused', $3) RETURNING id`,
		email, name, pq.StringArray(roles)); err != nil {
		f.t.Fatal(err)
	}
	return &person{ID: id, Email: email, Name: name,
		ctx: audit.WithActor(context.Background(), audit.Actor{UserID: id, Email: email, Roles: roles, IP: "127.0.0.1"})}
}

// providerOrg is a provider organisation with its user.
type providerOrg struct {
	ID, Ref, Name string
	User          *person
}

// provider registers a provider through the record's own service (so every answer passes
// the record's checks), with the given status; "approved" also approves every section.
func (f *fixture) provider(legalName, companyNumber, charityNumber string, status provider.Status) *providerOrg {
	f.t.Helper()
	var org providerOrg
	if err := f.db.QueryRow(`INSERT INTO organisations (name) VALUES ($1) RETURNING id, supplier_ref`, legalName).Scan(&org.ID, &org.Ref); err != nil {
		f.t.Fatal(err)
	}
	slug := fmt.Sprintf("p%d", time.Now().UnixNano())
	org.User = f.person(slug+"@provider.example", "Pat "+legalName, "provider")
	if _, err := f.db.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, org.User.ID, org.ID); err != nil {
		f.t.Fatal(err)
	}
	legalForm := "company"
	if companyNumber == "" {
		legalForm = "charity"
	}
	sections := map[provider.SectionKey]provider.Answers{
		provider.SectionOrganisation: &provider.OrganisationAnswers{LegalName: legalName, LegalForm: legalForm, CompaniesHouseNumber: companyNumber,
			CharityNumber: charityNumber, StartDate: form.DateInput{Day: "1", Month: "4", Year: "2010"}, OperationType: "sme",
			ServiceCategories: []string{"childrens_homes"}},
		provider.SectionContacts: &provider.ContactsAnswers{KeyContactName: "Kim Key", KeyContactRole: "Director", KeyContactEmail: "kim@" + slug + ".example",
			KeyContactPhone: "07700 900982"},
		provider.SectionAddresses: &provider.AddressesAnswers{RegLine1: "1 Oak Lane", RegLine2: "Little Acre", RegTown: "Exampleton",
			RegCounty: "Exampleshire", RegPostcode: "ex1 1aa", CorrespondenceSame: "yes"},
	}
	for key, a := range sections {
		def, _ := provider.SectionByKey(string(key))
		if err := f.providers.SaveSection(org.User.ctx, org.ID, def, a, 0); err != nil {
			f.t.Fatalf("save %s: %v", def.Key, err)
		}
	}
	if _, err := f.db.Exec(`UPDATE organisations SET status = $2 WHERE id = $1`, org.ID, string(status)); err != nil {
		f.t.Fatal(err)
	}
	if status == provider.StatusApproved {
		if _, err := f.db.Exec(`UPDATE provider_sections SET approved_data = data, completed = true WHERE organisation_id = $1`, org.ID); err != nil {
			f.t.Fatal(err)
		}
	}
	org.Name = legalName
	return &org
}

// date is a form's date boxes for t.
func date(t time.Time) form.DateInput { return form.DateInputOf(&t) }

// contractForm is a valid form for an active contract with org, managed by manager.
func contractForm(ref string, org *providerOrg, manager *person, start, end time.Time) contract.ContractForm {
	return contract.ContractForm{Reference: ref, Title: "Residential placements for " + org.Name, Provider: org.Ref,
		ServiceCategory: "childrens_homes", Route: "framework", FrameworkName: "East Midlands regional placements framework", Lot: "2",
		StartDate: date(start), EndDate: date(end), ExtensionOptions: "One extension of 12 months", ExtensionMonths: "12",
		TotalValue: "1,200,000", AnnualValue: "400000.50", PaymentTerms: "Monthly in arrears", ManagerID: manager.ID, Status: "active",
		DateSigned: date(start.AddDate(0, 0, -10)), Procedure: "pcr2015", LightTouch: "yes", CPVCodes: "85311300-5",
		EstimatedValue: "1,440,000", MaximumValue: "1,500,000"}
}

// kpiForm is a valid monthly KPI where higher is better: target 95, amber below 90, red below 80.
func kpiForm(name string) contract.KPIForm {
	return contract.KPIForm{Name: name, Unit: "%", Measure: "percentage", Target: "95", Direction: "higher", Amber: "90", Red: "80", Frequency: "monthly"}
}

// world is an officer, an approved provider with a contract that started on 1 January 2025
// (so five monthly periods have ended by the fixture's 20 June) and one KPI.
type world struct {
	*fixture
	officer  *person
	org      *providerOrg
	contract *contract.Contract
	kpi      *contract.KPI
}

func newWorld(t *testing.T) *world {
	t.Helper()
	f := newFixture(t)
	w := &world{fixture: f, officer: f.person("olive@council.example", "Olive Officer", "officer")}
	w.org = f.provider("Acorn Care Ltd", "01234567", "", provider.StatusApproved)
	c, err := f.svc.CreateContract(w.officer.ctx, contractForm("CYP-2025-001", w.org, w.officer,
		time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatalf("create contract: %v", err)
	}
	w.contract = c
	if w.kpi, err = f.svc.CreateKPI(w.officer.ctx, c.ID, kpiForm("Placement stability")); err != nil {
		t.Fatalf("create kpi: %v", err)
	}
	return w
}

// returns lists every return of the world's KPI, oldest first, as of the fixture's today.
func (w *world) returns() []contract.MonitoringReturn {
	w.t.Helper()
	rs, _, err := contract.Returns(context.Background(), w.db, contract.ReturnFilter{KPIID: w.kpi.ID, Today: w.today, Limit: 1000})
	if err != nil {
		w.t.Fatal(err)
	}
	return rs
}

// auditActions lists the actions audited about an object, oldest first.
func (f *fixture) auditActions(objectID string) []string {
	f.t.Helper()
	var out []string
	if err := f.db.Select(&out, `SELECT action FROM audit_events WHERE object_id = $1 ORDER BY id`, objectID); err != nil {
		f.t.Fatal(err)
	}
	return out
}
