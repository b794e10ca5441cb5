// Package seed fills a database with synthetic, realistic data for demonstrations and load
// tests: provider organisations with every section of their record (identifiers that pass
// the forms' checks, bank details that pass the modulus check and are sealed with the vault,
// insurance, Ofsted and CQC ratings, DBS checks), the workflow that brought each to its
// status, the bank details finance approved under dual control, contracts with KPIs and
// monitoring returns, quality assurance visits and actions, audit history, and each
// provider's stored compliance rating.
//
// Everything is drawn from random streams keyed by a seed and each provider's (or
// contract's) index, so the same seed gives the same providers, and a run appending to an
// earlier one continues it. Dates are relative to the day of the run. Rows are written with
// COPY, in batches, in one transaction: a run that fails leaves nothing behind.
package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
)

// DefaultSeed is the seed when none is given, so two runs make the same data.
const DefaultSeed = 20260101

// DefaultBatch is how many providers one COPY of each table carries.
const DefaultBatch = 2000

// Options say what Run makes.
type Options struct {
	Providers int
	Contracts int
	Seed      int64
	// Append adds to a database that already has providers; without it Run refuses one.
	Append bool
	// Vault seals bank details and DBS certificate numbers as the portal does; the portal
	// must run with the same PORTAL_DATA_KEY to read them.
	Vault   *vault.Vault
	Modulus *ukid.ModulusTable
	// Now is the clock that dates are relative to; time.Now when nil.
	Now func() time.Time
	// Progress, when not nil, receives a line per batch written.
	Progress io.Writer
	// Batch is how many providers one batch holds; DefaultBatch when 0.
	Batch int
}

// Summary is what a run made and how long it took.
type Summary struct {
	// FirstIndex is the index of the first provider made (the providers already there).
	FirstIndex int
	Providers  int
	ByStatus   map[string]int
	// Rows counts the rows written, by table, and CopyTime how long copying them took.
	Rows     map[string]int
	CopyTime map[string]time.Duration
	// Ratings counts every provider by stored compliance rating after the run.
	Ratings []quality.RAGCount
	// Write is the time to generate and copy the rows; Compliance to rate every provider;
	// Analyze to vacuum and analyse the tables; Took all of it.
	Write, Compliance, Analyze, Took time.Duration
}

// NotEmptyError refuses a run on a database that already has providers, unless appending.
type NotEmptyError struct{ Providers int }

func (e *NotEmptyError) Error() string {
	return fmt.Sprintf("the database already has %d providers: run with --append to add more, or seed an empty database", e.Providers)
}

// Run makes o.Providers providers and o.Contracts contracts, then rates every provider's
// compliance and analyses the tables, so pages read the new data with good plans at once.
func Run(ctx context.Context, d *sqlx.DB, o Options) (*Summary, error) {
	start := time.Now()
	if o.Providers < 1 || o.Contracts < 0 {
		return nil, errors.New("seed: at least one provider and no negative number of contracts")
	}
	if o.Vault == nil || o.Modulus == nil {
		return nil, errors.New("seed: a vault and a modulus table are required")
	}
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	var existing int
	if err := d.GetContext(ctx, &existing, `SELECT count(*) FROM organisations`); err != nil {
		return nil, fmt.Errorf("seed: count providers: %w", err)
	}
	if existing > 0 && !o.Append {
		return nil, &NotEmptyError{Providers: existing}
	}
	g, err := newGenerator(ctx, d, o, now(), existing)
	if err != nil {
		return nil, err
	}
	sum := &Summary{FirstIndex: existing, Providers: o.Providers, ByStatus: map[string]int{}, Rows: map[string]int{},
		CopyTime: map[string]time.Duration{}}
	for i := existing; i < existing+o.Providers; i++ {
		sum.ByStatus[g.statusOf(i)]++
	}
	if err := db.Transact(ctx, d, func(tx *sqlx.Tx) error { return g.write(ctx, tx, o, existing, sum, start) }); err != nil {
		return nil, err
	}
	sum.Write = time.Since(start)

	t := time.Now()
	if _, err := quality.RefreshCompliance(ctx, d, g.today); err != nil {
		return nil, fmt.Errorf("seed: rate compliance: %w", err)
	}
	sum.Compliance = time.Since(t)
	progress(o.Progress, "rated the compliance of every provider in %s", sum.Compliance.Round(time.Millisecond))

	t = time.Now()
	// The whole database: the new rows' statistics let the planner choose good plans at once,
	// and the visibility map lets index-only scans skip the heap.
	if _, err := d.ExecContext(ctx, `VACUUM (ANALYZE)`); err != nil {
		return nil, fmt.Errorf("seed: analyse: %w", err)
	}
	sum.Analyze = time.Since(t)
	if sum.Ratings, err = quality.RAGCounts(ctx, d); err != nil {
		return nil, err
	}
	sum.Took = time.Since(start)
	return sum, nil
}

func newGenerator(ctx context.Context, d *sqlx.DB, o Options, now time.Time, existing int) (*generator, error) {
	g := &generator{seed: o.Seed, now: now, today: quality.DateOf(now), vault: o.Vault, modulus: o.Modulus}
	settings, err := contract.LoadSettings(ctx, d)
	if err != nil {
		return nil, err
	}
	g.returnDueDays = settings.ReturnDueDays
	var notice []struct {
		ID      string `db:"id"`
		Version int    `db:"version"`
	}
	if err := d.SelectContext(ctx, &notice, `SELECT id, version FROM privacy_notices WHERE audience = 'provider' AND status = 'published'
		ORDER BY version DESC LIMIT 1`); err != nil {
		return nil, fmt.Errorf("seed: privacy notice: %w", err)
	}
	g.noticeVersion = 1
	if len(notice) == 1 {
		g.noticeID, g.noticeVersion = notice[0].ID, notice[0].Version
	}
	var contractBase int
	if err := d.GetContext(ctx, &contractBase, `SELECT count(*) FROM contracts`); err != nil {
		return nil, fmt.Errorf("seed: count contracts: %w", err)
	}
	// Nobody signs in as a seeded user: the password is random and thrown away.
	if g.passwordHash, err = auth.HashPassword(auth.NewToken()); err != nil {
		return nil, err
	}
	if g.staff, err = ensureStaff(ctx, d, g.passwordHash); err != nil {
		return nil, err
	}
	var payableIdx []int
	for i := existing; i < existing+o.Providers; i++ {
		if payable(g.statusOf(i)) {
			payableIdx = append(payableIdx, i)
		}
	}
	g.contracts = assignContracts(o.Seed, payableIdx, contractBase, o.Contracts)
	return g, nil
}

// staffAccounts are the council users seeded records name; made once, reused by later runs.
var staffAccounts = []struct {
	email, name string
	role        auth.Role
}{
	{"seed.officer1@example.gov.uk", "Olu Adebayo", auth.RoleOfficer},
	{"seed.officer2@example.gov.uk", "Catherine Lowe", auth.RoleOfficer},
	{"seed.officer3@example.gov.uk", "Marek Nowak", auth.RoleOfficer},
	{"seed.officer4@example.gov.uk", "Shona Reid", auth.RoleOfficer},
	{"seed.officer5@example.gov.uk", "Imran Qureshi", auth.RoleOfficer},
	{"seed.finance1@example.gov.uk", "Grace Holt", auth.RoleFinance},
	{"seed.finance2@example.gov.uk", "Victor Mensah", auth.RoleFinance},
}

func ensureStaff(ctx context.Context, d *sqlx.DB, hash string) (staff, error) {
	var s staff
	var fin []person
	for _, a := range staffAccounts {
		var p person
		err := d.GetContext(ctx, &p.ID, `INSERT INTO users (email, name, password_hash, roles, email_confirmed_at)
			VALUES ($1, $2, $3, ARRAY[$4], now()) ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id`,
			a.email, a.name, hash, string(a.role))
		if err != nil {
			return s, fmt.Errorf("seed: staff %s: %w", a.email, err)
		}
		p.Name, p.Email = a.name, a.email
		if a.role == auth.RoleFinance {
			fin = append(fin, p)
		} else {
			s.officers = append(s.officers, p)
		}
	}
	s.finance = [2]person{fin[0], fin[1]}
	return s, nil
}

// result is one generated batch, or the error that stopped it.
type result struct {
	b   *batch
	err error
}

// write generates the batches on all but one core and copies them in order on this
// goroutine, so PostgreSQL ingests one batch while the next ones are made.
func (g *generator) write(ctx context.Context, tx *sqlx.Tx, o Options, first int, sum *Summary, start time.Time) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(1, runtime.GOMAXPROCS(0)-1)
	queue := make(chan chan result, workers+1)
	go func() {
		defer close(queue)
		sem := make(chan struct{}, workers)
		for lo := first; lo < first+o.Providers; lo += o.Batch {
			hi := min(lo+o.Batch, first+o.Providers)
			ch := make(chan result, 1)
			select {
			case queue <- ch:
			case <-ctx.Done():
				return
			}
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				b := &batch{}
				for i := lo; i < hi; i++ {
					if err := g.provider(i, b); err != nil {
						ch <- result{err: err}
						return
					}
				}
				ch <- result{b: b}
			}()
		}
	}()
	done := 0
	for ch := range queue {
		res := <-ch
		if res.err != nil {
			return res.err
		}
		if err := copyBatch(ctx, tx, res.b, sum.CopyTime); err != nil {
			return err
		}
		for t := range tableCount {
			sum.Rows[tables[t].name] += res.b.count(t)
		}
		done += res.b.providers
		elapsed := time.Since(start)
		progress(o.Progress, "%d of %d providers written (%s, %.0f a second)", done, o.Providers, elapsed.Round(time.Second),
			float64(done)/elapsed.Seconds())
	}
	// Payment details and the change that made them point at each other; the change is
	// written first, so its link is set once both exist.
	_, err := tx.ExecContext(ctx, `UPDATE bank_detail_changes c SET payment_details_id = p.id FROM payment_details p
		WHERE p.change_id = c.id AND c.payment_details_id IS NULL`)
	if err != nil {
		return fmt.Errorf("seed: link payment details: %w", err)
	}
	return nil
}

// provider generates every row of provider i into b.
func (g *generator) provider(i int, b *batch) error {
	r := newRNG(g.seed, streamProvider, i)
	rec := g.newRecord(r, i)
	if err := g.writeRecord(r, rec, b); err != nil {
		return err
	}
	if payable(rec.status) {
		if err := g.writeFinance(r, rec, b); err != nil {
			return err
		}
		g.writeVisits(r, rec, b)
		g.writeContracts(rec, b)
	}
	b.providers++
	return nil
}

func progress(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", args...)
	}
}
