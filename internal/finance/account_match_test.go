package finance_test

import (
	"context"
	"slices"
	"testing"

	"github.com/council/provider-portal/internal/finance"
)

// TestSharedAccountsAndPhonesAreFlagged: a supplier asking for an account another supplier
// is paid into is flagged on both, by a keyed hash kept beside the sealed account (nothing
// is decrypted to compare); so is a phone number on file shared between suppliers. Rows
// from before matching began get their hash in the background.
func TestSharedAccountsAndPhonesAreFlagged(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	finn := f.person("finn@council.example", "Finn Finance", "finance")
	acorn := f.approvedProvider("Acorn Fostering Ltd", "pat@acorn.example", accountA)
	birch := f.approvedProvider("Birch Care Ltd", "sam@birch.example", accountB)
	cedar := f.approvedProvider("Cedar Homes Ltd", "lee@cedar.example", accountC)
	if _, err := f.db.Exec(`UPDATE provider_sections SET data = jsonb_set(data, '{key_contact_phone}', '"01632 960 777"'),
		approved_data = jsonb_set(approved_data, '{key_contact_phone}', '"01632 960 777"'), version = version + 1
		WHERE organisation_id = $1 AND section = 'contacts'`, cedar.ID); err != nil {
		t.Fatal(err)
	}
	f.activate(acorn, accountA, fay, finn)
	if _, err := f.svc.RequestChange(birch.User.ctx, birch.ID, request(accountA)); err != nil {
		t.Fatal(err)
	}

	flags, err := finance.FraudFlags(ctx, f.db, []string{acorn.ID, birch.ID, cedar.ID})
	if err != nil {
		t.Fatal(err)
	}
	has := func(org, kind, ref string) bool {
		return slices.ContainsFunc(flags[org], func(fl finance.FraudFlag) bool { return fl.Kind == kind && fl.SupplierRef == ref })
	}
	refOf := func(id string) string {
		var ref string
		if err := f.db.Get(&ref, `SELECT supplier_ref FROM organisations WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		return ref
	}
	if !has(birch.ID, "account", refOf(acorn.ID)) || !has(acorn.ID, "account", refOf(birch.ID)) {
		t.Errorf("the shared account is not flagged both ways: %+v", flags)
	}
	if !has(acorn.ID, "phone", refOf(birch.ID)) {
		t.Errorf("the shared key contact phone is not flagged: %+v", flags[acorn.ID])
	}
	if slices.ContainsFunc(flags[cedar.ID], func(fl finance.FraudFlag) bool { return fl.Kind == "account" }) {
		t.Errorf("cedar, whose account is its own, is flagged: %+v", flags[cedar.ID])
	}
	if n := f.count(`SELECT count(*) FROM bank_detail_changes WHERE account_match IS NULL`); n != 0 {
		t.Errorf("%d requests without an account hash", n)
	}

	// Rows from before matching began are filled in the background, to the same hash.
	var want []byte
	if err := f.db.Get(&want, `SELECT account_match FROM payment_details WHERE organisation_id = $1 AND status = 'active'`, acorn.ID); err != nil {
		t.Fatal(err)
	}
	f.db.MustExec(`UPDATE payment_details SET account_match = NULL`)
	f.db.MustExec(`UPDATE bank_detail_changes SET account_match = NULL`)
	if n, err := f.svc.FillAccountMatches(ctx, 100); err != nil || n == 0 {
		t.Fatalf("fill: %d, %v", n, err)
	}
	var got []byte
	if err := f.db.Get(&got, `SELECT account_match FROM payment_details WHERE organisation_id = $1 AND status = 'active'`, acorn.ID); err != nil || !slices.Equal(got, want) {
		t.Errorf("filled hash differs from the one written with the details (%v)", err)
	}
	if n, _ := f.svc.FillAccountMatches(ctx, 100); n != 0 {
		t.Errorf("a second fill found %d more", n)
	}
}
