package directory

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
)

// MaxPageSize bounds one page, so a request cannot ask for the whole register at once.
const MaxPageSize = 1000

// Request is one page of the directory to read.
type Request struct {
	Filter Filter
	Sort   Sort
	// After reads the page that starts after this row; Before the page that ends before it.
	// With neither, the first page. A cursor must be for Sort (DecodeCursor checks it).
	After, Before *Cursor
	Size          int
}

// row is a directory row as read, with its keyset values.
type row struct {
	Provider
	SortName string `db:"sort_name"`
	SortRank int    `db:"sort_rank"`
}

// List reads one page of providers. Going back from the second page reaches the first: a
// page that would be short because it ran into the start is the first page, full.
func List(ctx context.Context, q sqlx.QueryerContext, r Request) (Page, error) {
	if r.Size < 1 || r.Size > MaxPageSize {
		return Page{}, fmt.Errorf("directory: page size %d out of range", r.Size)
	}
	if r.Sort == "" {
		r.Sort = SortName
	}
	at, back := r.After, false
	if r.Before != nil {
		at, back = r.Before, true
	}
	rows, err := fetch(ctx, q, r.Filter, r.Sort, at, back, r.Size+1)
	if err != nil {
		return Page{}, err
	}
	more := len(rows) > r.Size
	if more {
		rows = rows[:r.Size]
	}
	if back {
		if !more {
			return List(ctx, q, Request{Filter: r.Filter, Sort: r.Sort, Size: r.Size})
		}
		slices.Reverse(rows)
	}
	page := Page{Providers: make([]Provider, len(rows))}
	for i, x := range rows {
		page.Providers[i] = x.Provider
	}
	if len(rows) == 0 {
		return page, nil
	}
	first, last := cursorOf(r.Sort, rows[0]), cursorOf(r.Sort, rows[len(rows)-1])
	switch {
	case back:
		page.Prev, page.Next = &first, &last
	default:
		if more {
			page.Next = &last
		}
		if at != nil {
			page.Prev = &first
		}
	}
	return page, nil
}

func cursorOf(s Sort, x row) Cursor {
	c := Cursor{Sort: s, ID: x.ID}
	switch s {
	case SortUpdated:
		c.Updated = x.UpdatedAt
	case SortStatus, SortRAG:
		c.Rank, c.Name = x.SortRank, x.SortName
	default:
		c.Name = x.SortName
	}
	return c
}

// fetch reads up to limit rows from the cursor on, in the sort order, or back from it.
func fetch(ctx context.Context, db sqlx.QueryerContext, f Filter, s Sort, at *Cursor, back bool, limit int) ([]row, error) {
	if s == SortRAG {
		return fetchByRAG(ctx, db, f, at, back, limit)
	}
	stmt, args := statement(f, s, at, back, limit)
	var out []row
	if err := sqlx.SelectContext(ctx, db, &out, stmt, args...); err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	return out, nil
}

// statement is the SQL reading up to limit rows from the cursor on, in any order but the
// rating order (fetchByRAG), with its parameters. PostgreSQL plans it afresh for each page
// even when prepared (plan_cache_mode auto): a plan for any status, category and cursor
// reads far more rows than one for the values given, and at 100,000 providers the generic
// plan of the filtered first page took about 160 ms of the database, against 1 ms planned
// for its values.
func statement(f Filter, s Sort, at *Cursor, back bool, limit int) (string, []any) {
	q := &query{}
	q.filter(f)
	join, conds := q.ragJoin(f.RAG)
	// Each order is ascending or descending in every key, so one row comparison is the
	// keyset condition and one btree index serves it, read forwards or backwards.
	var keys []string
	var rank string
	desc := back
	switch s {
	case SortStatus:
		keys, rank = []string{statusRank, nameKey, "o.id"}, statusRank
	case SortUpdated:
		keys, rank, desc = []string{"o.updated_at", "o.id"}, "0", !back
	default:
		keys, rank = []string{nameKey, "o.id"}, "0"
	}
	if at != nil {
		var vals []string
		switch s {
		case SortStatus:
			vals = []string{q.arg(at.Rank), q.arg(at.Name), q.arg(at.ID) + "::uuid"}
		case SortUpdated:
			vals = []string{q.arg(at.Updated), q.arg(at.ID) + "::uuid"}
		default:
			vals = []string{q.arg(at.Name), q.arg(at.ID) + "::uuid"}
		}
		op := ">"
		if desc {
			op = "<"
		}
		conds = append(conds, fmt.Sprintf("(%s) %s (%s)", strings.Join(keys, ", "), op, strings.Join(vals, ", ")))
	}
	return `SELECT ` + columns + `, ` + rank + ` AS sort_rank FROM organisations o` + join + q.where(conds...) +
		` ORDER BY ` + orderBy(keys, desc) + ` LIMIT ` + q.arg(limit), q.args
}

// ragOrder are the ratings (as indexes of ragRanks) a page in rating order reads, in the
// order it reads them: from the cursor's rating on, worst first, or best first going back.
func ragOrder(f Filter, at *Cursor, back bool) []int {
	ranks := []int{0, 1, 2, 3}
	if f.RAG != "" {
		r := slices.Index(ragRanks, f.RAG)
		if r < 0 {
			return nil // not a rating (Filter.Validate says so): nothing has it
		}
		ranks = []int{r}
	}
	if back {
		slices.Reverse(ranks)
	}
	return slices.DeleteFunc(ranks, func(r int) bool {
		return at != nil && ((!back && r < at.Rank) || (back && r > at.Rank)) // before the cursor's rating
	})
}

// statementByRAG reads up to limit rows of one rating (rank r) in name order, from the
// cursor when it is in that rating. The rating is in provider_compliance, so no one index
// orders by it and the name; each rating is read by the name index on its own instead.
func statementByRAG(f Filter, at *Cursor, back bool, r, limit int) (string, []any) {
	q := &query{}
	q.filter(f)
	join, conds := q.ragJoin(ragRanks[r])
	if at != nil && r == at.Rank {
		op := ">"
		if back {
			op = "<"
		}
		conds = append(conds, fmt.Sprintf("(%s, o.id) %s (%s, %s::uuid)", nameKey, op, q.arg(at.Name), q.arg(at.ID)))
	}
	return `SELECT ` + columns + `, ` + strconv.Itoa(r) + ` AS sort_rank FROM organisations o` + join + q.where(conds...) +
		` ORDER BY ` + orderBy([]string{nameKey, "o.id"}, back) + ` LIMIT ` + q.arg(limit), q.args
}

// fetchByRAG reads up to limit rows in rating order: each rating in turn, until the page is
// full. A page reads only the ratings it shows, so the first pages read the red providers
// alone; "not rated" (providers with no stored rating, an anti-join that no index stops
// early, about 160 ms at 100,000 providers when few are unrated) is read only by the pages
// that reach it.
func fetchByRAG(ctx context.Context, db sqlx.QueryerContext, f Filter, at *Cursor, back bool, limit int) ([]row, error) {
	var out []row
	for _, r := range ragOrder(f, at, back) {
		stmt, args := statementByRAG(f, at, back, r, limit-len(out))
		var rows []row
		if err := sqlx.SelectContext(ctx, db, &rows, stmt, args...); err != nil {
			return nil, fmt.Errorf("directory: %w", err)
		}
		if out = append(out, rows...); len(out) >= limit {
			break
		}
	}
	return out, nil
}

func orderBy(keys []string, desc bool) string {
	if !desc {
		return strings.Join(keys, ", ")
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k + " DESC"
	}
	return strings.Join(out, ", ")
}

// CountCap is the most providers counted one by one for a filter the database does not
// keep a count of (a search, a rating, a framework): beyond it the directory says "more than
// 1,000", which is as true and costs a thousand rows rather than every match on every page.
var CountCap = 1000

// Total is how many providers match a filter: N exactly, or, when More, more than N.
type Total struct {
	N    int
	More bool
}

// Count is how many providers match f. With no filter, or only a status or a service
// category, it is exact and costs a few rows: the database keeps those counts as providers
// change (provider_directory_counts, migration 00041). Other filters are counted up to
// CountCap.
func Count(ctx context.Context, db sqlx.QueryerContext, f Filter) (Total, error) {
	stmt, args := countStatement(f)
	var n int
	if err := sqlx.GetContext(ctx, db, &n, stmt, args...); err != nil {
		return Total{}, fmt.Errorf("directory count: %w", err)
	}
	if !countKept(f) && n > CountCap {
		return Total{N: CountCap, More: true}, nil
	}
	return Total{N: n}, nil
}

// countKept reports whether the database keeps the count of f's matches: no filter, or only
// a status or a service category.
func countKept(f Filter) bool { return f == Filter{Status: f.Status, Category: f.Category} }

// countStatement is the SQL counting the providers that match f, with its parameters: the
// kept count's rows, or the matches up to one more than CountCap. An empty status leaves its
// condition out rather than making it optional in the SQL, so the prepared statement keeps
// one plan.
func countStatement(f Filter) (string, []any) {
	if countKept(f) {
		if f.Status == "" {
			return `SELECT coalesce(sum(n), 0) FROM provider_directory_counts WHERE category = $1`, []any{f.Category}
		}
		return `SELECT coalesce(sum(n), 0) FROM provider_directory_counts WHERE category = $1 AND status = $2`, []any{f.Category, f.Status}
	}
	q := &query{}
	q.filter(f)
	join, conds := "", []string(nil)
	if f.RAG != "" {
		join, conds = q.ragJoin(f.RAG)
	}
	return `SELECT count(*) FROM (SELECT 1 FROM organisations o` + join + q.where(conds...) + ` LIMIT ` + strconv.Itoa(CountCap+1) + `) matches`, q.args
}

// eachBatch is how many rows Each reads at a time.
const eachBatch = 500

// Each calls fn for every provider matching f, in the sort order, reading a page at a time
// so that memory stays flat however many there are. It returns how many it passed to fn.
func Each(ctx context.Context, db sqlx.QueryerContext, f Filter, s Sort, fn func(Provider) error) (int, error) {
	n := 0
	var after *Cursor
	for {
		page, err := List(ctx, db, Request{Filter: f, Sort: s, After: after, Size: eachBatch})
		if err != nil {
			return n, err
		}
		for _, p := range page.Providers {
			if err := fn(p); err != nil {
				return n, err
			}
			n++
		}
		if page.Next == nil {
			return n, nil
		}
		after = page.Next
	}
}
