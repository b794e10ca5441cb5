package importer_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/importer/importtest"
)

// TestImportRecordsCreditorNumbers: the creditor_number column records the finance
// system's number through finance, in capitals; a number given twice in the file, or held
// by another supplier, is refused on its row; an empty cell keeps the number held; and a
// file made from the template before the column existed still imports.
func TestImportRecordsCreditorNumbers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rows := f.rows(3)
	rows[0]["creditor_number"] = " cr-100 "
	rows[1]["creditor_number"] = "CR-101"
	rep := f.run(t, importtest.CSV(rows), importer.Options{})
	if !rep.OK() || rep.Created != 3 {
		t.Fatalf("report %+v", rep)
	}
	number := func(ref string) string {
		var n string
		_ = f.db.Get(&n, `SELECT coalesce((SELECT c.creditor_number FROM finance_creditors c WHERE c.organisation_id = o.id), '')
			FROM organisations o WHERE o.supplier_ref = $1`, ref)
		return n
	}
	if number("IMP00000") != "CR-100" || number("IMP00001") != "CR-101" || number("IMP00002") != "" {
		t.Errorf("numbers %q %q %q", number("IMP00000"), number("IMP00001"), number("IMP00002"))
	}
	if n := f.count(t, `SELECT count(*) FROM audit_events WHERE action = 'provider.import.created' AND summary->>'creditor_number' = 'CR-100'`); n != 1 {
		t.Errorf("%d audit events name the number", n)
	}

	// Row 4 takes the number IMP00001 holds, row 6 repeats row 5's: refused, nothing written; then a bad one.
	rows[0]["creditor_number"], rows[1]["creditor_number"] = "", ""
	rows[2]["creditor_number"] = "cr-101" // IMP00001's
	more := append(rows, f.rows(5)[3:]...)
	more[3]["creditor_number"] = "CR-300"
	more[4]["creditor_number"] = "CR-300"
	bad := f.run(t, importtest.CSV(more), importer.Options{})
	if bad.OK() || bad.Committed {
		t.Fatalf("report %+v", bad)
	}
	want := map[int]string{4: finance.MsgCreditorNumberTaken, 6: "Row 5 gives the same creditor number. Each creditor number belongs to one supplier"}
	for _, r := range bad.Rows {
		if got := r.Errors["creditor_number"]; got != want[r.Row] {
			t.Errorf("row %d: %q, want %q", r.Row, got, want[r.Row])
		}
	}
	more[2]["creditor_number"], more[4]["creditor_number"] = "", "cr 1"
	bad = f.run(t, importtest.CSV(more), importer.Options{})
	if bad.Rows[4].Errors["creditor_number"] != finance.MsgCreditorNumberFormat {
		t.Errorf("a bad number: %+v", bad.Rows[4])
	}

	// A file without the column: the numbers held stay.
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(importer.Columns[:len(importer.Columns)-1])
	for _, r := range rows {
		_ = w.Write(r.Cells()[:len(importer.Columns)-1])
	}
	w.Flush()
	if rep := f.run(t, b.Bytes(), importer.Options{}); !rep.OK() || rep.Updated != 3 {
		t.Fatalf("a file without the column: %+v", rep)
	}
	if number("IMP00000") != "CR-100" || number("IMP00001") != "CR-101" {
		t.Errorf("numbers after a file without the column: %q %q", number("IMP00000"), number("IMP00001"))
	}
}
