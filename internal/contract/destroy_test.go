package contract_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/jmoiron/sqlx"
)

// endedWorld is a provider with contracts ended long ago, recently and by termination, one
// still running, and documents: one only an ended contract holds, one two contracts share,
// and one a return's evidence.
type endedWorld struct {
	db                                   *sqlx.DB
	org                                  string
	old, terminated, recent, running     string
	ownDoc, sharedDoc, evidenceDoc, kpi1 string
}

func newEndedWorld(t *testing.T) *endedWorld {
	t.Helper()
	w := &endedWorld{db: dbtest.New(t)}
	get := func(dest *string, q string, args ...any) {
		t.Helper()
		if err := w.db.Get(dest, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	get(&w.org, `INSERT INTO organisations (name, status) VALUES ('Elm Supported Living Ltd', 'approved') RETURNING id`)
	add := func(ref, start, end string, terminated any) string {
		var id string
		status := "ended"
		switch {
		case terminated != nil:
			status = "terminated"
		case end > "2026":
			status = "active"
		}
		get(&id, `INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, start_date, end_date,
			total_value_pence, annual_value_pence, status, terminated_on, termination_reason)
			VALUES ($1, 'Supported living', $2, 'supported_living', 'spot', $3, $4, 1, 1, $5, $6, CASE WHEN $6::date IS NULL THEN '' ELSE 'Ended early' END)
			RETURNING id`, ref, w.org, start, end, status, terminated)
		return id
	}
	w.old = add("K-OLD", "2015-01-01", "2018-03-31", nil)
	w.terminated = add("K-TERM", "2016-01-01", "2030-12-31", "2018-06-30") // its end date is far off, but it ended early
	w.recent = add("K-RECENT", "2020-01-01", "2025-03-31", nil)
	w.running = add("K-RUNNING", "2024-01-01", "2099-12-31", nil)
	doc := func(name string) string {
		var id string
		get(&id, `INSERT INTO documents (organisation_id, kind, filename, content_type, size_bytes, sha256, content)
			VALUES ($1, 'contract', $2, 'application/pdf', 3, '\x00', 'pdf') RETURNING id`, w.org, name)
		return id
	}
	w.ownDoc, w.sharedDoc, w.evidenceDoc = doc("own.pdf"), doc("shared.pdf"), doc("evidence.pdf")
	for _, cd := range [][2]string{{w.old, w.ownDoc}, {w.old, w.sharedDoc}, {w.running, w.sharedDoc}} {
		if _, err := w.db.Exec(`INSERT INTO contract_documents (contract_id, document_id, title, document_type) VALUES ($1, $2, 'Signed', 'contractSigned')`,
			cd[0], cd[1]); err != nil {
			t.Fatal(err)
		}
	}
	get(&w.kpi1, `INSERT INTO kpis (contract_id, name, unit, target, direction, amber_threshold, red_threshold, frequency)
		VALUES ($1, 'Placement stability', '%', 90, 'higher', 80, 70, 'monthly') RETURNING id`, w.terminated)
	if _, err := w.db.Exec(`INSERT INTO monitoring_returns (kpi_id, period_start, period_end, due_date, status, value, submitted_at, evidence_document_id)
		VALUES ($1, '2017-01-01', '2017-01-31', '2017-02-15', 'submitted', 91, '2017-02-10', $2)`, w.kpi1, w.evidenceDoc); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestContractEndedFinders(t *testing.T) {
	t.Parallel()
	w := newEndedWorld(t)
	ctx := context.Background()
	ended, err := contract.EndedOnOrBefore(ctx, w.db, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range ended {
		ids = append(ids, e.ID)
		if e.OrganisationID != w.org {
			t.Errorf("ended contract %s of %s", e.ID, e.OrganisationID)
		}
	}
	if !slices.Equal(ids, []string{w.old, w.terminated}) || !ended[1].Ended.Equal(time.Date(2018, 6, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ended by 2019: %+v; want the old contract, then the terminated one on its termination date", ended)
	}
	// The provider still has a running contract: it has no last contract end yet.
	if ends, err := contract.LastContractEnds(ctx, w.db, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil || len(ends) != 0 {
		t.Errorf("last contract ends with one running: %v, %v", ends, err)
	}
	if _, err := w.db.Exec(`DELETE FROM contracts WHERE id = $1`, w.running); err != nil {
		t.Fatal(err)
	}
	ends, err := contract.LastContractEnds(ctx, w.db, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || !ends[w.org].Equal(time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("last contract ends: %v, %v; want 31 March 2025", ends, err)
	}

	if id, err := contract.IDByReference(ctx, w.db, " k-old "); err != nil || id != w.old {
		t.Errorf("IDByReference(k-old) = %q, %v", id, err)
	}
	if id, err := contract.IDByReference(ctx, w.db, w.recent); err != nil || id != w.recent {
		t.Errorf("IDByReference(id) = %q, %v", id, err)
	}
	if _, err := contract.IDByReference(ctx, w.db, "NO-SUCH"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("IDByReference(NO-SUCH): %v, want NotFound", err)
	}
	refs, err := contract.ReferencesByID(ctx, w.db, []string{w.old, "00000000-0000-0000-0000-000000000000"})
	if err != nil || len(refs) != 1 || refs[w.old] != "K-OLD" {
		t.Errorf("ReferencesByID: %v, %v", refs, err)
	}
	var other string
	if err := w.db.Get(&other, `INSERT INTO organisations (name) VALUES ('No contracts Ltd') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if with, err := contract.OrganisationsWithContracts(ctx, w.db, []string{w.org, other}); err != nil || !with[w.org] || with[other] {
		t.Errorf("OrganisationsWithContracts: %v, %v", with, err)
	}
}

// TestContractDestroyEnded: only contracts ended by the day given go, whatever ids are
// passed; their KPIs and returns go with them, and so do their documents, except one
// another contract still holds.
func TestContractDestroyEnded(t *testing.T) {
	t.Parallel()
	w := newEndedWorld(t)
	ctx := audit.WithActor(context.Background(), audit.System)
	tx := w.db.MustBeginTx(ctx, nil)
	n, err := contract.DestroyEnded(ctx, tx, []string{w.old, w.terminated, w.recent, w.running}, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("destroyed %d contracts, want 2", n)
	}
	var refs, docs []string
	if err := w.db.Select(&refs, `SELECT reference FROM contracts ORDER BY reference`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(refs, []string{"K-RECENT", "K-RUNNING"}) {
		t.Errorf("contracts left %v", refs)
	}
	if err := w.db.Select(&docs, `SELECT filename FROM documents ORDER BY filename`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(docs, []string{"shared.pdf"}) {
		t.Errorf("documents left %v, want only the one the running contract still holds", docs)
	}
	var kpis int
	if err := w.db.Get(&kpis, `SELECT count(*) FROM kpis WHERE id = $1`, w.kpi1); err != nil || kpis != 0 {
		t.Errorf("the destroyed contract's KPI is still there (%v)", err)
	}
}
