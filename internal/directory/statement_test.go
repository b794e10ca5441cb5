package directory_test

import (
	"context"
	"slices"
	"testing"

	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/directory"
)

// TestStatementsAreWhatThePagesRun runs the exported statements on their own and checks they
// read what List, Count, Frameworks and ByID read: a load test giving them to pgbench then
// measures the pages' own SQL.
func TestStatementsAreWhatThePagesRun(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	walkFixture(t, d)
	insertOrg(t, d, org{name: "Framework Homes", framework: "East Midlands Fostering Framework"})
	cases := []struct {
		name   string
		filter directory.Filter
	}{
		{"everyone", directory.Filter{}},
		{"approved", directory.Filter{Status: "approved"}},
		{"green", directory.Filter{RAG: "green"}},
		{"a name", directory.Filter{Query: "acorn"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			first, err := directory.List(ctx, d, directory.Request{Filter: tc.filter, Sort: directory.SortName, Size: 3})
			if err != nil {
				t.Fatal(err)
			}
			for _, after := range []*directory.Cursor{nil, first.Next} {
				want, err := directory.List(ctx, d, directory.Request{Filter: tc.filter, Sort: directory.SortName, After: after, Size: 3})
				if err != nil {
					t.Fatal(err)
				}
				stmts := directory.PageStatements(tc.filter, directory.SortName, after, 3)
				if len(stmts) != 3 {
					t.Fatalf("%d statements", len(stmts))
				}
				var frameworks []string
				if err := d.Select(&frameworks, stmts[0].SQL, stmts[0].Args...); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(frameworks, []string{"East Midlands Fostering Framework"}) {
					t.Errorf("frameworks %v", frameworks)
				}
				var rows []struct {
					ID string `db:"id"`
				}
				if err := d.Unsafe().Select(&rows, stmts[1].SQL, stmts[1].Args...); err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range rows {
					got = append(got, r.ID)
				}
				if wantIDs := idsOf(want.Providers); len(got) < len(wantIDs) || !slices.Equal(got[:len(wantIDs)], wantIDs) {
					t.Errorf("the page statement read %v, List %v", got, wantIDs)
				}
				var n int
				if err := d.Get(&n, stmts[2].SQL, stmts[2].Args...); err != nil {
					t.Fatal(err)
				}
				if total, err := directory.Count(ctx, d, tc.filter); err != nil || n != total.N {
					t.Errorf("count statement %d, Count %+v (%v)", n, total, err)
				}
			}
		})
	}
	ids := walkFixture(t, d)
	st := directory.ByIDStatement(ids[0])
	var row struct {
		ID string `db:"id"`
	}
	if err := d.Unsafe().Get(&row, st.SQL, st.Args...); err != nil || row.ID != ids[0] {
		t.Errorf("ByIDStatement read %q, %v", row.ID, err)
	}
}
