package seed_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/seed"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
)

func TestMain(m *testing.M) {
	auth.UseArgon2Params(auth.TestArgon2Params)
	dbtest.Main(m)
}

// now is the fixed clock of the tests, so the seeded dates are the same on every run.
var now = time.Date(2026, 3, 16, 11, 30, 0, 0, time.UTC)

func testVault(t *testing.T) *vault.Vault {
	t.Helper()
	v, err := vault.New(map[string][]byte{"test": bytes.Repeat([]byte{9}, vault.KeySize)}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func run(t *testing.T, d *sqlx.DB, v *vault.Vault, o seed.Options) *seed.Summary {
	t.Helper()
	o.Vault, o.Modulus, o.Now = v, ukid.DefaultModulusTable(), func() time.Time { return now }
	sum, err := seed.Run(context.Background(), d, o)
	if err != nil {
		t.Fatalf("seed %+v: %v", o, err)
	}
	return sum
}

// TestSeededRecordsPassTheFormsChecks loads 200 seeded providers back and runs each section's
// own checks on it, with the secrets opened as the services open them: every section must
// pass, and checking must not change what is stored (the values are already normalised).
func TestSeededRecordsPassTheFormsChecks(t *testing.T) {
	t.Parallel()
	d, v := dbtest.New(t), testVault(t)
	sum := run(t, d, v, seed.Options{Providers: 200, Contracts: 60, Seed: 11})
	if sum.Providers != 200 || sum.Rows["organisations"] != 200 || sum.Rows["contracts"] != 60 {
		t.Fatalf("summary %+v", sum)
	}
	checks := provider.Checks{Modulus: ukid.DefaultModulusTable(), Today: quality.DateOf(now), MinEmployersLiabilityPence: provider.MinEmployersLiabilityPence}
	var rows []struct {
		OrgID    string  `db:"organisation_id"`
		Section  string  `db:"section"`
		Data     []byte  `db:"data"`
		Approved []byte  `db:"approved_data"`
		Status   string  `db:"status"`
		Legal    *string `db:"legal_name"`
		Postcode *string `db:"postcode"`
		VAT      *string `db:"vat_number"`
	}
	if err := d.Select(&rows, `SELECT s.organisation_id, s.section, s.data, s.approved_data, o.status, o.legal_name, o.postcode, o.vat_number
		FROM provider_sections s JOIN organisations o ON o.id = s.organisation_id`); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 1500 {
		t.Fatalf("only %d sections for 200 providers", len(rows))
	}
	checked := map[string]int{}
	for _, r := range rows {
		def, ok := provider.SectionByKey(r.Section)
		if !ok {
			t.Fatalf("unknown section %q", r.Section)
		}
		a := def.New()
		if err := json.Unmarshal(r.Data, a); err != nil {
			t.Fatal(err)
		}
		aad := "provider_sections:" + r.OrgID + ":" + r.Section
		switch x := a.(type) {
		case *provider.BankAnswers:
			x.SortCode, x.AccountNumber = open(t, v, x.SortCodeSealed, aad+":sort_code"), open(t, v, x.AccountNumberSealed, aad+":account_number")
			if x.HasRollNumber {
				x.RollNumber = open(t, v, x.RollNumberSealed, aad+":roll_number")
			}
			if x.SortCode[4:] != x.SortCodeLast2 || x.AccountNumber[len(x.AccountNumber)-4:] != x.AccountLast4 {
				t.Errorf("%s: masked digits do not match the sealed account", r.OrgID)
			}
			x.SortCodeSealed, x.AccountNumberSealed, x.RollNumberSealed = "", "", ""
		case *provider.SafeguardingAnswers:
			for i := range x.Staff {
				m := &x.Staff[i]
				m.CertificateNumber = open(t, v, m.CertificateSealed, aad+":staff:"+m.Ref)
				m.CertificateSealed = ""
			}
		}
		if errs := a.Validate(checks); len(errs) > 0 {
			t.Errorf("%s %s (%s) fails its checks: %v\n%s", r.OrgID, r.Section, r.Status, errs, r.Data)
			continue
		}
		// Checking normalises in place: the stored answers must already be in that form.
		if s, ok := a.(provider.Sealer); ok {
			if err := s.Seal(v, aad); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := withoutSealed(t, a), withoutSealed(t, r.Data); !bytes.Equal(got, want) {
			t.Errorf("%s %s changes when checked:\nstored  %s\nchecked %s", r.OrgID, r.Section, want, got)
		}
		if r.Approved != nil && !bytes.Equal(r.Approved, r.Data) && r.Section != string(provider.SectionContacts) {
			t.Errorf("%s %s: the approved answers differ from the working ones outside a pending change", r.OrgID, r.Section)
		}
		switch x := a.(type) {
		case *provider.OrganisationAnswers:
			if r.Legal == nil || *r.Legal != x.LegalName {
				t.Errorf("%s: search column legal_name %v, section %q", r.OrgID, r.Legal, x.LegalName)
			}
		case *provider.AddressesAnswers:
			if r.Postcode == nil || *r.Postcode != x.RegPostcode {
				t.Errorf("%s: search column postcode %v, section %q", r.OrgID, r.Postcode, x.RegPostcode)
			}
		case *provider.VATAnswers:
			if r.VAT == nil || *r.VAT != x.Number {
				t.Errorf("%s: search column vat_number %v, section %q", r.OrgID, r.VAT, x.Number)
			}
		}
		checked[r.Section]++
	}
	if len(checked) != len(provider.Sections) {
		t.Errorf("sections checked: %v", checked)
	}
	checkPaymentDetails(t, d, v)
	checkSpread(t, d)
}

func open(t *testing.T, v *vault.Vault, sealed, aad string) string {
	t.Helper()
	s, err := v.Open(sealed, aad)
	if err != nil {
		t.Fatalf("open %s: %v", aad, err)
	}
	return s
}

// withoutSealed is the JSON of answers with the sealed values (random each time they are
// sealed) taken out.
func withoutSealed(t *testing.T, answers any) []byte {
	t.Helper()
	b, ok := answers.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(answers); err != nil {
			t.Fatal(err)
		}
	}
	var m any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(dropSealed(m))
	return out
}

func dropSealed(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k := range x {
			if len(k) > 7 && k[len(k)-7:] == "_sealed" {
				delete(x, k)
			} else {
				x[k] = dropSealed(x[k])
			}
		}
	case []any:
		for i := range x {
			x[i] = dropSealed(x[i])
		}
	}
	return v
}

// checkPaymentDetails opens every payment details row as finance's export does and checks it
// is the account on the provider's record, and that it passes the modulus check.
func checkPaymentDetails(t *testing.T, d *sqlx.DB, v *vault.Vault) {
	t.Helper()
	var rows []struct {
		ID, OrgID, SortCode, Account, Last4 string
		Bank                                []byte
	}
	err := d.Select(&rows, `SELECT p.id AS id, p.organisation_id AS orgid, p.sort_code_sealed AS sortcode, p.account_number_sealed AS account,
		p.account_last4 AS last4, s.approved_data AS bank FROM payment_details p
		JOIN provider_sections s ON s.organisation_id = p.organisation_id AND s.section = 'bank-details'
		JOIN bank_detail_changes c ON c.payment_details_id = p.id AND c.status = 'approved'`)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 100 {
		t.Fatalf("%d payment details for 200 providers", len(rows))
	}
	// Opened by finance's own service and the provider record's own method: the seeder seals
	// with the same function (vault.SealBankAccount), so what it wrote must open there.
	fin := &finance.Service{DB: d, Vault: v}
	ctx := audit.WithActor(context.Background(), audit.System)
	for _, r := range rows {
		paid, err := fin.RevealDetails(ctx, r.ID, "Checking the seeded payment details open")
		if err != nil {
			t.Fatalf("finance cannot open seeded payment details %s: %v", r.ID, err)
		}
		sort, account := paid.SortCode, paid.AccountNumber
		if err := ukid.DefaultModulusTable().Check(sort, account); err != nil {
			t.Errorf("payment details %s fail the modulus check: %v", r.ID, err)
		}
		var bank provider.BankAnswers
		if err := json.Unmarshal(r.Bank, &bank); err != nil {
			t.Fatal(err)
		}
		onRecord, err := bank.Open(v, r.OrgID)
		if err != nil {
			t.Fatalf("the provider record cannot open its seeded bank details: %v", err)
		}
		if onRecord.AccountNumber != account || onRecord.SortCode != sort || r.Last4 != account[4:] {
			t.Errorf("%s: the record holds account %s, finance pays %s", r.OrgID, onRecord.AccountNumber, account)
		}
	}
}

// checkSpread checks the register looks like a real one: every status and rating present,
// contracts with returns in every state, overdue quality assurance actions.
func checkSpread(t *testing.T, d *sqlx.DB) {
	t.Helper()
	cases := []struct {
		what, query string
		atLeast     int
	}{
		{"statuses", `SELECT count(DISTINCT status) FROM organisations`, 6},
		{"compliance ratings", `SELECT count(DISTINCT rag) FROM provider_compliance`, 3},
		{"providers rated", `SELECT count(*) FROM provider_compliance`, 200},
		{"return states", `SELECT count(DISTINCT status) FROM monitoring_returns`, 4},
		{"late returns", `SELECT count(*) FROM monitoring_returns WHERE status = 'due' AND due_date < '2026-03-16'`, 1},
		{"overdue actions", `SELECT count(*) FROM qa_actions WHERE status IN ('open', 'in_progress') AND due_on < '2026-03-16'`, 1},
		{"Ofsted judgements", `SELECT count(DISTINCT j->>'judgement') FROM provider_sections, jsonb_array_elements(CASE WHEN jsonb_typeof(data->'ofsted') = 'array' THEN data->'ofsted' ELSE '[]' END) j
			WHERE section = 'regulation'`, 4},
		{"insurance expiring within 30 days", `SELECT count(*) FROM provider_policy_expiries WHERE expires_on BETWEEN '2026-03-16' AND '2026-04-15'`, 1},
		{"frameworks", `SELECT count(DISTINCT framework_name) FROM contracts WHERE framework_name <> ''`, 3},
		{"audit events", `SELECT count(*) FROM audit_events`, 300},
		{"payment details linked", `SELECT count(*) FROM bank_detail_changes WHERE status = 'approved' AND payment_details_id IS NOT NULL`, 100},
	}
	for _, tc := range cases {
		var n int
		if err := d.Get(&n, tc.query); err != nil {
			t.Fatalf("%s: %v", tc.what, err)
		}
		if n < tc.atLeast {
			t.Errorf("%s: %d, want at least %d", tc.what, n, tc.atLeast)
		}
	}
	var broken int
	if err := d.Get(&broken, `SELECT count(*) FROM audit_events a JOIN audit_events b ON b.id = a.id - 1 WHERE a.prev_hash IS DISTINCT FROM b.hash`); err != nil {
		t.Fatal(err)
	}
	if broken != 0 {
		t.Errorf("%d audit events do not chain to the one before", broken)
	}
}

// fingerprint digests what a seed decides (ids, names, statuses, answers without their
// sealed values, contracts, returns, visits), leaving out what differs between any two runs:
// ciphertexts (a fresh nonce each time) and the audit trail's times and hashes.
func fingerprint(t *testing.T, d *sqlx.DB, tables ...string) map[string]string {
	t.Helper()
	queries := map[string]string{
		"organisations": `SELECT md5(string_agg(concat_ws('|', id, supplier_ref, name, status, legal_name, postcode, vat_number,
			companies_house_number, ofsted_urns, service_categories, submitted_at, decided_at), ',' ORDER BY id)) FROM organisations`,
		"provider_sections": `SELECT md5(string_agg(concat_ws('|', organisation_id, section, regexp_replace(data::text, '"v1:[^"]*"', '', 'g'),
			completed, pending_review), ',' ORDER BY organisation_id, section)) FROM provider_sections`,
		"contracts": `SELECT md5(string_agg(concat_ws('|', id, reference, organisation_id, procurement_route, framework_name, start_date,
			end_date, status, annual_value_pence), ',' ORDER BY id)) FROM contracts`,
		"monitoring_returns": `SELECT md5(string_agg(concat_ws('|', id, kpi_id, period_start, due_date, status, value), ',' ORDER BY id)) FROM monitoring_returns`,
		"qa_actions":         `SELECT md5(string_agg(concat_ws('|', id, organisation_id, due_on, status), ',' ORDER BY id)) FROM qa_actions`,
	}
	out := map[string]string{}
	for _, table := range tables {
		var s *string
		if err := d.Get(&s, queries[table]); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if s == nil {
			t.Fatalf("%s is empty", table)
		}
		out[table] = *s
	}
	return out
}

// TestSeedIsDeterministic seeds the same providers three ways: in one run, in two runs (the
// second appending), and in one run with another seed. The first two make the same
// providers; the third others. Two runs alike make the same contracts and returns too.
func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	v := testVault(t)
	providers := []string{"organisations", "provider_sections"}
	everything := append(providers, "contracts", "monitoring_returns", "qa_actions")

	one, again, split, other := dbtest.New(t), dbtest.New(t), dbtest.New(t), dbtest.New(t)
	run(t, one, v, seed.Options{Providers: 60, Contracts: 20, Seed: 5})
	run(t, again, v, seed.Options{Providers: 60, Contracts: 20, Seed: 5})
	run(t, split, v, seed.Options{Providers: 35, Contracts: 12, Seed: 5})
	run(t, split, v, seed.Options{Providers: 25, Contracts: 8, Seed: 5, Append: true})
	run(t, other, v, seed.Options{Providers: 60, Contracts: 20, Seed: 6})

	want := fingerprint(t, one, everything...)
	for table, got := range fingerprint(t, again, everything...) {
		if got != want[table] {
			t.Errorf("%s differs between two runs with the same seed", table)
		}
	}
	for table, got := range fingerprint(t, split, providers...) {
		if got != want[table] {
			t.Errorf("%s differs when the same providers are seeded in two runs", table)
		}
	}
	for table, got := range fingerprint(t, other, providers...) {
		if got == want[table] {
			t.Errorf("%s is the same with another seed", table)
		}
	}
}

func TestSeedRefusesADatabaseWithProvidersUnlessAppending(t *testing.T) {
	t.Parallel()
	d, v := dbtest.New(t), testVault(t)
	run(t, d, v, seed.Options{Providers: 10, Seed: 1})
	_, err := seed.Run(context.Background(), d, seed.Options{Providers: 10, Seed: 1, Vault: v, Modulus: ukid.DefaultModulusTable()})
	var notEmpty *seed.NotEmptyError
	if !errors.As(err, &notEmpty) || notEmpty.Providers != 10 {
		t.Fatalf("second run without append: %v", err)
	}
	sum := run(t, d, v, seed.Options{Providers: 15, Contracts: 4, Seed: 1, Append: true})
	if sum.FirstIndex != 10 {
		t.Errorf("appended from index %d, want 10", sum.FirstIndex)
	}
	var n, staff int
	if err := d.Get(&n, `SELECT count(*) FROM organisations`); err != nil || n != 25 {
		t.Errorf("%d providers after appending, want 25 (%v)", n, err)
	}
	if err := d.Get(&staff, `SELECT count(*) FROM users WHERE email LIKE 'seed.%'`); err != nil || staff != 7 {
		t.Errorf("%d seed staff accounts after two runs, want the same 7 (%v)", staff, err)
	}
}

func TestSeedRejectsBadOptions(t *testing.T) {
	t.Parallel()
	v := testVault(t)
	cases := []struct {
		name string
		o    seed.Options
	}{
		{"no providers", seed.Options{Providers: 0, Vault: v, Modulus: ukid.DefaultModulusTable()}},
		{"negative contracts", seed.Options{Providers: 1, Contracts: -1, Vault: v, Modulus: ukid.DefaultModulusTable()}},
		{"no vault", seed.Options{Providers: 1, Modulus: ukid.DefaultModulusTable()}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := seed.Run(context.Background(), nil, tc.o); err == nil {
				t.Error("accepted")
			}
		})
	}
}
