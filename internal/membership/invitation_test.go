package membership

import (
	"regexp"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

var invitationLink = regexp.MustCompile(`https://portal\.example\.gov\.uk/invitations/([A-Za-z0-9_-]+)`)

// newOrganisation makes an organisation with members, as a test fixture.
func newOrganisation(t *testing.T, s *Service, name string, members ...*auth.User) string {
	t.Helper()
	var org string
	if err := s.DB.Get(&org, `INSERT INTO organisations (name) VALUES ($1) RETURNING id`, name); err != nil {
		t.Fatal(err)
	}
	for _, u := range members {
		if _, err := s.DB.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, u.ID, org); err != nil {
			t.Fatal(err)
		}
	}
	return org
}

// invitationToken is the token of the newest invitation mailed to email.
func invitationToken(t *testing.T, s *Service, email string) string {
	t.Helper()
	var body string
	if err := s.DB.Get(&body, `SELECT body FROM outbox WHERE to_address = $1 ORDER BY created_at DESC, id LIMIT 1`, email); err != nil {
		t.Fatal(err)
	}
	m := invitationLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no invitation link in:\n%s", body)
	}
	return m[1]
}

// TestInviteAndAccept: a member invites a colleague, who joins once through the link.
func TestInviteAndAccept(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ash := mustCreate(t, s, "ash@acorn.example", auth.RoleProvider)
	birch := mustCreate(t, s, "birch@acorn.example", auth.RoleProvider)
	outsider := mustCreate(t, s, "cedar@oak.example", auth.RoleProvider)
	org := newOrganisation(t, s, "Acorn Fostering Ltd", ash)

	if err := s.InviteMember(actorCtx(outsider), org, birch.Email, outsider); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("an outsider inviting: %v, want Forbidden", err)
	}
	if err := s.InviteMember(actorCtx(ash), org, "not an address", ash); apperr.FieldsOf(err)["email"] == "" {
		t.Errorf("a malformed address: %v, want a message for email", err)
	}
	if err := s.InviteMember(actorCtx(ash), org, ash.Email, ash); apperr.FieldsOf(err)["email"] != ash.Email+" is already a member of Acorn Fostering Ltd" {
		t.Errorf("inviting a member: %v", err)
	}
	if err := s.InviteMember(actorCtx(ash), org, birch.Email, ash); err != nil {
		t.Fatal(err)
	}
	pending, err := PendingInvitations(actorCtx(ash), s.DB, org)
	if err != nil || len(pending) != 1 || pending[0].Email != birch.Email || pending[0].InvitedBy != "Test Person" {
		t.Fatalf("pending %+v, %v", pending, err)
	}
	if life := pending[0].ExpiresAt.Sub(pending[0].CreatedAt); life < InvitationLife-time.Minute || life > InvitationLife+time.Minute {
		t.Errorf("the invitation lasts %s, want %s", life, InvitationLife)
	}
	token := invitationToken(t, s, birch.Email)
	inv, err := InvitationByToken(actorCtx(birch), s.DB, token)
	if err != nil || inv.OrganisationID != org || inv.OrganisationName != "Acorn Fostering Ltd" || inv.InvitedBy != "Test Person" {
		t.Fatalf("invitation %+v, %v", inv, err)
	}
	if _, err := s.AcceptInvitation(actorCtx(outsider), token, outsider); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("someone else accepting: %v, want Forbidden", err)
	}
	if _, err := s.AcceptInvitation(actorCtx(birch), token, birch); err != nil {
		t.Fatal(err)
	}
	if ok, err := IsMember(actorCtx(birch), s.DB, birch.ID, org); !ok || err != nil {
		t.Errorf("birch is a member: %v, %v", ok, err)
	}
	if _, err := s.AcceptInvitation(actorCtx(birch), token, birch); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("the used link again: %v, want NotFound", err)
	}
	members, err := Members(actorCtx(ash), s.DB, org)
	if err != nil || len(members) != 2 {
		t.Errorf("members %+v, %v", members, err)
	}
	for action, want := range map[string]int{"membership.invited": 1, "membership.joined": 1} {
		if n := countRows(t, s.DB, `SELECT count(*) FROM audit_events WHERE action = $1 AND object_id = $2`, action, org); n != want {
			t.Errorf("%d %s events, want %d", n, action, want)
		}
	}
}

// TestRegisterByInvitation: someone invited without an account makes one, confirmed, and joins.
func TestRegisterByInvitation(t *testing.T) {
	t.Parallel()
	s := newService(t)
	ash := mustCreate(t, s, "ash@acorn.example", auth.RoleProvider)
	org := newOrganisation(t, s, "Acorn Fostering Ltd", ash)
	n := currentNotice(t, s)
	if err := s.InviteMember(actorCtx(ash), org, "Rowan@Acorn.example", ash); err != nil {
		t.Fatal(err)
	}
	token := invitationToken(t, s, "Rowan@Acorn.example")
	a := InvitedAccount{Name: "Rowan Oak", Password: testPassword, PasswordConfirm: testPassword, NoticeID: n.ID, NoticeReadAt: time.Now().Add(-time.Minute)}
	bad := a
	bad.PasswordConfirm = "something else entirely"
	if _, _, err := s.RegisterByInvitation(systemCtx(), token, bad); apperr.FieldsOf(err)["password_confirm"] != auth.MsgPasswordMismatch {
		t.Errorf("mismatched confirmation: %v", err)
	}
	old := a
	old.NoticeID = "00000000-0000-4000-8000-000000000000"
	if _, _, err := s.RegisterByInvitation(systemCtx(), token, old); err != ErrNoticeChanged {
		t.Errorf("an old notice: %v, want ErrNoticeChanged", err)
	}
	u, inv, err := s.RegisterByInvitation(systemCtx(), token, a)
	if err != nil {
		t.Fatal(err)
	}
	if u.EmailConfirmedAt == nil || !u.Has(auth.RoleProvider) || inv.OrganisationID != org {
		t.Errorf("user %+v, invitation %+v", u, inv)
	}
	if ok, _ := IsMember(systemCtx(), s.DB, u.ID, org); !ok {
		t.Error("not a member after registering by invitation")
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM notice_acknowledgements WHERE user_id = $1`, u.ID); n != 1 {
		t.Errorf("%d acknowledgements, want 1", n)
	}
	if _, _, err := s.RegisterByInvitation(systemCtx(), token, a); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("the used link again: %v, want NotFound", err)
	}
}

// TestCreateInvitations stores one working invitation per organisation, audited, in bulk.
func TestCreateInvitations(t *testing.T) {
	t.Parallel()
	s := newService(t)
	orgA, orgB := newOrganisation(t, s, "Alder Care"), newOrganisation(t, s, "Beech Homes")
	var tokens []string
	err := db.Transact(systemCtx(), s.DB, func(tx *sqlx.Tx) error {
		var err error
		tokens, err = CreateInvitations(systemCtx(), tx, "", []NewInvitation{
			{OrganisationID: orgA, Email: "kim@alder.example", Audit: map[string]any{"via": "import", "supplier_ref": "IMP1"}},
			{OrganisationID: orgB, Email: "lee@beech.example", Audit: map[string]any{"via": "import", "supplier_ref": "IMP2"}},
		})
		return err
	})
	if err != nil || len(tokens) != 2 {
		t.Fatalf("tokens %v, %v", tokens, err)
	}
	for i, want := range []struct{ org, name, email string }{{orgA, "Alder Care", "kim@alder.example"}, {orgB, "Beech Homes", "lee@beech.example"}} {
		inv, err := InvitationByToken(systemCtx(), s.DB, tokens[i])
		if err != nil || inv.OrganisationID != want.org || inv.OrganisationName != want.name || inv.Email != want.email || inv.InvitedBy != "" {
			t.Errorf("invitation %d: %+v, %v", i, inv, err)
		}
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_events WHERE action = 'membership.invited' AND summary->>'via' = 'import'
		AND summary->>'email' IS NOT NULL AND summary->>'supplier_ref' IS NOT NULL`); n != 2 {
		t.Errorf("%d invitations audited, want 2", n)
	}
	if link := InvitationLink(s.BaseURL, tokens[0]); link != "https://portal.example.gov.uk/invitations/"+tokens[0] {
		t.Errorf("link %s", link)
	}
}
