package importer_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/importer/importtest"
	"github.com/council/provider-portal/internal/provider"
)

// finance is finance's service over the fixture's database and vault, as the import uses
// it: it must be able to open everything an import seals.
func (f *fixture) finance() *finance.Service { return f.svc.Finance }

func (f *fixture) orgID(t *testing.T, ref string) string {
	t.Helper()
	var id string
	if err := f.db.Get(&id, `SELECT id FROM organisations WHERE supplier_ref = $1`, ref); err != nil {
		t.Fatal(err)
	}
	return id
}

// financeOfficer is a context for a new finance officer.
func (f *fixture) financeOfficer(t *testing.T, email, name string) context.Context {
	t.Helper()
	var id string
	if err := f.db.Get(&id, `INSERT INTO users (email, name, password_hash, roles) VALUES ($1, $2, 'x', '{finance}') RETURNING id`,
		email, name); err != nil {
		t.Fatal(err)
	}
	return audit.WithActor(context.Background(), audit.Actor{UserID: id, Email: email, Roles: []string{"finance"}})
}

// onlyChange returns the one bank-detail request of a supplier.
func (f *fixture) onlyChange(t *testing.T, ref string) finance.Change {
	t.Helper()
	changes, err := finance.Changes(f.ctx, f.db, finance.ChangeFilter{OrganisationID: f.orgID(t, ref)})
	if err != nil || len(changes) != 1 {
		t.Fatalf("%s: changes %+v (%v), want one", ref, changes, err)
	}
	return changes[0]
}

// TestImportedBankDetailsOpenAPendingRequest imports bank details: they never reach
// payment_details, but each supplier's account opens a request in finance's dual-control
// flow, pending verification, asked for by the officer who imported, with the provider's
// contacts on file emailed. Finance then verifies and approves it as any other request, and
// the officer who imported can do neither.
func TestImportedBankDetailsOpenAPendingRequest(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fin := f.finance()
	rows := f.rows(2)
	rows[1]["roll_number"] = "ROLL/123-45"
	rep := f.run(t, importtest.CSV(rows), importer.Options{})
	if rep.Created != 2 || rep.BankRequests != 2 {
		t.Fatalf("report %+v", rep)
	}
	if n := f.count(t, `SELECT count(*) FROM payment_details`); n != 0 {
		t.Fatalf("an import made %d payment details", n)
	}
	for i, ref := range []string{"IMP00000", "IMP00001"} {
		orgID := f.orgID(t, ref)
		c := f.onlyChange(t, ref)
		if c.Status != finance.StatusPendingVerification || c.Kind != finance.KindInitial || c.RequestedBy == nil ||
			*c.RequestedBy != f.userID || c.RequestedByName != "Olive Officer" || c.EvidenceDocumentID != nil ||
			c.Reason != "Imported from the council's list of existing suppliers" || c.PaymentDetailsID != nil {
			t.Errorf("%s: request %+v", ref, c)
		}
		seen, err := fin.RevealRequested(f.ctx, c.ID, "checking the import")
		if err != nil {
			t.Fatal(err)
		}
		if seen.SortCode != importtest.SortCode || seen.AccountNumber != rows[i]["account_number"] || seen.AccountName != rows[i]["account_name"] ||
			seen.RollNumber != rows[i]["roll_number"] || seen.RemittanceEmail != rows[i]["key_contact_email"] {
			t.Errorf("%s: finance reads the request as %+v", ref, seen.ClearAccount)
		}
		// The record's bank section holds the same account, sealed as the forms seal it.
		rec, err := provider.SectionRecordByKey(f.ctx, f.db, orgID, provider.SectionBank)
		if err != nil || rec == nil {
			t.Fatalf("%s: bank section %v (%v)", ref, rec, err)
		}
		def, _ := provider.SectionByKey(string(provider.SectionBank))
		answers, err := rec.Approved(def)
		if err != nil {
			t.Fatal(err)
		}
		opened, err := answers.(*provider.BankAnswers).Open(f.vault, orgID)
		if err != nil || opened.AccountNumber != rows[i]["account_number"] || opened.RollNumber != rows[i]["roll_number"] {
			t.Errorf("%s: bank section opens as %+v (%v)", ref, opened, err)
		}
		if n := f.count(t, `SELECT count(*) FROM outbox WHERE to_address = $1 AND kind = 'bank_details_change'
			AND subject = 'We will confirm your bank details by phone' AND body LIKE '%' || $2 || '%'`,
			rows[i]["key_contact_email"], rows[i]["account_number"][4:]); n != 1 {
			t.Errorf("%s: %d emails to the key contact about the request", ref, n)
		}
		if n := f.count(t, `SELECT count(*) FROM audit_events WHERE action = 'provider.import.created' AND object_id = $1
			AND summary->>'bank_details' = 'sent to finance for verification' AND summary->>'bank_detail_change_id' = $2`, orgID, c.ID); n != 1 {
			t.Errorf("%s: the creation event does not name the request", ref)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM audit_events WHERE action = 'finance.bank_change.opened_from_import' AND actor_id = $1`, f.userID); n != 2 {
		t.Errorf("%d requests audited as opened by the import", n)
	}
	if res, err := audit.Verify(f.ctx, f.db); err != nil || !res.OK() {
		t.Errorf("audit chain after the import: %+v (%v)", res, err)
	}
	if opened, err := fin.OpenInitialRequests(f.ctx); err != nil || opened != 0 {
		t.Errorf("finance opened %d more verifications (%v)", opened, err)
	}

	// The same file again: the accounts are stored already, so nothing new for finance.
	if rep := f.run(t, importtest.CSV(rows), importer.Options{}); rep.Updated != 2 || rep.BankRequests != 0 {
		t.Fatalf("second report %+v", rep)
	}
	if n := f.count(t, `SELECT count(*) FROM bank_detail_changes`); n != 2 {
		t.Errorf("%d requests after importing the same accounts again", n)
	}

	// Finance's controls apply: the importing officer cannot verify, a finance officer
	// verifies by calling a number on file, and a second one approves.
	c := f.onlyChange(t, "IMP00000")
	contacts, err := finance.ContactsOnFile(f.ctx, f.db, c.OrganisationID)
	if err != nil || len(contacts) == 0 {
		t.Fatalf("contacts on file %v (%v)", contacts, err)
	}
	call := finance.CallInput{NumberUsed: contacts[0].Phone, Outcome: finance.OutcomeConfirmed}
	if err := fin.RecordCall(f.ctx, c.ID, c.Version, call); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("the importing officer verified their own import's request: %v", err)
	}
	verifier, approver := f.financeOfficer(t, "fay@council.example", "Fay Finance"), f.financeOfficer(t, "gil@council.example", "Gil Finance")
	if err := fin.RecordCall(verifier, c.ID, c.Version, call); err != nil {
		t.Fatal(err)
	}
	c = f.onlyChange(t, "IMP00000")
	if err := fin.Approve(approver, c.ID, c.Version, fin.Today()); err != nil {
		t.Fatal(err)
	}
	active, err := finance.ActiveDetails(f.ctx, f.db, c.OrganisationID)
	if err != nil || active == nil || active.VerifiedByName != "Fay Finance" || active.ApprovedByName != "Gil Finance" {
		t.Fatalf("active details %+v (%v)", active, err)
	}
	seen, err := fin.RevealDetails(f.ctx, active.ID, "checking the import")
	if err != nil || seen.AccountNumber != rows[0]["account_number"] {
		t.Errorf("approved details %+v (%v)", seen, err)
	}
	if res, err := audit.Verify(f.ctx, f.db); err != nil || !res.OK() {
		t.Errorf("audit chain after approval: %+v (%v)", res, err)
	}
}

// TestBankDetailsUnderFinanceControl refuses a change to bank details finance has approved
// or is verifying: that is what finance's change control is for. Once finance has closed a
// request without approving it, an import may open a new one.
func TestBankDetailsUnderFinanceControl(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	fin := f.finance()
	rows := f.rows(2)
	if rep := f.run(t, importtest.CSV(rows), importer.Options{}); rep.Created != 2 {
		t.Fatalf("report %+v", rep)
	}
	// The first supplier's request is verified and approved; the second's stays open.
	verifier, approver := f.financeOfficer(t, "fay@council.example", "Fay Finance"), f.financeOfficer(t, "gil@council.example", "Gil Finance")
	c := f.onlyChange(t, "IMP00000")
	contacts, err := finance.ContactsOnFile(f.ctx, f.db, c.OrganisationID)
	if err != nil || len(contacts) == 0 {
		t.Fatalf("contacts on file %v (%v)", contacts, err)
	}
	if err := fin.RecordCall(verifier, c.ID, c.Version, finance.CallInput{NumberUsed: contacts[0].Phone, Outcome: finance.OutcomeConfirmed}); err != nil {
		t.Fatal(err)
	}
	c = f.onlyChange(t, "IMP00000")
	if err := fin.Approve(approver, c.ID, c.Version, fin.Today()); err != nil {
		t.Fatal(err)
	}

	// The same accounts again: nothing to change, so nothing to refuse.
	if rep := f.run(t, importtest.CSV(rows), importer.Options{}); !rep.OK() || rep.Updated != 2 || rep.BankRequests != 0 {
		t.Fatalf("same accounts: %+v", rep)
	}
	changed := f.rows(2)
	changed[0]["account_number"] = importtest.AccountNumber(600)
	changed[1]["account_number"] = importtest.AccountNumber(601)
	rep := f.run(t, importtest.CSV(changed), importer.Options{Mode: importer.ValidOnly})
	want := "These bank details differ from the ones finance has verified or is verifying. Finance changes them through a bank details change"
	for _, r := range rep.Rows {
		if r.Errors["account_number"] != want || len(r.Errors) != 1 {
			t.Errorf("row %d errors %v", r.Row, r.Errors)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM bank_detail_changes`); n != 2 {
		t.Errorf("%d requests after refused changes, want 2", n)
	}

	// Finance rejects the second request; a new account can then be imported, and waits
	// for verification like the first.
	open := f.onlyChange(t, "IMP00001")
	if err := fin.Reject(verifier, open.ID, open.Version, "The contact did not recognise the account"); err != nil {
		t.Fatal(err)
	}
	rep = f.run(t, importtest.CSV(changed[1:]), importer.Options{})
	if !rep.OK() || rep.Updated != 1 || rep.BankRequests != 1 {
		t.Fatalf("after rejection: %+v", rep)
	}
	changes, err := finance.Changes(f.ctx, f.db, finance.ChangeFilter{OrganisationID: f.orgID(t, "IMP00001"), Open: true})
	if err != nil || len(changes) != 1 || changes[0].Status != finance.StatusPendingVerification {
		t.Fatalf("open requests %+v (%v)", changes, err)
	}
	seen, err := fin.RevealRequested(f.ctx, changes[0].ID, "checking the import")
	if err != nil || seen.AccountNumber != changed[1]["account_number"] {
		t.Errorf("new request %+v (%v)", seen, err)
	}
	if n := f.count(t, `SELECT count(*) FROM payment_details`); n != 1 {
		t.Errorf("%d payment details, want only the one finance approved", n)
	}
}

// TestRowsFinanceWouldRefuseAreReported reports, on its row, an account finance's checks
// refuse (a roll number with characters no building society uses), and writes nothing.
func TestRowsFinanceWouldRefuseAreReported(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rows := f.rows(2)
	rows[1]["roll_number"] = "ROLL_123"
	for _, dry := range []bool{true, false} {
		rep := f.run(t, importtest.CSV(rows), importer.Options{DryRun: dry})
		failed := rep.FailedRows()
		if rep.Committed || len(failed) != 1 || failed[0].Row != 3 || len(failed[0].Errors) != 1 || failed[0].Errors["roll_number"] == "" {
			t.Errorf("dry run %v: report %+v, failed %+v", dry, rep, failed)
		}
	}
	for _, table := range []string{"organisations", "bank_detail_changes", "payment_details"} {
		if n := f.count(t, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%d rows in %s", n, table)
		}
	}
}

// TestBankDetailsNeedFinance: an import service with no finance service to send bank details
// to refuses to import them rather than store them where finance would never see them.
func TestBankDetailsNeedFinance(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.svc.Finance = nil
	if _, err := f.svc.Run(f.ctx, bytes.NewReader(importtest.CSV(f.rows(1))), importer.Options{Format: importer.CSV}); err == nil {
		t.Fatal("bank details imported with no finance service")
	}
	if n := f.count(t, `SELECT count(*) FROM organisations`); n != 0 {
		t.Errorf("%d organisations written", n)
	}
}

// TestImportFlagsSharedAccounts: two rows giving one account, or one phone number, are
// imported as requests, and the report tells finance to check them before verifying.
func TestImportFlagsSharedAccounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rows := f.rows(3)
	rows[2]["sort_code"], rows[2]["account_number"] = rows[0]["sort_code"], rows[0]["account_number"]
	rows[0]["key_contact_phone"], rows[1]["key_contact_phone"], rows[2]["key_contact_phone"] = "01632 960 101", "01632 960 202", "+44 1632 960 202"
	rep := f.run(t, importtest.CSV(rows), importer.Options{})
	if rep.Created != 3 || rep.BankRequests != 3 {
		t.Fatalf("report %+v", rep)
	}
	for i, want := range []struct{ account, phone bool }{{true, false}, {false, true}, {true, true}} {
		account, phone := false, false
		for _, w := range rep.Rows[i].Warnings {
			account = account || strings.Contains(w, "same sort code and account number")
			phone = phone || strings.Contains(w, "phone number")
		}
		if account != want.account || phone != want.phone {
			t.Errorf("row %d warned of a shared account %v and phone %v, want %v and %v: %v", rep.Rows[i].Row, account, phone,
				want.account, want.phone, rep.Rows[i].Warnings)
		}
	}
}
