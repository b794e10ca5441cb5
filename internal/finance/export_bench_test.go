package finance_test

import (
	"context"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/finance"
	"github.com/google/uuid"
	"github.com/lib/pq"
)

// benchSuppliers is how many providers the export benchmark pays.
const benchSuppliers = 100_000

// BenchmarkPaymentExport100k streams the supplier payment file for 100,000 providers, as CSV
// and as XLSX, and reports the peak heap in use while it runs: the figure that shows memory
// stays flat however many suppliers there are. Run it with
//
//	go test -run '^$' -bench PaymentExport -benchtime 1x ./internal/finance/
func BenchmarkPaymentExport100k(b *testing.B) {
	f := newFixture(b)
	fay := f.person("fay@council.example", "Fay Finance", "finance")
	seedSuppliers(b, f, benchSuppliers)
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			runtime.GC()
			peak := sampleHeap()
			rows := 0
			var bytes int64
			b.ResetTimer()
			for range b.N {
				e, err := f.svc.PaymentExport(fay.ctx, finance.PaymentExportOptions{Format: format})
				if err != nil {
					b.Fatal(err)
				}
				res, err := f.svc.WriteTo(fay.ctx, e, io.Discard)
				if err != nil {
					b.Fatal(err)
				}
				rows, bytes = res.Rows, res.Bytes
			}
			b.StopTimer()
			if rows != benchSuppliers {
				b.Fatalf("exported %d rows, want %d", rows, benchSuppliers)
			}
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(bytes)/(1<<20), "file-MiB")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

// sampleHeap records the highest HeapInuse seen every few milliseconds until the returned
// function is called, which stops sampling and returns that high-water mark in bytes.
func sampleHeap() func() uint64 {
	var high atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	read := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		for {
			cur := high.Load()
			if m.HeapInuse <= cur || high.CompareAndSwap(cur, m.HeapInuse) {
				return
			}
		}
	}
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				read()
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		close(stop)
		wg.Wait()
		return high.Load()
	}
}

// seedSuppliers makes n approved providers with verified, approved payment details, in bulk:
// organisations and their record sections from generate_series, and payment details sealed
// here (each row's ciphertext is bound to its own id, so it cannot be made in SQL) and sent
// in batches of arrays.
func seedSuppliers(b *testing.B, f *fixture, n int) {
	b.Helper()
	ctx := context.Background()
	rita := f.person("rita@council.example", "Rita Requester", "provider")
	vic := f.person("vic@council.example", "Vic Verifier", "finance")
	ann := f.person("ann@council.example", "Ann Approver", "finance")
	steps := []string{
		`INSERT INTO organisations (name, legal_name, trading_name, status, vat_number, companies_house_number, postcode, decided_at)
		 SELECT 'Supplier ' || g, 'Supplier ' || g || ' Ltd', 'Supplier ' || g, 'approved', 'GB980780684',
		        lpad(g::text, 8, '0'), 'EX1 1AA', now()
		 FROM generate_series(1, $1) g`,
		`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed)
		 SELECT o.id, 'addresses', a.doc, a.doc, true FROM organisations o,
		 LATERAL (SELECT jsonb_build_object('reg_line1', 'Unit ' || o.supplier_ref, 'reg_line2', 'Oak Lane', 'reg_town', 'Exampleton',
		          'reg_county', 'Exampleshire', 'reg_postcode', 'EX1 1AA', 'correspondence_same', 'yes') AS doc) a
`,
		`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed)
		 SELECT o.id, 'contacts', c.doc, c.doc, true FROM organisations o,
		 LATERAL (SELECT jsonb_build_object('key_contact_name', 'Kim Key', 'key_contact_role', 'Director',
		          'key_contact_email', 'kim@' || lower(o.supplier_ref) || '.example', 'key_contact_phone', '07700900982') AS doc) c
`,
	}
	for i, q := range steps {
		var args []any
		if i == 0 {
			args = append(args, n)
		}
		if _, err := f.db.ExecContext(ctx, q, args...); err != nil {
			b.Fatal(err)
		}
	}
	// The requests the details came from. The export never reads their sealed columns, so
	// they hold a placeholder rather than n more ciphertexts.
	if _, err := f.db.ExecContext(ctx, `INSERT INTO bank_detail_changes (organisation_id, kind, account_name, sort_code_sealed,
			account_number_sealed, sort_code_last2, account_last4, remittance_email, requested_by, requested_by_name, status,
			verified_by, verified_by_name, verified_at, approved_by, approved_by_name, approved_at, effective_from, closed_at, expires_at)
		SELECT o.id, 'initial', o.legal_name, 'seeded', 'seeded', '99', '4958', 'accounts@supplier.example', $1, 'Rita Requester',
		       'approved', $2, 'Vic Verifier', now(), $3, 'Ann Approver', now(), current_date, now(), now() + interval '30 days'
		FROM organisations o`, rita.ID, vic.ID, ann.ID); err != nil {
		b.Fatal(err)
	}
	var changes []struct {
		ID    string `db:"id"`
		OrgID string `db:"organisation_id"`
	}
	if err := f.db.SelectContext(ctx, &changes, `SELECT id, organisation_id FROM bank_detail_changes`); err != nil {
		b.Fatal(err)
	}
	const batch = 10_000
	for start := 0; start < len(changes); start += batch {
		end := min(start+batch, len(changes))
		var ids, orgs, changeIDs, sortCodes, accounts []string
		for _, c := range changes[start:end] {
			id := uuid.NewString()
			sc, err := f.vault.Seal(accountA.SortCode, "payment_details:"+id+":sort_code")
			if err != nil {
				b.Fatal(err)
			}
			acc, err := f.vault.Seal(accountA.Account, "payment_details:"+id+":account_number")
			if err != nil {
				b.Fatal(err)
			}
			ids, orgs, changeIDs = append(ids, id), append(orgs, c.OrgID), append(changeIDs, c.ID)
			sortCodes, accounts = append(sortCodes, sc), append(accounts, acc)
		}
		if _, err := f.db.ExecContext(ctx, `INSERT INTO payment_details (id, organisation_id, change_id, account_name, sort_code_sealed,
				account_number_sealed, sort_code_last2, account_last4, remittance_email, effective_from, hold_until,
				requested_by, verified_by, verified_by_name, approved_by, approved_by_name)
			SELECT r.id, r.org, r.change, 'Supplier account', r.sc, r.acc, '99', '4958', 'accounts@supplier.example',
			       current_date, current_date + 5, $6, $7, 'Vic Verifier', $8, 'Ann Approver'
			FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS r(id, org, change, sc, acc)`,
			pq.StringArray(ids), pq.StringArray(orgs), pq.StringArray(changeIDs), pq.StringArray(sortCodes), pq.StringArray(accounts),
			rita.ID, vic.ID, ann.ID); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := f.db.ExecContext(ctx, `ANALYZE organisations; ANALYZE payment_details; ANALYZE provider_sections`); err != nil {
		b.Fatal(err)
	}
}
