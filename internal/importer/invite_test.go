package importer_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/importer/importtest"
	"github.com/council/provider-portal/internal/membership"
	"github.com/council/provider-portal/internal/notify"
)

var invitationLink = regexp.MustCompile(`https://portal\.example\.gov\.uk/invitations/([A-Za-z0-9_-]+)`)

// TestInviteKeyContacts invites each imported provider's key contact once, with a link that
// joins them to the organisation; never a provider who registered, or one already claimed.
func TestInviteKeyContacts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if rep := f.run(t, importtest.CSV(f.rows(3)), importer.Options{}); rep.Created != 3 {
		t.Fatalf("report %+v", rep)
	}
	var registered string
	if err := f.db.Get(&registered, `INSERT INTO organisations (name) VALUES ('Registered Ltd') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	// Someone from the third supplier is already a member: the record is claimed.
	var member string
	if err := f.db.Get(&member, `INSERT INTO users (email, name, password_hash, roles) VALUES ('pat@supplier2.example.org', 'Pat', 'x', '{provider}')
		RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, member, f.orgID(t, "IMP00002")); err != nil {
		t.Fatal(err)
	}

	if n, err := f.svc.Invitable(f.ctx); err != nil || n != 2 {
		t.Fatalf("invitable %d (%v)", n, err)
	}
	n, err := f.svc.InviteKeyContacts(f.ctx)
	if err != nil || n != 2 {
		t.Fatalf("invited %d (%v)", n, err)
	}
	mail, _, err := notify.Recent(f.ctx, f.db, "", 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, m := range mail {
		if m.Kind != "claim_invitation" {
			continue // the import's own mail, about bank details
		}
		to = append(to, m.To)
		if !strings.Contains(m.Subject, "Claim Supplier") || !strings.Contains(m.Body, "supplier reference IMP0000") {
			t.Errorf("mail %q: %q", m.Subject, m.Body)
		}
		link := invitationLink.FindStringSubmatch(m.Body)
		if link == nil {
			t.Fatalf("no link in %q", m.Body)
		}
		inv, err := membership.InvitationByToken(f.ctx, f.db, link[1])
		if err != nil || !strings.EqualFold(inv.Email, m.To) {
			t.Errorf("link for %s gives %+v (%v)", m.To, inv, err)
		}
	}
	slices.Sort(to)
	if !slices.Equal(to, []string{"kim0@supplier0.example.org", "kim1@supplier1.example.org"}) {
		t.Errorf("mail to %v", to)
	}

	// Again: nobody is invited twice while an invitation is open.
	if n, err := f.svc.InviteKeyContacts(f.ctx); err != nil || n != 0 {
		t.Errorf("second run invited %d (%v)", n, err)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE kind = 'claim_invitation'`); n != 2 {
		t.Errorf("%d mails after inviting twice", n)
	}
	// An invitation left to expire is sent again.
	if _, err := f.db.Exec(`UPDATE membership_invitations SET expires_at = now() - interval '1 day'
		WHERE organisation_id = $1`, f.orgID(t, "IMP00000")); err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.InviteKeyContacts(f.ctx); err != nil || n != 1 {
		t.Errorf("after expiry invited %d (%v)", n, err)
	}
	if n := f.count(t, `SELECT count(*) FROM membership_invitations WHERE organisation_id = $1`, registered); n != 0 {
		t.Error("a provider who registered was invited")
	}
	if n := f.count(t, `SELECT count(*) FROM audit_events WHERE action = 'membership.invited' AND summary->>'via' = 'import'`); n != 3 {
		t.Errorf("%d invitations audited", n)
	}
	if n := f.count(t, `SELECT count(*) FROM organisations WHERE claim_invited_at IS NOT NULL`); n != 2 {
		t.Errorf("%d organisations marked invited", n)
	}
}
