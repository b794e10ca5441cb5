package directory_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/directory"
	"github.com/jmoiron/sqlx"
)

// BenchmarkDirectory reads the directory at 1,000 and 100,000 providers: the first page,
// a deep page (90% of the way through) with a filter, the rating order, a name search and
// the count the page shows. A keyset page should cost about the same at both sizes and as
// deep as it likes; the "offset" case reads the same deep page the way keyset pagination
// avoids, for comparison. Run it with
//
//	go test -run '^$' -bench Directory -benchtime 3x ./internal/directory/
func BenchmarkDirectory(b *testing.B) {
	ctx := context.Background()
	approved := directory.Filter{Status: "approved"}
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("providers=%d", n), func(b *testing.B) {
			d := dbtest.New(b)
			seedProviders(b, d, n)
			deep, offset := deepCursor(b, d, 0.9)
			page := func(b *testing.B, r directory.Request) {
				b.Helper()
				rows := 0
				for range b.N {
					p, err := directory.List(ctx, d, r)
					if err != nil {
						b.Fatal(err)
					}
					rows = len(p.Providers)
				}
				if rows != r.Size {
					b.Fatalf("a page of %d rows, want %d", rows, r.Size)
				}
			}
			b.Run("first page", func(b *testing.B) {
				page(b, directory.Request{Sort: directory.SortName, Size: 25})
			})
			b.Run("deep page, approved", func(b *testing.B) {
				page(b, directory.Request{Filter: approved, Sort: directory.SortName, After: &deep, Size: 25})
			})
			b.Run("first page, worst rating first", func(b *testing.B) {
				page(b, directory.Request{Sort: directory.SortRAG, Size: 25})
			})
			b.Run("first page, recently updated, green, children's homes", func(b *testing.B) {
				page(b, directory.Request{Filter: directory.Filter{RAG: "green", Category: "childrens_homes"}, Sort: directory.SortUpdated, Size: 25})
			})
			b.Run("name search", func(b *testing.B) {
				page(b, directory.Request{Filter: directory.Filter{Query: "fostering"}, Sort: directory.SortName, Size: 25})
			})
			b.Run("count, approved", func(b *testing.B) {
				for range b.N {
					if _, err := directory.Count(ctx, d, approved); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("deep page, approved, by OFFSET (for comparison)", func(b *testing.B) {
				for range b.N {
					var ids []string
					if err := d.SelectContext(ctx, &ids, `SELECT id FROM organisations WHERE status = 'approved'
						ORDER BY lower(coalesce(nullif(legal_name, ''), name)), id OFFSET $1 LIMIT 25`, offset); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// seedProviders makes n providers in one statement: varied names, statuses (half approved),
// postcodes, identifiers and categories, and a stored compliance rating for nine in ten.
func seedProviders(b *testing.B, d *sqlx.DB, n int) {
	b.Helper()
	stmts := []string{
		`INSERT INTO organisations (name, legal_name, status, postcode, vat_number, companies_house_number, cqc_provider_id,
			ofsted_urns, service_categories, updated_at)
		SELECT 'Registered ' || g,
			initcap(substr(md5(g::text), 1, 7)) || ' ' || (ARRAY['Care', 'Fostering', 'Homes', 'Education', 'Family Support'])[1 + g % 5] || ' Ltd',
			(ARRAY['approved', 'approved', 'approved', 'approved', 'approved', 'approved', 'draft', 'submitted', 'suspended',
				'changes_requested', 'resubmitted', 'rejected'])[1 + g % 12],
			(ARRAY['NN', 'LE', 'NG', 'DE', 'S', 'B'])[1 + g % 6] || (1 + g % 20) || ' ' || (g % 10) || 'AB',
			'GB' || lpad(g::text, 9, '0'), lpad(g::text, 8, '0'), '1-' || lpad(g::text, 10, '0'),
			ARRAY['SC' || lpad(g::text, 6, '0')],
			ARRAY[(ARRAY['childrens_homes', 'independent_fostering', 'supported_accommodation', 'send_education', 'short_breaks'])[1 + g % 5]],
			now() - make_interval(mins => g)
		FROM generate_series(1, $1) g`,
		`INSERT INTO provider_compliance (organisation_id, rag, reasons, computed_on)
		SELECT id, (ARRAY['red', 'amber', 'amber', 'green', 'green', 'green', 'green', 'green', 'green'])[1 + abs(hashtext(id::text)) % 9], '[]', current_date
		FROM organisations WHERE abs(hashtext(id::text)) % 10 <> 0`,
		`VACUUM ANALYZE organisations`,
		`VACUUM ANALYZE provider_compliance`,
	}
	for i, s := range stmts {
		var err error
		if i == 0 {
			_, err = d.Exec(s, n)
		} else {
			_, err = d.Exec(s)
		}
		if err != nil {
			b.Fatalf("seed: %v", err)
		}
	}
	var got int
	if err := d.Get(&got, `SELECT count(*) FROM organisations`); err != nil || got != n {
		b.Fatalf("seeded %d providers, want %d: %v", got, n, err)
	}
}

// deepCursor is the position of the approved provider at the given fraction of the way
// through the name order, and how many approved providers come before it.
func deepCursor(b *testing.B, d *sqlx.DB, fraction float64) (directory.Cursor, int) {
	b.Helper()
	var total int
	if err := d.Get(&total, `SELECT count(*) FROM organisations WHERE status = 'approved'`); err != nil {
		b.Fatal(err)
	}
	offset := int(float64(total) * fraction)
	var row struct {
		Name string `db:"name_key"`
		ID   string `db:"id"`
	}
	if err := d.Get(&row, `SELECT lower(coalesce(nullif(legal_name, ''), name)) AS name_key, id FROM organisations
		WHERE status = 'approved' ORDER BY 1, id OFFSET $1 LIMIT 1`, offset); err != nil {
		b.Fatal(err)
	}
	return directory.Cursor{Sort: directory.SortName, Name: row.Name, ID: row.ID}, offset + 1
}
