package directory_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// walkFixture is a register with ties in every sort key: repeated names (in different
// cases), shared statuses and ratings, some providers not rated, and shared update times.
func walkFixture(t *testing.T, d *sqlx.DB) []string {
	t.Helper()
	statuses := []string{"approved", "draft", "submitted", "approved", "suspended", "changes_requested", "rejected", "resubmitted"}
	rags := []string{"red", "amber", "green", "", "green"}
	names := []string{"Acorn Care", "acorn care", "Birchwood", "Cedar House", "Acorn Care", "Zeta Homes", "Elm Lodge", "Fir Trees"}
	base := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 23 {
		legal := names[i%len(names)]
		if i%5 == 4 {
			legal = "" // named at registration only
		}
		ids = append(ids, insertOrg(t, d, org{name: fmt.Sprintf("Registered %02d", i%7), legal: legal, status: statuses[i%len(statuses)],
			rag: rags[i%len(rags)], updated: base.Add(time.Duration(i%6) * time.Hour)}))
	}
	return ids
}

// wantOrder is the full order of a sort as one ORDER BY gives it: the oracle the pages must
// follow.
func wantOrder(t *testing.T, d *sqlx.DB, s directory.Sort) []string {
	t.Helper()
	order := map[directory.Sort]string{
		directory.SortName: `lower(coalesce(nullif(o.legal_name, ''), o.name)), o.id`,
		directory.SortStatus: `array_position(ARRAY['draft','submitted','resubmitted','changes_requested','approved','suspended','rejected'], o.status),
			lower(coalesce(nullif(o.legal_name, ''), o.name)), o.id`,
		directory.SortUpdated: `o.updated_at DESC, o.id DESC`,
		directory.SortRAG:     `coalesce(array_position(ARRAY['red','amber','green'], pc.rag), 4), lower(coalesce(nullif(o.legal_name, ''), o.name)), o.id`,
	}[s]
	var ids []string
	if err := d.Select(&ids, `SELECT o.id FROM organisations o LEFT JOIN provider_compliance pc ON pc.organisation_id = o.id ORDER BY `+order); err != nil {
		t.Fatal(err)
	}
	return ids
}

func idsOf(ps []directory.Provider) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// Walking forward by Next visits every provider exactly once, in the sort's order, whatever
// the page size; walking back by Prev from the last page gives the same pages in reverse and
// ends on the first page.
func TestDirectoryKeysetWalk(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	all := walkFixture(t, d)
	for _, s := range []directory.Sort{directory.SortName, directory.SortStatus, directory.SortUpdated, directory.SortRAG} {
		want := wantOrder(t, d, s)
		if len(want) != len(all) {
			t.Fatalf("%s: the oracle has %d rows, want %d", s, len(want), len(all))
		}
		for _, size := range []int{1, 4, 7, 23, 50} {
			var pages [][]string
			var seen []string
			var after *directory.Cursor
			for len(pages) <= len(all) {
				page, err := directory.List(ctx, d, directory.Request{Sort: s, After: after, Size: size})
				if err != nil {
					t.Fatal(err)
				}
				if (after == nil) != (page.Prev == nil) {
					t.Errorf("%s/%d: page %d has prev %v", s, size, len(pages)+1, page.Prev)
				}
				pages = append(pages, idsOf(page.Providers))
				seen = append(seen, idsOf(page.Providers)...)
				if page.Next == nil {
					break
				}
				after = page.Next
			}
			if !slices.Equal(seen, want) {
				t.Errorf("%s/%d: walked %d rows in another order than the sort's (%d rows)", s, size, len(seen), len(want))
			}
			dup := map[string]bool{}
			for _, id := range seen {
				if dup[id] {
					t.Errorf("%s/%d: %s on two pages", s, size, id)
				}
				dup[id] = true
			}
			// Back from the last page.
			last, err := directory.List(ctx, d, directory.Request{Sort: s, After: after, Size: size})
			if err != nil {
				t.Fatal(err)
			}
			if after == nil {
				continue // one page only
			}
			before := last.Prev
			for i := len(pages) - 2; i >= 0; i-- {
				page, err := directory.List(ctx, d, directory.Request{Sort: s, Before: before, Size: size})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(idsOf(page.Providers), pages[i]) {
					t.Errorf("%s/%d: back to page %d gave other rows", s, size, i+1)
				}
				if (i == 0) != (page.Prev == nil) {
					t.Errorf("%s/%d: page %d going back has prev %v", s, size, i+1, page.Prev)
				}
				before = page.Prev
			}
		}
	}
}

// Each filter keeps exactly the providers it describes, alone and with every sort order,
// and Count agrees.
func TestDirectoryFilters(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	id := map[string]string{}
	add := func(key string, o org) { o.name = key; id[key] = insertOrg(t, d, o) }
	add("homes", org{categories: []string{"childrens_homes", "short_breaks"}, rag: "red", ofstedJudgement: "inadequate", framework: "East Midlands placements"})
	add("fostering", org{status: "submitted", categories: []string{"independent_fostering"}, rag: "amber", cqcRating: "good", route: "spot"})
	add("schools", org{status: "suspended", categories: []string{"send_education"}, rag: "green", ofstedJudgement: "good", cqcRating: "requires_improvement",
		framework: "Regional SEND DPS", route: "dps"})
	add("unrated", org{status: "draft", ofstedJudgement: "good", workingOnlyRegulation: true})
	add("plain", org{rag: "green"})
	tests := []struct {
		f    directory.Filter
		want []string
	}{
		{directory.Filter{Status: "approved"}, []string{"homes", "plain"}},
		{directory.Filter{Status: "suspended"}, []string{"schools"}},
		{directory.Filter{RAG: "red"}, []string{"homes"}},
		{directory.Filter{RAG: "green"}, []string{"plain", "schools"}},
		{directory.Filter{RAG: directory.Unrated}, []string{"unrated"}},
		{directory.Filter{Category: "short_breaks"}, []string{"homes"}},
		{directory.Filter{Category: "independent_fostering"}, []string{"fostering"}},
		{directory.Filter{Rating: "good"}, []string{"fostering", "schools", "unrated"}},
		{directory.Filter{Rating: "inadequate"}, []string{"homes"}},
		{directory.Filter{Rating: "requires_improvement"}, []string{"schools"}},
		{directory.Filter{Framework: "East Midlands placements"}, []string{"homes"}},
		{directory.Filter{Route: "dps"}, []string{"schools"}},
		{directory.Filter{Route: "spot"}, []string{"fostering"}},
		{directory.Filter{Status: "approved", RAG: "green"}, []string{"plain"}},
		{directory.Filter{Rating: "good", RAG: "green", Category: "send_education"}, []string{"schools"}},
		{directory.Filter{Status: "rejected"}, nil},
	}
	for _, tt := range tests {
		var want []string
		for _, k := range tt.want {
			want = append(want, id[k])
		}
		sort.Strings(want)
		for _, s := range []directory.Sort{directory.SortName, directory.SortStatus, directory.SortUpdated, directory.SortRAG} {
			page, err := directory.List(ctx, d, directory.Request{Filter: tt.f, Sort: s, Size: 50})
			if err != nil {
				t.Fatal(err)
			}
			got := idsOf(page.Providers)
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Errorf("%+v sorted by %s: got %v, want %v", tt.f, s, got, tt.want)
			}
		}
		if n, err := directory.Count(ctx, d, tt.f); err != nil || n != (directory.Total{N: len(want)}) {
			t.Errorf("%+v: count %+v, %v; want %d", tt.f, n, err, len(want))
		}
	}
}

// A search finds a provider by part of any of its names or by any identifier, typed as
// people type it.
func TestDirectorySearch(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	target := insertOrg(t, d, org{name: "Registered Oakfield", legal: "Oakfield Fostering CIC", trading: "Oakfield Family Placements",
		postcode: "NN1 1ED", vat: "GB980780684", company: "09121572", cqc: "1-101726253", urns: []string{"SC057941", "SC057942"}})
	insertOrg(t, d, org{name: "Other", legal: "Birchwood Care Ltd", postcode: "LE1 5WW", vat: "GB100062787", company: "SC123456",
		cqc: "1-222222222", urns: []string{"SC999999"}})
	var ref string
	if err := d.Get(&ref, `SELECT supplier_ref FROM organisations WHERE id = $1`, target); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"oakfield", "FOSTERING cic", "family placements", "registered oak", "nn1 1ed", "NN11ED", "nn1",
		"980 7806 84", "GB980780684", "9121572", "09121572", "1 - 101726253", "sc057942", "SC 057941", ref} {
		page, err := directory.List(ctx, d, directory.Request{Filter: directory.Filter{Query: q}, Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		if got := idsOf(page.Providers); !slices.Equal(got, []string{target}) {
			t.Errorf("search %q found %d providers, want Oakfield only", q, len(got))
		}
	}
	for _, q := range []string{"nothing like it", "100%", "a_b", `\`} {
		page, err := directory.List(ctx, d, directory.Request{Filter: directory.Filter{Query: q}, Size: 10})
		if err != nil || len(page.Providers) != 0 {
			t.Errorf("search %q: %d found, %v", q, len(page.Providers), err)
		}
	}
}

func TestDirectoryEachAndCounts(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	for i := range 7 {
		insertOrg(t, d, org{name: fmt.Sprintf("P%d", i), status: []string{"approved", "draft", "approved"}[i%3], framework: []string{"", "Beta DPS", "Alpha framework"}[i%3]})
	}
	var names []string
	n, err := directory.Each(ctx, d, directory.Filter{Status: "approved"}, directory.SortName, func(p directory.Provider) error {
		names = append(names, p.Name)
		return nil
	})
	if err != nil || n != 5 || !slices.Equal(names, []string{"P0", "P2", "P3", "P5", "P6"}) {
		t.Errorf("Each: %d %v %v", n, names, err)
	}
	counts, err := directory.StatusCounts(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	got := map[provider.Status]int{}
	for _, c := range counts {
		got[c.Status] = c.Count
	}
	if len(counts) != len(directory.Statuses) || got["approved"] != 5 || got["draft"] != 2 || got["rejected"] != 0 {
		t.Errorf("status counts %v", counts)
	}
	fw, err := directory.Frameworks(ctx, d)
	if err != nil || len(fw) != 2 || fw[0].Value != "Alpha framework" || fw[1].Value != "Beta DPS" {
		t.Errorf("frameworks %v %v", fw, err)
	}
}
