package directory

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/dbtest"
)

// Each statement the directory runs can be answered from the index migration 00013 made
// for it. The test turns off the plans that read every row, so the planner must use an
// index if it can; on a small table it would otherwise rightly choose them. For an order,
// that is a sequential scan and a sort (so the order must come from its index); for a
// search, also a full walk of an index in name order (so each alternative of the search
// must be an index search of its own). A sort key or search expression that drifted from
// its index's would fail here.
func TestDirectoryStatementsUseTheirIndexes(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := d.Exec(`INSERT INTO organisations (name, legal_name, status, postcode, vat_number)
		SELECT 'Org ' || g, 'Legal ' || g, 'approved', 'NN1 1ED', 'GB980780684' FROM generate_series(1, 200) g`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(`ANALYZE organisations`); err != nil {
		t.Fatal(err)
	}
	id := "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9a01"
	tests := []struct {
		name    string
		search  bool
		f       Filter
		s       Sort
		at      *Cursor
		back    bool
		indexes []string
	}{
		{"name, first page", false, Filter{}, SortName, nil, false, []string{"organisations_directory_name"}},
		{"name, after a row", false, Filter{}, SortName, &Cursor{Sort: SortName, Name: "legal 50", ID: id}, false, []string{"organisations_directory_name"}},
		{"name, back", false, Filter{}, SortName, &Cursor{Sort: SortName, Name: "legal 50", ID: id}, true, []string{"organisations_directory_name"}},
		{"status", false, Filter{}, SortStatus, &Cursor{Sort: SortStatus, Rank: 5, Name: "legal 50", ID: id}, false, []string{"organisations_directory_status_rank"}},
		{"updated", false, Filter{}, SortUpdated, &Cursor{Sort: SortUpdated, Updated: time.Now(), ID: id}, false, []string{"organisations_directory_updated"}},
		{"rating order", false, Filter{}, SortRAG, &Cursor{Sort: SortRAG, Rank: 1, Name: "legal 50", ID: id}, false, []string{"organisations_directory_name"}},
		{"name search", true, Filter{Query: "legal 12"}, SortName, nil, false, []string{"organisations_directory_search"}},
		{"identifier search", true, Filter{Query: "GB 980780684"}, SortName, nil, false,
			[]string{"organisations_directory_search", "organisations_directory_vat"}},
		{"postcode search", true, Filter{Query: "nn11ed"}, SortName, nil, false, []string{"organisations_directory_postcode"}},
		{"district search", true, Filter{Query: "NN1"}, SortName, nil, false, []string{"organisations_directory_postcode"}},
		{"company search", true, Filter{Query: "09121572"}, SortName, nil, false, []string{"organisations_directory_company"}},
		{"Ofsted search", true, Filter{Query: "SC057941"}, SortName, nil, false, []string{"organisations_directory_ofsted"}},
		{"CQC search", true, Filter{Query: "1-101726253"}, SortName, nil, false, []string{"organisations_directory_cqc"}},
	}
	for _, tt := range tests {
		stmt, args := statement(tt.f, tt.s, tt.at, tt.back, 26)
		if tt.s == SortRAG {
			stmt, args = statementByRAG(tt.f, tt.at, tt.back, tt.at.Rank, 26)
		}
		tx, err := d.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		sets := []string{"SET LOCAL enable_seqscan = off", "SET LOCAL enable_sort = off"}
		if tt.search {
			sets = []string{"SET LOCAL enable_seqscan = off", "SET LOCAL enable_indexscan = off"}
		}
		for _, set := range sets {
			if _, err := tx.Exec(set); err != nil {
				t.Fatal(err)
			}
		}
		var plan []string
		err = tx.Select(&plan, "EXPLAIN "+stmt, args...)
		_ = tx.Rollback()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		text := strings.Join(plan, "\n")
		for _, idx := range tt.indexes {
			if !strings.Contains(text, idx) {
				t.Errorf("%s: the plan does not use %s:\n%s", tt.name, idx, text)
			}
		}
	}
}
