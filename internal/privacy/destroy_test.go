package privacy

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
)

// TestDestroyRegistersKeepsHeldProvidersAndOpenBreaches: old disclosures and closed breaches
// go, except those about a provider the caller keeps; an open breach stays however old; the
// counts say what the deletions then do.
func TestDestroyRegistersKeepsHeldProvidersAndOpenBreaches(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := audit.WithActor(context.Background(), audit.System)
	var held, other string
	if err := d.Get(&held, `INSERT INTO organisations (name) VALUES ('Fir Residential Ltd') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := d.Get(&other, `INSERT INTO organisations (name) VALUES ('Gorse Homes Ltd') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO disclosures (disclosed_on, recipient_kind, recipient_name, what, organisation_id, lawful_basis, recorded_by_name)
		VALUES (current_date - 800, 'police', 'Old, about no provider', 'x', NULL, 'crime', 'Officer'),
		       (current_date - 800, 'police', 'Old, about the held provider', 'x', $1, 'crime', 'Officer'),
		       (current_date - 800, 'police', 'Old, about another provider', 'x', $2, 'crime', 'Officer'),
		       (current_date - 10, 'ofsted', 'Recent', 'x', NULL, 'public_task', 'Officer')`, held, other)
	exec(`INSERT INTO breaches (title, description, discovered_at, closed_at, organisation_id, recorded_by_name)
		VALUES ('Old, closed', 'x', now() - interval '900 days', now() - interval '800 days', NULL, 'DPO'),
		       ('Old, closed, held provider', 'x', now() - interval '900 days', now() - interval '800 days', $1, 'DPO'),
		       ('Old, still open', 'x', now() - interval '900 days', NULL, NULL, 'DPO'),
		       ('Recently closed', 'x', now() - interval '20 days', now() - interval '10 days', NULL, 'DPO')`, held)
	exec(`INSERT INTO breach_notifications (breach_id, audience, who, told_on, recorded_by_name)
		SELECT id, 'body', 'The ICO', current_date - 850, 'DPO' FROM breaches`)

	cutoff := time.Now().AddDate(0, 0, -365)
	keep := []string{held}
	disclosures, err := CountDisclosuresBefore(ctx, d, cutoff, keep)
	if err != nil || disclosures != 2 {
		t.Errorf("CountDisclosuresBefore = %d, %v; want 2", disclosures, err)
	}
	breaches, err := CountBreachesClosedBefore(ctx, d, cutoff, keep)
	if err != nil || breaches != 1 {
		t.Errorf("CountBreachesClosedBefore = %d, %v; want 1", breaches, err)
	}
	tx := d.MustBeginTx(ctx, nil)
	if n, err := DestroyDisclosuresBefore(ctx, tx, cutoff, keep); err != nil || n != disclosures {
		t.Errorf("DestroyDisclosuresBefore = %d, %v; the count said %d", n, err, disclosures)
	}
	if n, err := DestroyBreachesClosedBefore(ctx, tx, cutoff, keep); err != nil || n != breaches {
		t.Errorf("DestroyBreachesClosedBefore = %d, %v; the count said %d", n, err, breaches)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var names []string
	if err := d.Select(&names, `SELECT recipient_name FROM disclosures ORDER BY recipient_name`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"Old, about the held provider", "Recent"}) {
		t.Errorf("disclosures left %v", names)
	}
	if err := d.Select(&names, `SELECT title FROM breaches ORDER BY title`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"Old, closed, held provider", "Old, still open", "Recently closed"}) {
		t.Errorf("breaches left %v", names)
	}
	var notes int
	if err := d.Get(&notes, `SELECT count(*) FROM breach_notifications`); err != nil || notes != 3 {
		t.Errorf("%d breach notifications left, want the 3 of the breaches kept (%v)", notes, err)
	}
}
