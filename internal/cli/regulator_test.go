package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// regulatorProvider makes a provider whose approved record says its home SC111111 was judged
// good, with an active contract managed by an officer.
func regulatorProvider(t *testing.T, d *sqlx.DB) string {
	t.Helper()
	var org, manager string
	if err := d.Get(&org, `INSERT INTO organisations (name, status) VALUES ('Harbour Homes Limited', 'approved') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := d.Get(&manager, `INSERT INTO users (email, name, password_hash, roles) VALUES ('mina@council.example', 'Mina Manager', 'x', ARRAY['officer']) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	judged := time.Date(2025, time.May, 1, 0, 0, 0, 0, time.UTC)
	js, err := json.Marshal(&provider.RegulationAnswers{OfstedRegistered: "yes", CQCRegistered: "no",
		Ofsted: []provider.OfstedRegistration{{URN: "SC111111", Judgement: "good", JudgementDate: form.DateInputOf(&judged)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed) VALUES ($1, 'regulation', $2, $2, true)`, org, string(js)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(`INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, start_date, end_date,
		total_value_pence, annual_value_pence, manager_id, status) VALUES ('C-1', 'Residential placements', $1, 'childrens_homes', 'spot', '2025-01-01', '2030-01-01',
		100000000, 50000000, $2, 'active')`, org, manager); err != nil {
		t.Fatal(err)
	}
	return org
}

// TestRegulatorImportCommand: the operator's dry run prints the fall and changes nothing;
// the import records it, emails the contract manager and turns the provider's RAG red.
func TestRegulatorImportCommand(t *testing.T) {
	t.Parallel()
	env, d := portalEnv(t)
	org := regulatorProvider(t, d)
	file := "../regulator/testdata/ofsted_providers_inspections.csv"

	res := run(t, env, nil, "regulator", "import", "--source", "ofsted", file, "--dry-run")
	if res.code != 0 || !strings.Contains(res.stdout, "Ratings that fell: 1") || !strings.Contains(res.stdout, "SC111111 (Harbour Homes Limited): Inadequate") {
		t.Fatalf("dry run: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := d.Get(&n, q); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT (SELECT count(*) FROM regulator_imports) + (SELECT count(*) FROM regulator_judgements) + (SELECT count(*) FROM outbox)`); n != 0 {
		t.Fatalf("the dry run wrote %d rows", n)
	}

	res = run(t, env, nil, "regulator", "import", "--source", "ofsted", file)
	if res.code != 0 || !strings.Contains(res.stdout, "Changed: 1 judgement\n") {
		t.Fatalf("import: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if n := count(`SELECT count(*) FROM outbox WHERE kind = 'regulator_rating_fell' AND to_address = 'mina@council.example'`); n != 1 {
		t.Errorf("%d emails to the manager", n)
	}
	var rag string
	if err := d.Get(&rag, `SELECT rag FROM provider_compliance WHERE organisation_id = $1`, org); err != nil || rag != "red" {
		t.Errorf("RAG %q, %v", rag, err)
	}

	if res := run(t, env, nil, "regulator", "import", file); res.code != 2 || !strings.Contains(res.stderr, "--source") {
		t.Errorf("no source: exit %d, %s", res.code, res.stderr)
	}
}
