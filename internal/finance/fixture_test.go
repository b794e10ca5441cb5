package finance_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// pdf is the smallest file the document store accepts as a PDF.
var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// fixture is a finance service on a fresh database, with helpers to make people and
// approved providers.
type fixture struct {
	t         testing.TB
	db        *sqlx.DB
	svc       *finance.Service
	providers *provider.Service
	vault     *vault.Vault
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	d := dbtest.New(t)
	v, err := vault.ParseKeys("test:" + vault.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://portal.example.gov.uk")
	providers := &provider.Service{DB: d, Vault: v, Checks: provider.ChecksWith(ukid.DefaultModulusTable()), BaseURL: base}
	svc := &finance.Service{DB: d, Vault: v, Providers: providers, Modulus: ukid.DefaultModulusTable(), MatchKey: finance.MatchKeyFrom([]byte("finance tests audit key, 32 byte")),
		Documents: document.PostgresStore{}, BaseURL: base, CouncilPhone: "01234 567 890",
		ContractActivity: contract.OrganisationsActiveSince,
		NFIDisclosed: func(ctx context.Context, tx *sqlx.Tx, f finance.NFIFile) error {
			return privacy.RecordNFIDisclosure(ctx, tx, privacy.NFIDisclosure{On: f.On, Rows: f.Rows, Filename: f.Filename})
		}}
	return &fixture{t: t, db: d, svc: svc, providers: providers, vault: v}
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

// providerOrg is an approved provider with its user.
type providerOrg struct {
	ID   string
	User *person
}

// bankAccount is a sort code and account that pass the modulus check.
type bankAccount struct{ SortCode, Account string }

var (
	accountA = bankAccount{"089999", "66374958"}
	accountB = bankAccount{"107999", "88837491"}
	accountC = bankAccount{"202959", "63748472"}
	badPair  = bankAccount{"089999", "66374959"} // fails modulus 10
)

// approvedProvider registers a provider through the record's own service (so every answer
// passes the record's checks) and marks it approved.
func (f *fixture) approvedProvider(legalName, userEmail string, bank bankAccount) *providerOrg {
	f.t.Helper()
	return f.approvedProviderAt(legalName, userEmail, bank, &provider.AddressesAnswers{RegLine1: "1 Oak Lane", RegLine2: "Little Acre",
		RegTown: "Exampleton", RegCounty: "Exampleshire", RegPostcode: "ex1 1aa", CorrespondenceSame: "yes"})
}

// approvedProviderAt is approvedProvider with its own address.
func (f *fixture) approvedProviderAt(legalName, userEmail string, bank bankAccount, address *provider.AddressesAnswers) *providerOrg {
	f.t.Helper()
	var orgID string
	if err := f.db.Get(&orgID, `INSERT INTO organisations (name) VALUES ($1) RETURNING id`, legalName); err != nil {
		f.t.Fatal(err)
	}
	u := f.person(userEmail, "Pat Provider "+legalName, "provider")
	if _, err := f.db.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, u.ID, orgID); err != nil {
		f.t.Fatal(err)
	}
	sections := map[provider.SectionKey]provider.Answers{
		provider.SectionOrganisation: &provider.OrganisationAnswers{LegalName: legalName, TradingName: "Acorn Care", LegalForm: "company", CompaniesHouseNumber: "01234567",
			StartDate: form.DateInput{Day: "1", Month: "4", Year: "2010"}, OperationType: "sme", ServiceCategories: []string{"childrens_homes"}},
		provider.SectionContacts: &provider.ContactsAnswers{KeyContactName: "Kim Key", KeyContactRole: "Director", KeyContactEmail: "kim@" + domainOf(userEmail),
			KeyContactPhone: "07700 900982", Others: []provider.Contact{{Name: "Fin Lead", Role: "Finance lead",
				Email: "fin@" + domainOf(userEmail), Phone: "01632 960 001"}}},
		provider.SectionAddresses: address,
		provider.SectionVAT:       &provider.VATAnswers{Registered: "yes", Number: "GB980780684"},
		provider.SectionBank:      &provider.BankAnswers{AccountName: legalName, SortCode: bank.SortCode, AccountNumber: bank.Account},
	}
	for key, a := range sections {
		def, _ := provider.SectionByKey(string(key))
		if err := f.providers.SaveSection(u.ctx, orgID, def, a, 0); err != nil {
			f.t.Fatalf("save %s: %v", def.Key, err)
		}
	}
	if _, err := f.db.Exec(`UPDATE organisations SET status = 'approved', decided_at = now() WHERE id = $1`, orgID); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE provider_sections SET approved_data = data, completed = true WHERE organisation_id = $1`, orgID); err != nil {
		f.t.Fatal(err)
	}
	return &providerOrg{ID: orgID, User: u}
}

func domainOf(email string) string {
	for i := range email {
		if email[i] == '@' {
			return email[i+1:]
		}
	}
	return email
}

// request is a valid change request to account b.
func request(b bankAccount) finance.ChangeRequest {
	return finance.ChangeRequest{AccountName: "Acorn Fostering Ltd", SortCode: b.SortCode, AccountNumber: b.Account,
		RemittanceEmail: "remittance@new-bank-details.example", Reason: "We moved our account to a new bank",
		Evidence: &finance.Evidence{Filename: "letter.pdf", Content: pdf}}
}

// verified takes a request through a confirmed call by verifier.
func (f *fixture) verify(c *finance.Change, verifier *person) *finance.Change {
	f.t.Helper()
	contacts, err := finance.ContactsOnFile(context.Background(), f.db, c.OrganisationID)
	if err != nil || len(contacts) == 0 {
		f.t.Fatalf("contacts on file: %v %v", contacts, err)
	}
	if err := f.svc.RecordCall(verifier.ctx, c.ID, c.Version, finance.CallInput{NumberUsed: contacts[0].Phone, Outcome: finance.OutcomeConfirmed}); err != nil {
		f.t.Fatalf("record call: %v", err)
	}
	return f.change(c.ID)
}

// activate gives a provider approved details for account b: requested by the provider,
// verified by one finance officer and approved by another.
func (f *fixture) activate(p *providerOrg, b bankAccount, verifier, approver *person) *finance.Change {
	f.t.Helper()
	c, err := f.svc.RequestChange(p.User.ctx, p.ID, request(b))
	if err != nil {
		f.t.Fatalf("request change: %v", err)
	}
	c = f.verify(c, verifier)
	if err := f.svc.Approve(approver.ctx, c.ID, c.Version, f.svc.Today()); err != nil {
		f.t.Fatalf("approve: %v", err)
	}
	return f.change(c.ID)
}

func (f *fixture) change(id string) *finance.Change {
	f.t.Helper()
	c, err := finance.ChangeByID(context.Background(), f.db, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// count runs a COUNT query.
func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.Get(&n, query, args...); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// outbox lists the addresses mail of a kind went to, since a point in time.
func (f *fixture) outbox(kind string, since time.Time) []string {
	f.t.Helper()
	var to []string
	if err := f.db.Select(&to, `SELECT to_address::text FROM outbox WHERE kind = $1 AND created_at >= $2 ORDER BY to_address`, kind, since); err != nil {
		f.t.Fatal(err)
	}
	return to
}
