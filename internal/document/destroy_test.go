package document

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
)

// TestDestroyUnreferencedKeepsDocumentsStillInUse: of the documents named, only those no
// record refers to go; one a bank-detail change or another contract still uses stays.
func TestDestroyUnreferencedKeepsDocumentsStillInUse(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := audit.WithActor(context.Background(), audit.System)
	var orgID string
	if err := d.Get(&orgID, `INSERT INTO organisations (name) VALUES ('Acorn Fostering Ltd') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	put := func(name string) string {
		doc, err := PostgresStore{}.Put(ctx, d, orgID, "evidence", name, minimalPDF)
		if err != nil {
			t.Fatal(err)
		}
		return doc.ID
	}
	loose, evidence, signed := put("loose.pdf"), put("evidence.pdf"), put("signed.pdf")
	put("other.pdf") // not named: not destroyed
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO bank_detail_changes (organisation_id, kind, account_name, sort_code_sealed, account_number_sealed,
			sort_code_last2, account_last4, remittance_email, reason, evidence_document_id, requested_by_name, expires_at)
		VALUES ($1, 'change', 'Acorn', 'x', 'x', '00', '0000', 'pay@acorn.example', 'New bank', $2, 'Ann', now() + interval '30 days')`,
		orgID, evidence)
	var contractID string
	if err := d.Get(&contractID, `INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route,
			start_date, end_date, total_value_pence, annual_value_pence, status)
		VALUES ('C-1', 'Placements', $1, 'fostering', 'spot', '2024-01-01', '2025-01-01', 1, 1, 'ended') RETURNING id`, orgID); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO contract_documents (contract_id, document_id, title, document_type) VALUES ($1, $2, 'Signed', 'contractSigned')`,
		contractID, signed)

	tx := d.MustBeginTx(ctx, nil)
	n, err := DestroyUnreferenced(ctx, tx, []string{loose, evidence, signed})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("destroyed %d documents, want 1 (the one nothing uses)", n)
	}
	var left []string
	if err := d.Select(&left, `SELECT filename FROM documents ORDER BY filename`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(left, ",") != "evidence.pdf,other.pdf,signed.pdf" {
		t.Errorf("documents left %v, want the evidence, the signed contract and the one not named", left)
	}
}

// TestDestroyUnreferencedKnowsEveryReference: every foreign key to documents is one of the
// references DestroyUnreferenced checks, so a new one cannot be forgotten.
func TestDestroyUnreferencedKnowsEveryReference(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	var refs []struct {
		Table  string `db:"tbl"`
		Column string `db:"col"`
	}
	if err := d.Select(&refs, `SELECT c.conrelid::regclass::text AS tbl, a.attname::text AS col
		FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
		WHERE c.contype = 'f' AND c.confrelid = 'documents'::regclass`); err != nil {
		t.Fatal(err)
	}
	if len(refs) == 0 {
		t.Fatal("no foreign keys to documents found")
	}
	sql := regexp.MustCompile(`\s+`).ReplaceAllString(destroyUnreferencedSQL, " ")
	for _, r := range refs {
		if !strings.Contains(sql, "FROM "+r.Table+" r WHERE r."+r.Column+" = d.id") {
			t.Errorf("%s.%s refers to documents, but DestroyUnreferenced does not check it", r.Table, r.Column)
		}
	}
}
