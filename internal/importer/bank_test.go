package importer_test

import (
	"net/url"
	"testing"

	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/importer/importtest"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
)

// finance is finance's service over the fixture's database and vault: it must be able to
// open everything an import seals.
func (f *fixture) finance() *finance.Service {
	base, _ := url.Parse("https://portal.example.gov.uk")
	providers := &provider.Service{DB: f.db, Vault: f.vault, Checks: func() provider.Checks { return f.checks }, BaseURL: base}
	return &finance.Service{DB: f.db, Vault: f.vault, Providers: providers, Modulus: ukid.DefaultModulusTable(),
		Documents: document.PostgresStore{}, BaseURL: base, CouncilPhone: "01632 960 000"}
}

func (f *fixture) orgID(t *testing.T, ref string) string {
	t.Helper()
	var id string
	if err := f.db.Get(&id, `SELECT id FROM organisations WHERE supplier_ref = $1`, ref); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestBankDetailsNotVerifiedGoToFinance imports bank details without the operator's
// confirmation: they are the record's, and finance verifies them as it does a registration's.
func TestBankDetailsNotVerifiedGoToFinance(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rows := f.rows(1)
	if rep := f.run(t, importtest.CSV(rows), importer.Options{}); rep.Created != 1 {
		t.Fatalf("report %+v", rep)
	}
	if n := f.count(t, `SELECT count(*) FROM payment_details`) + f.count(t, `SELECT count(*) FROM bank_detail_changes`); n != 0 {
		t.Fatalf("unconfirmed bank details became payment details or a change (%d rows)", n)
	}
	orgID := f.orgID(t, "IMP00000")
	fin := f.finance()
	if opened, err := fin.OpenInitialRequests(f.ctx); err != nil || opened != 1 {
		t.Fatalf("finance opened %d verifications (%v)", opened, err)
	}
	changes, err := finance.Changes(f.ctx, f.db, finance.ChangeFilter{OrganisationID: orgID})
	if err != nil || len(changes) != 1 {
		t.Fatalf("changes %v (%v)", changes, err)
	}
	seen, err := fin.RevealRequested(f.ctx, changes[0].ID, "checking the import")
	if err != nil {
		t.Fatal(err)
	}
	if seen.SortCode != importtest.SortCode || seen.AccountNumber != rows[0]["account_number"] || seen.AccountName != rows[0]["account_name"] ||
		seen.RemittanceEmail != rows[0]["key_contact_email"] {
		t.Errorf("finance read the imported account as %+v", seen.ClearAccount)
	}
	if changes[0].Status != finance.StatusPendingVerification {
		t.Errorf("status %s", changes[0].Status)
	}
}

// TestBankDetailsVerifiedBySource imports bank details the operator confirms come from the
// finance system of record: they are active verified payment details at once, audited with
// who confirmed them; importing them again changes nothing, and a new account supersedes them.
func TestBankDetailsVerifiedBySource(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fin := f.finance()
	rows := f.rows(2)
	rows[1]["roll_number"] = "ROLL/123-45"
	if rep := f.run(t, importtest.CSV(rows), importer.Options{BankVerified: true}); rep.Created != 2 {
		t.Fatalf("report %+v", rep)
	}
	for i, ref := range []string{"IMP00000", "IMP00001"} {
		active, err := finance.ActiveDetails(f.ctx, f.db, f.orgID(t, ref))
		if err != nil || active == nil {
			t.Fatalf("%s: no active payment details (%v)", ref, err)
		}
		if active.HoldUntil != nil || active.EffectiveFrom.Format("2006-01-02") != f.today.Format("2006-01-02") ||
			active.VerifiedByName != "Finance system of record (import)" || active.ApprovedByName != "Olive Officer" {
			t.Errorf("%s: details %+v", ref, active)
		}
		seen, err := fin.RevealDetails(f.ctx, active.ID, "checking the import")
		if err != nil {
			t.Fatal(err)
		}
		if seen.SortCode != importtest.SortCode || seen.AccountNumber != rows[i]["account_number"] || seen.RollNumber != rows[i]["roll_number"] {
			t.Errorf("%s: finance reads %+v", ref, seen.ClearAccount)
		}
		change, err := finance.ChangeByID(f.ctx, f.db, active.ChangeID)
		if err != nil || change.Status != finance.StatusApproved || change.Kind != finance.KindInitial {
			t.Fatalf("%s: change %+v (%v)", ref, change, err)
		}
		if _, err := fin.RevealRequested(f.ctx, change.ID, "checking the import"); err != nil {
			t.Errorf("%s: the change's account does not open: %v", ref, err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM audit_events WHERE action = 'finance.bank_details.imported_as_verified'
		AND actor_id = $1 AND summary->>'confirmed_by' = 'Olive Officer' AND summary->>'source' = 'finance system of record'`, f.userID); n != 2 {
		t.Errorf("%d verified bank details audited", n)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_events WHERE action = 'provider_import.imported'
		AND summary->>'bank_details_source' = 'finance system of record'`); n != 1 {
		t.Error("the run does not record the operator's confirmation")
	}
	if opened, err := fin.OpenInitialRequests(f.ctx); err != nil || opened != 0 {
		t.Errorf("finance opened %d verifications of verified details (%v)", opened, err)
	}

	// The same file again: nothing new for finance.
	if rep := f.run(t, importtest.CSV(rows), importer.Options{BankVerified: true}); rep.Updated != 2 {
		t.Fatalf("second report %+v", rep)
	}
	if n := f.count(t, `SELECT count(*) FROM payment_details`); n != 2 {
		t.Errorf("%d payment details after importing the same accounts again", n)
	}

	// A new account from the system of record replaces the old one.
	rows[0]["account_number"] = importtest.AccountNumber(500)
	if rep := f.run(t, importtest.CSV(rows), importer.Options{BankVerified: true}); rep.Updated != 2 {
		t.Fatalf("third report %+v", rep)
	}
	history, err := finance.DetailsHistory(f.ctx, f.db, f.orgID(t, "IMP00000"))
	if err != nil || len(history) != 2 {
		t.Fatalf("history %v (%v)", history, err)
	}
	active, _ := finance.ActiveDetails(f.ctx, f.db, f.orgID(t, "IMP00000"))
	seen, err := fin.RevealDetails(f.ctx, active.ID, "checking the import")
	if err != nil || seen.AccountNumber != rows[0]["account_number"] {
		t.Errorf("active account %v (%v)", seen, err)
	}
	if n := f.count(t, `SELECT count(*) FROM payment_details WHERE status = 'superseded'`); n != 1 {
		t.Errorf("%d superseded details", n)
	}
}

// TestBankDetailsUnderFinanceControl refuses, without the operator's confirmation, a change
// to bank details finance has verified or is verifying: that is what finance's change
// control is for.
func TestBankDetailsUnderFinanceControl(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rows := f.rows(2)
	if rep := f.run(t, importtest.CSV(rows[:1]), importer.Options{BankVerified: true}); rep.Created != 1 {
		t.Fatalf("report %+v", rep)
	}
	if rep := f.run(t, importtest.CSV(rows[1:]), importer.Options{}); rep.Created != 1 {
		t.Fatalf("report %+v", rep)
	}
	if _, err := f.finance().OpenInitialRequest(f.ctx, f.orgID(t, "IMP00001")); err != nil {
		t.Fatal(err)
	}

	// The same accounts again, unconfirmed: nothing to change, so nothing to refuse.
	if rep := f.run(t, importtest.CSV(rows), importer.Options{}); !rep.OK() || rep.Updated != 2 {
		t.Fatalf("same accounts: %+v", rep)
	}
	changed := f.rows(2)
	changed[0]["account_number"] = importtest.AccountNumber(600)
	changed[1]["account_number"] = importtest.AccountNumber(601)
	rep := f.run(t, importtest.CSV(changed), importer.Options{Mode: importer.ValidOnly})
	want := "These bank details differ from the ones finance has verified or is verifying. Finance changes them through a bank details change, or import them as verified from the finance system of record"
	for _, r := range rep.Rows {
		if r.Errors["account_number"] != want || len(r.Errors) != 1 {
			t.Errorf("row %d errors %v", r.Row, r.Errors)
		}
	}
	// Confirmed as from the system of record, the verified one changes; the one finance is
	// still verifying waits for finance's decision.
	rep = f.run(t, importtest.CSV(changed), importer.Options{Mode: importer.ValidOnly, BankVerified: true})
	if rep.Updated != 1 || rep.Rows[0].Failed() ||
		rep.Rows[1].Errors["account_number"] != "A change to this supplier's bank details is waiting for finance to verify it. Finance must decide it before bank details can be imported" {
		t.Errorf("confirmed: %+v", rep)
	}
}
