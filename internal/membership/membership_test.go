package membership

import (
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
)

// TestRemoveMemberKeepsOne: an organisation always keeps a member, and only its members
// change who belongs.
func TestRemoveMemberKeepsOne(t *testing.T) {
	t.Parallel()
	s := newService(t)
	a := mustCreate(t, s, "ash@acorn.example", auth.RoleProvider)
	b := mustCreate(t, s, "birch@acorn.example", auth.RoleProvider)
	outsider := mustCreate(t, s, "cedar@oak.example", auth.RoleProvider)
	var org string
	if err := s.DB.Get(&org, `INSERT INTO organisations (name) VALUES ('Acorn Fostering Ltd') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*auth.User{a, b} {
		if _, err := s.DB.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, u.ID, org); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RemoveMember(actorCtx(outsider), org, a.ID, outsider); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("an outsider removing a member: %v, want Forbidden", err)
	}
	if _, err := s.RemoveMember(actorCtx(a), org, outsider.ID, a); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("removing a non-member: %v, want NotFound", err)
	}
	if _, err := s.RemoveMember(actorCtx(a), org, b.ID, a); err != nil {
		t.Fatalf("removing a colleague: %v", err)
	}
	if _, err := s.RemoveMember(actorCtx(a), org, a.ID, a); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("the last member leaving: %v, want Invalid", err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM memberships WHERE organisation_id = $1`, org); n != 1 {
		t.Errorf("%d members left, want 1", n)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_events WHERE action = 'membership.removed' AND actor_id = $1 AND summary->>'user_id' = $2`, a.ID, b.ID); n != 1 {
		t.Errorf("%d removals audited, want 1", n)
	}
}
