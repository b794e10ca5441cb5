package provider_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
)

// importFixture is the provider service on a fresh database and an officer importing.
type importFixture struct {
	db     *sqlx.DB
	vault  *vault.Vault
	svc    *provider.Service
	ctx    context.Context
	checks provider.Checks
}

func newImportFixture(t *testing.T) *importFixture {
	t.Helper()
	d := dbtest.New(t)
	v, err := vault.ParseKeys("test:" + vault.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://portal.example.gov.uk")
	checksOf := provider.ChecksWith(ukid.DefaultModulusTable())
	var userID string
	if err := d.Get(&userID, `INSERT INTO users (email, name, password_hash, roles)
		VALUES ('olive@council.example', 'Olive Officer', 'x', '{officer}') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: userID, Email: "olive@council.example", Roles: []string{"officer"}})
	return &importFixture{db: d, vault: v, svc: &provider.Service{DB: d, Vault: v, Checks: checksOf, BaseURL: base}, ctx: ctx, checks: checksOf()}
}

// write runs WriteImported in a transaction of its own.
func (f *importFixture) write(t *testing.T, suppliers []provider.ImportedSupplier) error {
	t.Helper()
	tx, err := f.db.BeginTxx(f.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := f.svc.WriteImported(f.ctx, tx, f.checks, suppliers); err != nil {
		return err
	}
	return tx.Commit()
}

// importedSupplier is a supplier as an import would give it: organisation, contacts,
// addresses and bank details.
func importedSupplier(ref, legalName, phone, account string) provider.ImportedSupplier {
	return provider.ImportedSupplier{SupplierRef: ref, Sections: []provider.ImportedSection{
		{Key: provider.SectionOrganisation, Overlay: func(a provider.Answers) {
			o := a.(*provider.OrganisationAnswers)
			o.LegalName, o.TradingName, o.LegalForm, o.CompaniesHouseNumber = legalName, "Trading "+legalName, "company", "01234567"
		}},
		{Key: provider.SectionContacts, Overlay: func(a provider.Answers) {
			c := a.(*provider.ContactsAnswers)
			c.KeyContactName, c.KeyContactEmail, c.KeyContactPhone = "Kim Key", "kim@"+strings.ToLower(ref)+".example", phone
		}},
		{Key: provider.SectionAddresses, Overlay: func(a provider.Answers) {
			ad := a.(*provider.AddressesAnswers)
			ad.RegLine1, ad.RegTown, ad.RegPostcode, ad.CorrespondenceSame = "1 Oak Lane", "Northampton", "nn1 1aa", "yes"
		}},
		{Key: provider.SectionBank, Overlay: func(a provider.Answers) {
			b := a.(*provider.BankAnswers)
			b.AccountName, b.SortCode, b.AccountNumber, b.RollNumber = legalName, "089999", account, "ROLL/1"
		}},
	}}
}

// TestWriteImportedCreatesApprovedRecords creates suppliers under the record's rules: approved
// with a status history entry, searchable columns copied, the bank section sealed so that it
// opens for its own organisation only, and the portal's reference series moved past an
// imported reference in it.
func TestWriteImportedCreatesApprovedRecords(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	suppliers := []provider.ImportedSupplier{
		importedSupplier("SUP7000", "Alder Care Ltd", "01632 960 001", "66374958"),
		importedSupplier("IMP00001", "Birch Care Ltd", "01632 960 002", "66374958"),
	}
	if err := f.write(t, suppliers); err != nil {
		t.Fatal(err)
	}
	for _, sup := range suppliers {
		if !sup.Created || sup.ID == "" {
			t.Fatalf("%s: created %v id %q", sup.SupplierRef, sup.Created, sup.ID)
		}
		var org struct {
			Name     string `db:"name"`
			Legal    string `db:"legal_name"`
			Trading  string `db:"trading_name"`
			Postcode string `db:"postcode"`
			Company  string `db:"companies_house_number"`
			Status   string `db:"status"`
			Decided  bool   `db:"decided"`
			Imported bool   `db:"imported"`
		}
		if err := f.db.Get(&org, `SELECT name, legal_name, trading_name, postcode, companies_house_number, status,
			decided_at IS NOT NULL AS decided, imported_at IS NOT NULL AS imported FROM organisations WHERE id = $1`, sup.ID); err != nil {
			t.Fatal(err)
		}
		legal := sup.Approved[provider.SectionOrganisation].(*provider.OrganisationAnswers).LegalName
		if org.Name != legal || org.Legal != legal || org.Trading != "Trading "+legal || org.Postcode != "NN1 1AA" ||
			org.Company != "01234567" || org.Status != "approved" || !org.Decided || !org.Imported {
			t.Errorf("%s: organisation %+v", sup.SupplierRef, org)
		}
		history, err := provider.History(f.ctx, f.db, sup.ID)
		if err != nil || len(history) != 1 || history[0].From != nil || history[0].To != provider.StatusApproved ||
			history[0].Reason != provider.ImportedStatusReason || history[0].ByName != "Olive Officer" {
			t.Errorf("%s: history %+v (%v)", sup.SupplierRef, history, err)
		}
		recs, err := provider.SectionRecords(f.ctx, f.db, sup.ID)
		if err != nil || len(recs) != 4 {
			t.Fatalf("%s: sections %v (%v)", sup.SupplierRef, recs, err)
		}
		for key, rec := range recs {
			if string(rec.Data) != string(rec.ApprovedData) || rec.PendingReview || rec.Version != 1 {
				t.Errorf("%s %s: not in force as imported: %+v", sup.SupplierRef, key, rec)
			}
		}
		if !recs[provider.SectionAddresses].Completed || !recs[provider.SectionBank].Completed || recs[provider.SectionContacts].Completed {
			t.Errorf("%s: completed addresses %v bank %v contacts %v (the contacts' role is not given)", sup.SupplierRef,
				recs[provider.SectionAddresses].Completed, recs[provider.SectionBank].Completed, recs[provider.SectionContacts].Completed)
		}
		bank := recs[provider.SectionBank]
		if strings.Contains(string(bank.ApprovedData), "66374958") || strings.Contains(string(bank.ApprovedData), "ROLL/1") {
			t.Errorf("%s: bank details stored in clear: %s", sup.SupplierRef, bank.ApprovedData)
		}
		var stored provider.BankAnswers
		if err := json.Unmarshal(bank.ApprovedData, &stored); err != nil {
			t.Fatal(err)
		}
		opened, err := stored.Open(f.vault, sup.ID)
		if err != nil || opened.SortCode != "089999" || opened.AccountNumber != "66374958" || opened.RollNumber != "ROLL/1" {
			t.Errorf("%s: bank section opens as %+v (%v)", sup.SupplierRef, opened, err)
		}
		if stored.AccountLast4 != "4958" || stored.SortCodeLast2 != "99" || stored.ModulusVersion == "" {
			t.Errorf("%s: masked digits %+v", sup.SupplierRef, stored)
		}
		if a := sup.Approved[provider.SectionBank].(*provider.BankAnswers); a.AccountNumber != "" || a.AccountNumberSealed == "" {
			t.Errorf("%s: the answers handed back are not sealed: %+v", sup.SupplierRef, a)
		}
	}
	// A sealed section copied to the other supplier does not open there.
	var first provider.BankAnswers
	rec, _ := provider.SectionRecordByKey(f.ctx, f.db, suppliers[0].ID, provider.SectionBank)
	_ = json.Unmarshal(rec.ApprovedData, &first)
	if _, err := first.Open(f.vault, suppliers[1].ID); err == nil {
		t.Error("one supplier's sealed bank details open for another")
	}
	var ref string
	if err := f.db.Get(&ref, `INSERT INTO organisations (name) VALUES ('Registered Ltd') RETURNING supplier_ref`); err != nil {
		t.Fatal(err)
	}
	if ref != "SUP7001" {
		t.Errorf("the next registration got %s, want SUP7001", ref)
	}
}

// TestWriteImportedUpdates updates a record: the answers in force take the import's values, a
// change the provider made since approval keeps waiting and takes them too, a section the
// import leaves as it was keeps its version, and no status changes.
func TestWriteImportedUpdates(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	first := []provider.ImportedSupplier{importedSupplier("IMP00001", "Alder Care Ltd", "01632 960 001", "66374958")}
	if err := f.write(t, first); err != nil {
		t.Fatal(err)
	}
	id := first[0].ID
	// The provider has since changed their contacts, waiting for review.
	if _, err := f.db.Exec(`UPDATE provider_sections SET data = data || '{"key_contact_role": "Director"}', pending_review = true,
		completed = false, version = version + 1 WHERE organisation_id = $1 AND section = 'contacts'`, id); err != nil {
		t.Fatal(err)
	}
	again := importedSupplier("IMP00001", "Alder Care Group Ltd", "01632 960 099", "66374958")
	again.ID = id
	again.Sections = again.Sections[:3] // no bank details this time
	second := []provider.ImportedSupplier{again}
	if err := f.write(t, second); err != nil {
		t.Fatal(err)
	}
	if second[0].Created || second[0].ID != id {
		t.Fatalf("update created a supplier: %+v", second[0])
	}
	recs, err := provider.SectionRecords(f.ctx, f.db, id)
	if err != nil {
		t.Fatal(err)
	}
	contacts := recs[provider.SectionContacts]
	var working, approved provider.ContactsAnswers
	_ = json.Unmarshal(contacts.Data, &working)
	_ = json.Unmarshal(contacts.ApprovedData, &approved)
	if !contacts.PendingReview || contacts.Completed || contacts.Version != 3 {
		t.Errorf("contacts state %+v", contacts)
	}
	if approved.KeyContactPhone != "01632960099" || approved.KeyContactRole != "" ||
		working.KeyContactPhone != "01632960099" || working.KeyContactRole != "Director" {
		t.Errorf("contacts in force %+v, waiting %+v", approved, working)
	}
	if v := recs[provider.SectionAddresses].Version; v != 1 {
		t.Errorf("an unchanged section was rewritten: version %d", v)
	}
	if v := recs[provider.SectionOrganisation].Version; v != 2 {
		t.Errorf("organisation section version %d, want 2", v)
	}
	if v := recs[provider.SectionBank].Version; v != 1 {
		t.Errorf("the bank section, not given, was rewritten: version %d", v)
	}
	var org struct {
		Legal   string `db:"legal_name"`
		Updated bool   `db:"updated"`
	}
	if err := f.db.Get(&org, `SELECT legal_name, import_updated_at IS NOT NULL AS updated FROM organisations WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if org.Legal != "Alder Care Group Ltd" || !org.Updated {
		t.Errorf("organisation %+v", org)
	}
	if history, err := provider.History(f.ctx, f.db, id); err != nil || len(history) != 1 {
		t.Errorf("history after an update %+v (%v)", history, err)
	}
}

// TestWriteImportedRefusesARegisteredProvider: a record a provider made by registering is
// theirs; an import that names it changes nothing.
func TestWriteImportedRefusesARegisteredProvider(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	var id string
	if err := f.db.Get(&id, `INSERT INTO organisations (name, status) VALUES ('Registered Ltd', 'approved') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	sup := importedSupplier("SUP1000", "Changed Ltd", "01632 960 001", "66374958")
	sup.ID = id
	if err := f.write(t, []provider.ImportedSupplier{sup}); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("WriteImported on a registered provider: %v, want a conflict", err)
	}
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM provider_sections`); err != nil || n != 0 {
		t.Errorf("%d sections written (%v)", n, err)
	}
}

// TestSuppliersByRef finds records by reference, says which an import made, and hands back
// the bank section in force, sealed.
func TestSuppliersByRef(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	imported := []provider.ImportedSupplier{importedSupplier("IMP00001", "Alder Care Ltd", "01632 960 001", "66374958")}
	if err := f.write(t, imported); err != nil {
		t.Fatal(err)
	}
	var registered string
	if err := f.db.Get(&registered, `INSERT INTO organisations (name) VALUES ('Registered Ltd') RETURNING supplier_ref`); err != nil {
		t.Fatal(err)
	}
	found, err := provider.SuppliersByRef(f.ctx, f.db, []string{"IMP00001", registered, "NOPE"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 || found["NOPE"] != nil {
		t.Fatalf("found %v", found)
	}
	e := found["IMP00001"]
	if e.ID != imported[0].ID || !e.Imported || e.Bank == nil {
		t.Fatalf("imported supplier %+v", e)
	}
	if a, err := e.Bank.Open(f.vault, e.ID); err != nil || a.AccountNumber != "66374958" {
		t.Errorf("bank section opens as %+v (%v)", a, err)
	}
	if r := found[registered]; r.Imported || r.Bank != nil {
		t.Errorf("registered supplier %+v", r)
	}
}

// TestRecipientsOf gives, for many organisations at once, what Recipients gives for each.
func TestRecipientsOf(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	suppliers := []provider.ImportedSupplier{
		importedSupplier("IMP00001", "Alder Care Ltd", "01632 960 001", "66374958"),
		importedSupplier("IMP00002", "Birch Care Ltd", "01632 960 002", "66374958"),
	}
	if err := f.write(t, suppliers); err != nil {
		t.Fatal(err)
	}
	var userID string
	if err := f.db.Get(&userID, `INSERT INTO users (email, name, password_hash, roles) VALUES ('Pat@Alder.example', 'Pat', 'x', '{provider}') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, userID, suppliers[0].ID); err != nil {
		t.Fatal(err)
	}
	var empty string
	if err := f.db.Get(&empty, `INSERT INTO organisations (name) VALUES ('Nobody Ltd') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	ids := []string{suppliers[0].ID, suppliers[1].ID, empty}
	all, err := provider.RecipientsOf(f.ctx, f.db, ids)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := all[empty]; ok || len(all) != 2 {
		t.Errorf("recipients %v", all)
	}
	for _, id := range ids[:2] {
		one, err := provider.Recipients(f.ctx, f.db, id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(all[id], one) {
			t.Errorf("%s: RecipientsOf %v, Recipients %v", id, all[id], one)
		}
	}
	if want := []string{"kim@imp00001.example", "pat@alder.example"}; !slices.Equal(all[suppliers[0].ID], want) {
		t.Errorf("recipients %v, want %v", all[suppliers[0].ID], want)
	}
}
