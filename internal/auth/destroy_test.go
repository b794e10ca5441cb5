package auth

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/lib/pq"
)

// TestDestroyProviderUsersOnlyOf: a provider user whose every organisation is destroyed
// goes; one who belongs to another organisation stays, and so does any account with a
// staff role, whatever its memberships.
func TestDestroyProviderUsersOnlyOf(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := audit.WithActor(context.Background(), audit.System)
	org := func(name string) string {
		t.Helper()
		var id string
		if err := d.Get(&id, `INSERT INTO organisations (name) VALUES ($1) RETURNING id`, name); err != nil {
			t.Fatal(err)
		}
		return id
	}
	user := func(email string, roles []string, orgs ...string) {
		t.Helper()
		var id string
		if err := d.Get(&id, `INSERT INTO users (email, name, password_hash, roles) VALUES ($1, 'Test', 'x', $2) RETURNING id`,
			email, pq.StringArray(roles)); err != nil {
			t.Fatal(err)
		}
		for _, o := range orgs {
			if _, err := d.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, id, o); err != nil {
				t.Fatal(err)
			}
		}
	}
	a, b, kept := org("Alder Care Ltd"), org("Birch Care Ltd"), org("Cedar Care Ltd")
	user("only.a@example.com", []string{"provider"}, a)
	user("a.and.b@example.com", []string{"provider"}, a, b)
	user("a.and.kept@example.com", []string{"provider"}, a, kept)
	user("only.kept@example.com", []string{"provider"}, kept)
	user("officer@council.example", []string{"officer"}, a)
	user("nobody@example.com", []string{"provider"})

	tx := d.MustBeginTx(ctx, nil)
	n, err := DestroyProviderUsersOnlyOf(ctx, tx, []string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("destroyed %d users, want 2", n)
	}
	var left []string
	if err := d.Select(&left, `SELECT email::text FROM users ORDER BY email`); err != nil {
		t.Fatal(err)
	}
	want := []string{"a.and.kept@example.com", "nobody@example.com", "officer@council.example", "only.kept@example.com"}
	if !slices.Equal(left, want) {
		t.Errorf("users left %v, want %v", left, want)
	}
}

// TestDestroySignInRecordsBefore: the count is what the deletion then removes, and nothing
// newer than the cutoff goes.
func TestDestroySignInRecordsBefore(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := audit.WithActor(context.Background(), audit.System)
	exec := func(q string) {
		t.Helper()
		if _, err := d.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO signin_attempts (email, succeeded, at) VALUES ('old@example.com', false, now() - interval '100 days'),
		('new@example.com', true, now() - interval '10 days')`)
	exec(`INSERT INTO sessions (token_hash, stage, csrf_token, last_seen_at, expires_at)
		VALUES (gen_random_bytes(32), 'anonymous', 'x', now() - interval '100 days', now() - interval '99 days'),
		       (gen_random_bytes(32), 'anonymous', 'y', now(), now() + interval '1 day')`)
	cutoff := time.Now().AddDate(0, -3, 0)
	n, err := CountSignInRecordsBefore(ctx, d, cutoff)
	if err != nil || n != 2 {
		t.Fatalf("CountSignInRecordsBefore = %d, %v; want 2", n, err)
	}
	tx := d.MustBeginTx(ctx, nil)
	defer tx.Rollback() // after Commit, a no-op
	removed, err := DestroySignInRecordsBefore(ctx, tx, cutoff)
	if err == nil {
		err = tx.Commit()
	}
	if err != nil || removed != n {
		t.Errorf("DestroySignInRecordsBefore = %d, %v; the count said %d", removed, err, n)
	}
	var left int
	if err := d.Get(&left, `SELECT (SELECT count(*) FROM signin_attempts WHERE email = 'new@example.com') + (SELECT count(*) FROM sessions)`); err != nil || left != 2 {
		t.Errorf("%d recent records left, want 2 (%v)", left, err)
	}
}
