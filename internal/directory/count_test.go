package directory_test

import (
	"context"
	"testing"

	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/provider"
	"github.com/lib/pq"
)

// The counts the database keeps follow every change of status and categories (and a delete
// or a truncation), agree with counting the rows, and stay the same when folded together.
func TestDirectoryCountsKeptByTheDatabase(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	a := insertOrg(t, d, org{name: "A", status: "approved", categories: []string{"childrens_homes", "fostering"}})
	b := insertOrg(t, d, org{name: "B", status: "approved", categories: []string{"childrens_homes"}})
	insertOrg(t, d, org{name: "C", status: "draft", categories: []string{"fostering"}})
	insertOrg(t, d, org{name: "D", status: "submitted"})
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE organisations SET status = 'suspended' WHERE id = $1`, []any{a}},
		{`UPDATE organisations SET service_categories = $2 WHERE id = $1`, []any{b, pq.StringArray{"fostering", "send"}}},
		{`UPDATE organisations SET name = 'B renamed' WHERE id = $1`, []any{b}}, // moves no count
		{`DELETE FROM organisations WHERE name = 'D'`, nil},
	} {
		if _, err := d.Exec(stmt.sql, stmt.args...); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		t.Helper()
		for _, f := range []directory.Filter{{}, {Status: "approved"}, {Status: "suspended"}, {Category: "fostering"}, {Category: "send"},
			{Status: "suspended", Category: "childrens_homes"}, {Status: "approved", Category: "childrens_homes"}, {Status: "submitted"}} {
			var want int
			if err := d.Get(&want, `SELECT count(*) FROM organisations WHERE ($1 = '' OR status = $1) AND ($2 = '' OR service_categories @> ARRAY[$2])`,
				f.Status, f.Category); err != nil {
				t.Fatal(err)
			}
			if got, err := directory.Count(ctx, d, f); err != nil || got != (directory.Total{N: want}) {
				t.Errorf("%s: %+v counted %+v (%v), want %d", when, f, got, err, want)
			}
		}
		counts, err := directory.StatusCounts(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range counts {
			var want int
			if err := d.Get(&want, `SELECT count(*) FROM organisations WHERE status = $1`, string(c.Status)); err != nil {
				t.Fatal(err)
			}
			if c.Count != want {
				t.Errorf("%s: %s counted %d, want %d", when, c.Status, c.Count, want)
			}
		}
	}
	check("as changed")
	var before, after int
	d.Get(&before, `SELECT count(*) FROM provider_directory_counts`)
	if _, err := provider.CompactDirectoryCounts(ctx, d); err != nil {
		t.Fatal(err)
	}
	d.Get(&after, `SELECT count(*) FROM provider_directory_counts`)
	if after >= before {
		t.Errorf("folding left %d rows of %d", after, before)
	}
	check("folded")
	if _, err := d.Exec(`TRUNCATE organisations CASCADE`); err != nil {
		t.Fatal(err)
	}
	check("truncated")
}

// A filter the database keeps no count of is counted up to the cap, and says "more than"
// beyond it.
func TestDirectoryCountBeyondTheCap(t *testing.T) {
	old := directory.CountCap
	directory.CountCap = 2
	t.Cleanup(func() { directory.CountCap = old })
	d := dbtest.New(t)
	ctx := context.Background()
	for _, n := range []string{"Oak House", "Oak Lodge", "Oak Barn", "Elm"} {
		insertOrg(t, d, org{name: n})
	}
	if got, err := directory.Count(ctx, d, directory.Filter{Query: "oak"}); err != nil || got != (directory.Total{N: 2, More: true}) {
		t.Errorf("three matches over a cap of two: %+v, %v", got, err)
	}
	if got, err := directory.Count(ctx, d, directory.Filter{Query: "elm"}); err != nil || got != (directory.Total{N: 1}) {
		t.Errorf("one match: %+v, %v", got, err)
	}
	// A kept count is exact whatever the cap.
	if got, err := directory.Count(ctx, d, directory.Filter{Status: "approved"}); err != nil || got != (directory.Total{N: 4}) {
		t.Errorf("kept count: %+v, %v", got, err)
	}
}
