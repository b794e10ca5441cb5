package subject_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/privacy/subject"
)

func search(t *testing.T, p *people, c subject.Criteria) *subject.Findings {
	t.Helper()
	if errs := c.Normalise(); len(errs) > 0 {
		t.Fatalf("criteria %+v: %v", c, errs)
	}
	f, err := subject.Search(context.Background(), p.DB, c)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestSubjectSearchFindsEverySource seeds Pat Smith in every place the portal keeps
// personal data, and Sam Jones beside them, and checks that each way of searching finds
// what it should of Pat and nothing of Sam.
func TestSubjectSearchFindsEverySource(t *testing.T) {
	t.Parallel()
	p := seedPeople(t)
	tests := []struct {
		name     string
		criteria subject.Criteria
		want     map[string]int
	}{
		{"everything", subject.Criteria{Email: patEmail, Name: patName, Phone: patPhone}, map[string]int{
			"user_accounts": 1, "provider_contacts": 2, "dbs_records": 1, "documents": 2, "emails_sent": 2, "audit_events": 5, "correction_requests": 1}},
		// By email: the account and what hangs off it, and the contact with that address;
		// not Birchwood's contact, who has another address, nor the DBS record (names only).
		{"email", subject.Criteria{Email: "PAT@ACORN.example"}, map[string]int{
			"user_accounts": 1, "provider_contacts": 1, "dbs_records": 0, "documents": 2, "emails_sent": 2, "audit_events": 5, "correction_requests": 1}},
		{"name, any case and spacing", subject.Criteria{Name: "  pat   SMITH "}, map[string]int{
			"user_accounts": 1, "provider_contacts": 2, "dbs_records": 1, "documents": 2, "emails_sent": 2, "audit_events": 5, "correction_requests": 1}},
		// By telephone: the two contact entries (one written +44 with spaces); accounts have
		// no telephone, so nothing that hangs off one, and the contacts' addresses are shown
		// for the officer to search for, not followed.
		{"phone", subject.Criteria{Phone: "+447700900123"}, map[string]int{
			"user_accounts": 0, "provider_contacts": 2, "dbs_records": 0, "documents": 0, "emails_sent": 0, "audit_events": 0, "correction_requests": 0}},
		{"Birchwood's address for Pat", subject.Criteria{Email: patAlias}, map[string]int{
			"user_accounts": 0, "provider_contacts": 1, "dbs_records": 0, "documents": 0, "emails_sent": 1, "audit_events": 0, "correction_requests": 0}},
		{"nobody", subject.Criteria{Email: "nobody@example.com"}, map[string]int{
			"user_accounts": 0, "provider_contacts": 0, "dbs_records": 0, "documents": 0, "emails_sent": 0, "audit_events": 0, "correction_requests": 0}},
	}
	for _, tt := range tests {
		f := search(t, p, tt.criteria)
		got := f.Counts()
		for k, n := range tt.want {
			if got[k] != n {
				t.Errorf("%s: %s = %d, want %d", tt.name, k, got[k], n)
			}
		}
		js, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range append(p.SamMarkers, p.SamID, "secret-token-123", patSealed, "argon2-hash") {
			if strings.Contains(string(js), m) {
				t.Errorf("%s: the findings hold %q, which is not Pat's to see", tt.name, m)
			}
		}
	}

	f := search(t, p, subject.Criteria{Email: patEmail, Name: patName, Phone: patPhone})
	u := f.Users[0]
	if u.ID != p.PatID || !slices.Equal(u.Organisations, []string{"Acorn Fostering Ltd"}) || len(u.Notices) != 1 || u.Notices[0].Version != 1 ||
		!slices.Equal(u.MatchedOn, []string{"email", "name"}) {
		t.Errorf("user record: %+v", u)
	}
	key := f.Contacts[slices.IndexFunc(f.Contacts, func(c subject.ContactRecord) bool { return c.OrganisationID == p.Acorn })]
	if key.Position != "Key contact" || !slices.Equal(key.HeldIn, []string{"current answers", "approved record"}) {
		t.Errorf("Acorn's key contact, the same in both copies, listed as %+v", key)
	}
	birch := f.Contacts[slices.IndexFunc(f.Contacts, func(c subject.ContactRecord) bool { return c.OrganisationID == p.Birchwood })]
	if birch.Position != "Contact 2" || birch.Email != patAlias || !slices.Equal(birch.MatchedOn, []string{"name", "phone"}) {
		t.Errorf("Birchwood's contact: %+v", birch)
	}
	dbs := f.DBS[0]
	if dbs.Certificate != "••••4321" || dbs.Level != "Enhanced with barred list(s)" || dbs.IssueDate != "1 February 2024" ||
		!slices.Equal(dbs.HeldIn, []string{"current answers", "approved record"}) {
		t.Errorf("DBS record: %+v", dbs)
	}
	for _, e := range f.Emails {
		if strings.Contains(e.Body, "http") {
			t.Errorf("email %q still holds a link: %q", e.Subject, e.Body)
		}
	}
	relations := map[string]int{}
	for _, e := range f.Events {
		relations[e.Relation]++
	}
	if relations["by them"] != 4 || relations["about them"] != 1 {
		t.Errorf("events by and about Pat: %v", relations)
	}
}

// TestSubjectSearchCriteria: at least one criterion, each in a form that can be matched.
func TestSubjectSearchCriteria(t *testing.T) {
	tests := []struct {
		c     subject.Criteria
		field string
	}{
		{subject.Criteria{}, "email"},
		{subject.Criteria{Name: "   "}, "email"},
		{subject.Criteria{Email: "not an address"}, "email"},
		{subject.Criteria{Phone: "12"}, "phone"},
		{subject.Criteria{Name: strings.Repeat("a", 201)}, "name"},
		{subject.Criteria{Name: "Pat\x00Smith"}, "name"},
		{subject.Criteria{Email: "pat@acorn.example\n"}, "email"},
		{subject.Criteria{Phone: "\xff"}, "phone"},
	}
	for _, tt := range tests {
		c := tt.c
		if errs := c.Normalise(); errs[tt.field] == "" {
			t.Errorf("%+v: errors %v, want one for %s", tt.c, errs, tt.field)
		}
	}
	c := subject.Criteria{Email: " pat@acorn.example ", Name: " Pat  Smith", Phone: "+44 7700 900123"}
	if errs := c.Normalise(); len(errs) > 0 || c.Email != "pat@acorn.example" || c.Name != "Pat Smith" || c.Phone != "07700900123" {
		t.Errorf("normalised to %+v (%v)", c, errs)
	}
}

// TestSubjectSearchAuditsTheView: seeing results records the search with its counts, and
// each provider whose DBS records were shown as a view of DBS data.
func TestSubjectSearchAuditsTheView(t *testing.T) {
	t.Parallel()
	p := seedPeople(t)
	r := register(t, p.DB, subject.Registration{Name: patName, IdentityMethod: "known_email", ReceivedOn: day("2026-01-05")})
	f := search(t, p, subject.Criteria{Name: patName})
	ctx := audit.WithActor(context.Background(), audit.Actor{Email: "dee@council.example", Roles: []string{"dpo"}})
	if err := subject.AuditView(ctx, p.DB, r, f); err != nil {
		t.Fatal(err)
	}
	var counts string
	if err := p.DB.Get(&counts, `SELECT summary->>'counts' FROM audit_events WHERE action = 'sar.search' AND object_id = $1`, r.ID); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(counts, `"dbs_records": 1`) {
		t.Errorf("search audited with counts %s", counts)
	}
	var dbsViews []string
	if err := p.DB.Select(&dbsViews, `SELECT object_id FROM audit_events WHERE action = 'provider.dbs.viewed' AND actor_email = 'dee@council.example'`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dbsViews, []string{p.Acorn}) {
		t.Errorf("DBS views audited for %v, want Acorn only", dbsViews)
	}
}

// TestSubjectSearchReadsTheDecidedCopy: the answers kept from the council's last decision
// (for the officers' review) are searched too, and named as such.
func TestSubjectSearchReadsTheDecidedCopy(t *testing.T) {
	t.Parallel()
	p := seedPeople(t)
	if _, err := p.DB.Exec(`UPDATE provider_sections SET decided_data = approved_data WHERE organisation_id = $1 AND section = 'contacts'`, p.Acorn); err != nil {
		t.Fatal(err)
	}
	f := search(t, p, subject.Criteria{Email: patEmail})
	i := slices.IndexFunc(f.Contacts, func(c subject.ContactRecord) bool { return c.OrganisationID == p.Acorn })
	if i < 0 || !slices.Equal(f.Contacts[i].HeldIn, []string{"current answers", "approved record", "answers at the council's last decision"}) {
		t.Errorf("Acorn's key contact: %+v", f.Contacts)
	}
}

// TestSubjectSearchReadsTheDraft: a person named only in a draft the provider saved part-done
// is found too, and the export says where.
func TestSubjectSearchReadsTheDraft(t *testing.T) {
	t.Parallel()
	p := seedPeople(t)
	if _, err := p.DB.Exec(`UPDATE provider_sections SET draft_data = jsonb_set(data, '{key_contact_email}', '"drafted.only@acorn.example"')
		WHERE organisation_id = $1 AND section = 'contacts'`, p.Acorn); err != nil {
		t.Fatal(err)
	}
	f := search(t, p, subject.Criteria{Email: "drafted.only@acorn.example"})
	i := slices.IndexFunc(f.Contacts, func(c subject.ContactRecord) bool { return c.OrganisationID == p.Acorn })
	if i < 0 || !slices.Equal(f.Contacts[i].HeldIn, []string{"draft saved by the provider, not yet sent"}) {
		t.Errorf("a person named only in a draft: %+v", f.Contacts)
	}
}
