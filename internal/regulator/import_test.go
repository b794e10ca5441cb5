package regulator_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/regulator"
	"github.com/jmoiron/sqlx"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var today = time.Date(2026, time.December, 7, 0, 0, 0, 0, time.UTC)

type world struct {
	DB      *sqlx.DB
	Svc     *regulator.Service
	Ctx     context.Context
	Harbour string // SC111111 (self-declared good) and CQC location 1-101111111 (good)
	Bright  string // SC222222, self-declared good
	Manager string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{DB: dbtest.New(t)}
	w.Svc = &regulator.Service{DB: w.DB, Refresh: quality.RefreshProvider, Now: func() time.Time { return today.Add(12 * time.Hour) }}
	officer := w.user(t, "olive@council.example", "Olive Officer")
	w.Manager = w.user(t, "mina@council.example", "Mina Manager")
	w.Ctx = audit.WithActor(context.Background(), audit.Actor{UserID: officer, Email: "olive@council.example", Roles: []string{"officer"}})
	judged := time.Date(2025, time.May, 1, 0, 0, 0, 0, time.UTC)
	w.Harbour = w.provider(t, "Harbour Homes Limited", &provider.RegulationAnswers{
		OfstedRegistered: "yes", Ofsted: []provider.OfstedRegistration{{URN: "SC111111", Judgement: "good", JudgementDate: form.DateInputOf(&judged)}},
		CQCRegistered: "yes", CQCProviderID: "1-100000001",
		CQCLocations: []provider.CQCLocation{{LocationID: "1-101111111", Rating: "good", RatingDate: form.DateInputOf(&judged)}}})
	w.Bright = w.provider(t, "Brightways Fostering", &provider.RegulationAnswers{
		OfstedRegistered: "yes", Ofsted: []provider.OfstedRegistration{{URN: "SC222222", Judgement: "good", JudgementDate: form.DateInputOf(&judged)}},
		CQCRegistered: "no"})
	if _, err := w.DB.Exec(`INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, start_date, end_date,
		total_value_pence, annual_value_pence, manager_id, status) VALUES ('C-1', 'Residential placements', $1, 'childrens_homes', 'spot', '2025-01-01', '2028-01-01',
		100000000, 50000000, $2, 'active')`, w.Harbour, w.Manager); err != nil {
		t.Fatal(err)
	}
	for _, org := range []string{w.Harbour, w.Bright} {
		if err := quality.RefreshProvider(context.Background(), w.DB, org, today); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w *world) user(t *testing.T, email, name string) string {
	t.Helper()
	var id string
	if err := w.DB.Get(&id, `INSERT INTO users (email, name, password_hash, roles) VALUES ($1, $2, 'x', ARRAY['officer']) RETURNING id`, email, name); err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *world) provider(t *testing.T, name string, reg *provider.RegulationAnswers) string {
	t.Helper()
	var id string
	if err := w.DB.Get(&id, `INSERT INTO organisations (name, status) VALUES ($1, 'approved') RETURNING id`, name); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed) VALUES ($1, 'regulation', $2, $2, true)`,
		id, string(js)); err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *world) rag(t *testing.T, org string) (quality.RAG, []quality.Reason) {
	t.Helper()
	s, err := quality.StoredCompliance(context.Background(), w.DB, org)
	if err != nil {
		t.Fatal(err)
	}
	var published []quality.Reason
	for _, r := range s.Reasons {
		if r.Rule == "published" {
			published = append(published, r)
		}
	}
	return s.RAG, published
}

func (w *world) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := w.DB.Get(&n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRegulatorFileWithAFallTurnsTheRAGAndEmailsTheManager is the item's "done": Ofsted's
// file judges Harbour's home inadequate where the provider says good; applying it records
// the judgement, turns Harbour's stored compliance red and queues an email to the manager of
// its contract, in the transaction that applies the file.
func TestRegulatorFileWithAFallTurnsTheRAGAndEmailsTheManager(t *testing.T) {
	w := newWorld(t)
	before, _ := w.rag(t, w.Harbour)
	if before == quality.Red {
		t.Fatalf("Harbour starts red; the test needs it not red")
	}

	check, err := w.Svc.CheckFile(w.Ctx, regulator.Ofsted, "ofsted_providers_inspections.csv", fixture(t, "ofsted_providers_inspections.csv"), true)
	if err != nil {
		t.Fatal(err)
	}
	// Matching: two of the file's five settings are the portal's providers.
	if len(check.Matches) != 2 || check.Unmatched != 2 || check.RowsRead != 5 || check.Skipped != 1 {
		t.Fatalf("matches %+v, unmatched %d, read %d, skipped %d", check.Matches, check.Unmatched, check.RowsRead, check.Skipped)
	}
	falls, dis := check.Falls(), check.Disagreements()
	if len(falls) != 1 || falls[0].RegulatorID != "SC111111" || falls[0].OrganisationID != w.Harbour {
		t.Errorf("falls = %+v", falls)
	}
	if len(dis) != 2 { // Harbour says good (inadequate), Brightways says good (outstanding)
		t.Errorf("disagreements = %+v", dis)
	}
	if len(check.Changes()) != 2 {
		t.Errorf("changes = %+v", check.Changes())
	}
	// The check alone changes nothing that counts.
	if n := w.count(t, `SELECT count(*) FROM regulator_judgements`); n != 0 {
		t.Errorf("a check stored %d judgements", n)
	}
	if rag, _ := w.rag(t, w.Harbour); rag != before {
		t.Errorf("a check turned the RAG to %s", rag)
	}

	if _, err := w.Svc.Apply(w.Ctx, check.ID); err != nil {
		t.Fatal(err)
	}
	rag, published := w.rag(t, w.Harbour)
	if rag != quality.Red || len(published) != 1 || published[0].RAG != quality.Red || !strings.Contains(published[0].Why, "Ofsted's published judgement for URN SC111111 is inadequate (1 October 2026)") {
		t.Errorf("after the fall: RAG %s, published reasons %+v", rag, published)
	}
	var mail []struct {
		To      string `db:"to_address"`
		Subject string `db:"subject"`
		Body    string `db:"body"`
	}
	if err := w.DB.Select(&mail, `SELECT to_address, subject, body FROM outbox WHERE kind = 'regulator_rating_fell'`); err != nil {
		t.Fatal(err)
	}
	if len(mail) != 1 || mail[0].To != "mina@council.example" || !strings.Contains(mail[0].Subject, "Harbour Homes Limited") ||
		!strings.Contains(mail[0].Body, "SC111111") || !strings.Contains(mail[0].Body, "Inadequate, was Good") {
		t.Errorf("mail = %+v", mail)
	}
	// Brightways rose: its judgement is recorded, green, and no one is emailed about it.
	if rag, published := w.rag(t, w.Bright); len(published) != 1 || published[0].RAG != quality.Green {
		t.Errorf("Brightways: RAG %s, published %+v", rag, published)
	}
	var j struct {
		Judgement string    `db:"judgement"`
		Date      time.Time `db:"judgement_date"`
		File      string    `db:"file_name"`
		Source    string    `db:"source"`
	}
	if err := w.DB.Get(&j, `SELECT judgement, judgement_date, file_name, source FROM regulator_judgements WHERE regulator_id = 'SC111111'`); err != nil {
		t.Fatal(err)
	}
	if j.Judgement != "inadequate" || !j.Date.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)) || j.File != "ofsted_providers_inspections.csv" || j.Source != "ofsted" {
		t.Errorf("judgement = %+v", j)
	}
	if n := w.count(t, `SELECT count(*) FROM audit_events WHERE action IN ('regulator.import.apply', 'regulator.judgement.record')`); n != 3 {
		t.Errorf("%d audit events, want the file's and one per provider", n)
	}

	// Applying twice is refused.
	if _, err := w.Svc.Apply(w.Ctx, check.ID); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("second apply: %v", err)
	}

	// The same file again changes nothing: no changes, no falls, no more mail.
	again, err := w.Svc.CheckFile(w.Ctx, regulator.Ofsted, "ofsted_providers_inspections.csv", fixture(t, "ofsted_providers_inspections.csv"), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Changes()) != 0 || len(again.Falls()) != 0 {
		t.Errorf("the same file again: changes %+v falls %+v", again.Changes(), again.Falls())
	}
	// The older layout, with codes, judges Harbour's home 4 (inadequate) again: no change.
	codes, err := w.Svc.CheckFile(w.Ctx, regulator.Ofsted, "codes.csv", fixture(t, "ofsted_inspections_codes.csv"), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes.Matches) != 2 || len(codes.Changes()) != 0 {
		t.Errorf("codes file: matches %+v changes %+v", codes.Matches, codes.Changes())
	}
}

// TestRegulatorDryRunChangesNothing: a command line dry run writes nothing at all.
func TestRegulatorDryRunChangesNothing(t *testing.T) {
	w := newWorld(t)
	before, _ := w.rag(t, w.Harbour)
	check, err := w.Svc.CheckFile(w.Ctx, regulator.CQC, "cqc.xlsx", fixture(t, "cqc_care_directory_with_ratings.xlsx"), false)
	if err != nil {
		t.Fatal(err)
	}
	if check.ID != "" || len(check.Matches) != 1 || len(check.Falls()) != 1 || check.Falls()[0].RegulatorID != "1-101111111" {
		t.Errorf("check = %+v falls %+v", check, check.Falls())
	}
	for table, n := range map[string]int{
		"regulator_imports":    w.count(t, `SELECT count(*) FROM regulator_imports`),
		"regulator_judgements": w.count(t, `SELECT count(*) FROM regulator_judgements`),
		"outbox":               w.count(t, `SELECT count(*) FROM outbox`),
		"audit_events":         w.count(t, `SELECT count(*) FROM audit_events WHERE action LIKE 'regulator.%'`),
	} {
		if n != 0 {
			t.Errorf("the dry run wrote %d rows to %s", n, table)
		}
	}
	if rag, _ := w.rag(t, w.Harbour); rag != before {
		t.Errorf("the dry run turned the RAG to %s", rag)
	}
}

// TestRegulatorCQCFallTurnsAmber: the CQC's workbook rates Harbour's location requires
// improvement where it was good: amber, and the manager is told.
func TestRegulatorCQCFallTurnsAmber(t *testing.T) {
	w := newWorld(t)
	check, err := w.Svc.CheckFile(w.Ctx, regulator.CQC, "cqc.xlsx", fixture(t, "cqc_care_directory_with_ratings.xlsx"), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Svc.Apply(w.Ctx, check.ID); err != nil {
		t.Fatal(err)
	}
	if _, published := w.rag(t, w.Harbour); len(published) != 1 || published[0].RAG != quality.Amber {
		t.Errorf("published reasons %+v", published)
	}
	if n := w.count(t, `SELECT count(*) FROM outbox WHERE kind = 'regulator_rating_fell' AND to_address = 'mina@council.example'`); n != 1 {
		t.Errorf("%d emails", n)
	}
	shown, err := w.Svc.Import(context.Background(), check.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !shown.Applied || len(shown.Falls()) != 1 {
		t.Errorf("the applied file's page shows %+v, falls %+v", shown, shown.Falls())
	}
}

// TestRegulatorMatching: rows match providers by the identifiers on their approved records
// only: a URN two providers both name matches both; one only in a provider's unapproved draft,
// or under a "not registered" answer, matches none.
func TestRegulatorMatching(t *testing.T) {
	w := newWorld(t)
	// A second provider names Harbour's URN too.
	twin := w.provider(t, "Harbour Twin Ltd", &provider.RegulationAnswers{OfstedRegistered: "yes", CQCRegistered: "no",
		Ofsted: []provider.OfstedRegistration{{URN: "SC111111", Judgement: "inadequate"}}})
	// SC333333 is only in a draft: the approved copy does not name it.
	draft := w.provider(t, "Draft Homes Ltd", &provider.RegulationAnswers{OfstedRegistered: "yes", CQCRegistered: "no"})
	if _, err := w.DB.Exec(`UPDATE provider_sections SET data = jsonb_set(data, '{ofsted}', '[{"urn":"SC333333","judgement":"good"}]') WHERE organisation_id = $1`, draft); err != nil {
		t.Fatal(err)
	}
	// 2567890 is on a record that says it is not registered with Ofsted.
	w.provider(t, "Hillside Trust", &provider.RegulationAnswers{OfstedRegistered: "no", CQCRegistered: "no", NotRegisteredReason: "Closed",
		Ofsted: []provider.OfstedRegistration{{URN: "2567890", Judgement: "good"}}})

	check, err := w.Svc.CheckFile(w.Ctx, regulator.Ofsted, "ofsted.csv", fixture(t, "ofsted_providers_inspections.csv"), false)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, m := range check.Matches {
		got[m.RegulatorID+" "+m.OrganisationID] = true
	}
	want := map[string]bool{"SC111111 " + w.Harbour: true, "SC111111 " + twin: true, "SC222222 " + w.Bright: true}
	if len(got) != len(want) {
		t.Errorf("matches %v, want %v", got, want)
	}
	for k := range want {
		if !got[k] {
			t.Errorf("no match %s", k)
		}
	}
	if check.Unmatched != 2 {
		t.Errorf("unmatched %d, want 2 (SC333333 and 2567890)", check.Unmatched)
	}
	// The twin already says inadequate: no fall and no disagreement for it.
	for _, m := range check.Matches {
		if m.OrganisationID == twin && (m.Fell() || m.Disagrees()) {
			t.Errorf("twin: fell %v, disagrees %v", m.Fell(), m.Disagrees())
		}
	}
}
