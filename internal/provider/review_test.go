package provider_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
)

func contactsWith(email string) *provider.ContactsAnswers {
	return &provider.ContactsAnswers{KeyContactName: "Kim Key", KeyContactRole: "Director", KeyContactEmail: email, KeyContactPhone: "01632 960001"}
}

// TestSectionChangesFieldByField: only the answers that differ are listed, each with its
// question, what it was and what it is now; a section with nothing decided before is all
// added; a member of staff gone is removed.
func TestSectionChangesFieldByField(t *testing.T) {
	got := provider.SectionChanges(contactsWith("kim@acorn.example"), contactsWith("kim.key@acorn.example"))
	want := []provider.FieldChange{{Label: "Key contact email", Before: "kim@acorn.example", After: "kim.key@acorn.example", Kind: provider.ChangeChanged}}
	if !slices.Equal(got, want) {
		t.Errorf("changed email: %+v, want %+v", got, want)
	}
	if got := provider.SectionChanges(contactsWith("a@b.example"), contactsWith("a@b.example")); len(got) != 0 {
		t.Errorf("no change: %+v", got)
	}
	var none *provider.ContactsAnswers
	added := provider.SectionChanges(none, contactsWith("a@b.example"))
	if len(added) != 3 || added[0].Kind != provider.ChangeAdded || added[1].After != "a@b.example" {
		t.Errorf("a new section: %+v", added)
	}
	before := &provider.SafeguardingAnswers{Staff: []provider.StaffMember{{Name: "Ann Ash", Role: "Manager"}, {Name: "Bob Birch", Role: "Carer"}}}
	after := &provider.SafeguardingAnswers{Staff: []provider.StaffMember{{Name: "Ann Ash", Role: "Manager"}}}
	removed := provider.SectionChanges(before, after)
	if len(removed) != 1 || removed[0].Label != "Bob Birch" || removed[0].Kind != provider.ChangeRemoved || removed[0].After != "" {
		t.Errorf("a member of staff removed: %+v", removed)
	}
}

// TestSectionChangesKeepSecretsMasked: a new account shows only masked on both sides, and an
// account or DBS certificate typed again whose last digits are the same is still reported,
// as entered again, never in clear.
func TestSectionChangesKeepSecretsMasked(t *testing.T) {
	v, err := vault.ParseKeys("test:" + vault.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	bank := func(sort, account string) *provider.BankAnswers {
		a := &provider.BankAnswers{AccountName: "Acorn Care Ltd", SortCode: sort, AccountNumber: account}
		if err := a.Seal(v, "row"); err != nil {
			t.Fatal(err)
		}
		return a
	}
	old, fresh, again := bank("089999", "66374958"), bank("089999", "12345674"), bank("089999", "66374958")
	changes := provider.SectionChanges(old, fresh)
	blob, _ := json.Marshal(changes)
	for _, clear := range []string{"66374958", "12345674", "089999", "08-99-99"} {
		if strings.Contains(string(blob), clear) {
			t.Fatalf("the diff shows %s in clear: %s", clear, blob)
		}
	}
	i := slices.IndexFunc(changes, func(c provider.FieldChange) bool { return c.Label == "Account number" })
	if i < 0 || !strings.HasSuffix(changes[i].Before, "4958") || !strings.HasSuffix(changes[i].After, "5674") {
		t.Errorf("account number change: %+v", changes)
	}
	retyped := provider.SectionChanges(old, again)
	if len(retyped) != 1 || retyped[0].Label != provider.HiddenValuesLabel {
		t.Errorf("the same account typed again: %+v, want only the hidden-values line", retyped)
	}
	staff := func(cert string) *provider.SafeguardingAnswers {
		a := &provider.SafeguardingAnswers{Staff: []provider.StaffMember{{Ref: "r1", Name: "Ann Ash", Role: "Manager", CertificateNumber: cert}}}
		if err := a.Seal(v, "row"); err != nil {
			t.Fatal(err)
		}
		return a
	}
	dbs := provider.SectionChanges(staff("001234567890"), staff("009999997890"))
	blob, _ = json.Marshal(dbs)
	if strings.Contains(string(blob), "001234567890") || strings.Contains(string(blob), "009999997890") || len(dbs) != 1 ||
		dbs[0].Label != provider.HiddenValuesLabel {
		t.Errorf("a DBS certificate with the same last digits: %s", blob)
	}
}

// reviewFixture is a record with two sections saved by its provider user, and an officer.
type reviewFixture struct {
	db                *sqlx.DB
	svc               *provider.Service
	org               string
	providerCtx       context.Context
	officerCtx        context.Context
	officerID, userID string
}

func newReviewFixture(t *testing.T, status provider.Status) *reviewFixture {
	t.Helper()
	d := dbtest.New(t)
	v, err := vault.ParseKeys("test:" + vault.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://portal.example.gov.uk")
	f := &reviewFixture{db: d, svc: &provider.Service{DB: d, Vault: v, Checks: provider.ChecksWith(ukid.DefaultModulusTable()), BaseURL: base}}
	f.org = newOrg(t, d, "Acorn Care Ltd", provider.StatusDraft)
	user := func(email, name, role string) string {
		var id string
		if err := d.Get(&id, `INSERT INTO users (email, name, password_hash, roles) VALUES ($1, $2, 'x', ARRAY[$3]) RETURNING id`, email, name, role); err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.userID, f.officerID = user("pat@acorn.example", "Pat Provider", "provider"), user("olive@council.example", "Olive Officer", "officer")
	if _, err := d.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, f.userID, f.org); err != nil {
		t.Fatal(err)
	}
	f.providerCtx = audit.WithActor(context.Background(), audit.Actor{UserID: f.userID, Email: "pat@acorn.example", Roles: []string{"provider"}})
	f.officerCtx = audit.WithActor(context.Background(), audit.Actor{UserID: f.officerID, Email: "olive@council.example", Roles: []string{"officer"}})
	f.save(t, provider.SectionOrganisation, &provider.OrganisationAnswers{LegalName: "Acorn Care Ltd", LegalForm: "company",
		CompaniesHouseNumber: "01234567", StartDate: form.DateInput{Day: "1", Month: "4", Year: "2010"}, OperationType: "sme",
		ServiceCategories: []string{"childrens_homes"}})
	f.save(t, provider.SectionContacts, contactsWith("kim@acorn.example"))
	if _, err := d.Exec(`UPDATE organisations SET status = $2, submitted_at = now() WHERE id = $1`, f.org, string(status)); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *reviewFixture) save(t *testing.T, key provider.SectionKey, a provider.Answers) {
	t.Helper()
	def, _ := provider.SectionByKey(string(key))
	version := 0
	if rec, err := provider.SectionRecordByKey(context.Background(), f.db, f.org, key); err == nil {
		version = rec.Version
	}
	if err := f.svc.SaveSection(f.providerCtx, f.org, def, a, version); err != nil {
		t.Fatalf("save %s: %v", key, err)
	}
}

func (f *reviewFixture) record(t *testing.T, key provider.SectionKey) *provider.SectionRecord {
	t.Helper()
	rec, err := provider.SectionRecordByKey(context.Background(), f.db, f.org, key)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func (f *reviewFixture) version(t *testing.T) int {
	t.Helper()
	org, err := provider.OrganisationByID(context.Background(), f.db, f.org)
	if err != nil {
		t.Fatal(err)
	}
	return org.Version
}

func auditCount(t *testing.T, d *sqlx.DB, action, org string) int {
	t.Helper()
	var n int
	if err := d.Get(&n, `SELECT count(*) FROM audit_events WHERE action = $1 AND object_id = $2`, action, org); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAcceptSectionsOneByOne: an officer accepts a section of the version they saw, once,
// audited; a member of the organisation cannot; a comment withdraws the acceptance while
// the others last into the resubmission; the provider changing a section ends its
// acceptance; the resubmission is compared with the answers at the decision; approval
// accepts the rest, names them in the audit trail, and closes the review.
func TestAcceptSectionsOneByOne(t *testing.T) {
	t.Parallel()
	f := newReviewFixture(t, provider.StatusSubmitted)
	ctx := f.officerCtx
	contacts := f.record(t, provider.SectionContacts)
	if err := f.svc.AcceptSection(ctx, f.org, provider.SectionContacts, contacts.Version+1); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("accepting a version not seen: %v, want a conflict", err)
	}
	for _, key := range []provider.SectionKey{provider.SectionContacts, provider.SectionOrganisation} {
		if err := f.svc.AcceptSection(ctx, f.org, key, f.record(t, key).Version); err != nil {
			t.Fatalf("accept %s: %v", key, err)
		}
	}
	if rec := f.record(t, provider.SectionContacts); rec.AcceptedAt == nil || rec.AcceptedByName == nil || *rec.AcceptedByName != "Olive Officer" {
		t.Errorf("acceptance not recorded: %+v", rec)
	}
	if err := f.svc.AcceptSection(ctx, f.org, provider.SectionContacts, contacts.Version); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("accepting twice: %v, want a conflict", err)
	}
	if n := auditCount(t, f.db, "provider.section.accepted", f.org); n != 2 {
		t.Errorf("%d acceptance audit events, want 2", n)
	}

	// Segregation: the officer's own organisation.
	if _, err := f.db.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, f.officerID, f.org); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Approve(ctx, f.org, f.version(t)); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("approving one's own organisation's record: %v, want forbidden", err)
	}
	if _, err := f.db.Exec(`DELETE FROM memberships WHERE user_id = $1`, f.officerID); err != nil {
		t.Fatal(err)
	}

	if err := f.svc.RequestChanges(ctx, f.org, f.version(t), map[provider.SectionKey]string{provider.SectionContacts: "Who is the deputy?"}); err != nil {
		t.Fatal(err)
	}
	if rec := f.record(t, provider.SectionContacts); rec.AcceptedAt != nil {
		t.Error("a section commented on is still accepted")
	}
	if rec := f.record(t, provider.SectionOrganisation); rec.AcceptedAt == nil {
		t.Error("a section accepted and not commented on lost its acceptance")
	}
	f.save(t, provider.SectionContacts, contactsWith("kim.key@acorn.example"))
	if _, err := f.db.Exec(`UPDATE organisations SET status = 'resubmitted', submitted_at = now() WHERE id = $1`, f.org); err != nil {
		t.Fatal(err)
	}
	def, _ := provider.SectionByKey(string(provider.SectionContacts))
	rec := f.record(t, provider.SectionContacts)
	baseline, err := rec.ReviewBaseline(def)
	if err != nil || baseline == nil {
		t.Fatalf("no answers kept from the decision: %v", err)
	}
	now, _ := rec.Answers(def)
	changes := provider.SectionChanges(baseline, now)
	if len(changes) != 1 || changes[0].Before != "kim@acorn.example" || changes[0].After != "kim.key@acorn.example" {
		t.Errorf("changed since the decision: %+v", changes)
	}

	if err := f.svc.Approve(ctx, f.org, f.version(t)); err != nil {
		t.Fatal(err)
	}
	var named []string
	var raw []byte
	if err := f.db.Get(&raw, `SELECT summary->'sections' FROM audit_events WHERE action = 'provider.sections.accepted_with_approval' AND object_id = $1`, f.org); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(raw, &named)
	if !slices.Equal(named, []string{"contacts"}) {
		t.Errorf("approval accepted %v with it, want only contacts", named)
	}
	var open int
	if err := f.db.Get(&open, `SELECT count(*) FROM provider_sections WHERE organisation_id = $1 AND accepted_at IS NOT NULL`, f.org); err != nil || open != 0 {
		t.Errorf("%d acceptances left after the decision (%v)", open, err)
	}
	if err := f.svc.AcceptSection(ctx, f.org, provider.SectionContacts, f.record(t, provider.SectionContacts).Version); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("accepting a section of an approved record: %v, want a conflict", err)
	}
}

// TestHeldChangeIsComparedWithTheApprovedAnswers, and whoever made it cannot accept it.
func TestHeldChangeIsComparedWithTheApprovedAnswers(t *testing.T) {
	t.Parallel()
	f := newReviewFixture(t, provider.StatusSubmitted)
	if err := f.svc.Approve(f.officerCtx, f.org, f.version(t)); err != nil {
		t.Fatal(err)
	}
	// The change is saved by an officer (as a command might), who cannot then accept it.
	def, _ := provider.SectionByKey(string(provider.SectionContacts))
	if err := f.svc.SaveSection(f.officerCtx, f.org, def, contactsWith("new@acorn.example"), f.record(t, provider.SectionContacts).Version); err != nil {
		t.Fatal(err)
	}
	rec := f.record(t, provider.SectionContacts)
	baseline, err := rec.ReviewBaseline(def)
	if err != nil {
		t.Fatal(err)
	}
	now, _ := rec.Answers(def)
	if got := provider.SectionChanges(baseline, now); len(got) != 1 || got[0].After != "new@acorn.example" || got[0].Before != "kim@acorn.example" {
		t.Errorf("held change: %+v", got)
	}
	if err := f.svc.AcceptSectionChange(f.officerCtx, f.org, provider.SectionContacts, rec.Version); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("accepting one's own change: %v, want forbidden", err)
	}
	var other string
	if err := f.db.Get(&other, `INSERT INTO users (email, name, password_hash, roles) VALUES ('oscar@council.example', 'Oscar', 'x', '{officer}') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.AcceptSectionChange(audit.WithActor(context.Background(), audit.Actor{UserID: other, Roles: []string{"officer"}}),
		f.org, provider.SectionContacts, rec.Version); err != nil {
		t.Fatal(err)
	}
	if rec := f.record(t, provider.SectionContacts); string(rec.DecidedData) != string(rec.ApprovedData) {
		t.Error("the accepted change is not the answers decided on last")
	}
}

// TestReplyToComment: a provider replies to an open comment on its own record, audited;
// another organisation's comment is not found; a comment answered by a submission is closed.
func TestReplyToComment(t *testing.T) {
	t.Parallel()
	f := newReviewFixture(t, provider.StatusSubmitted)
	if err := f.svc.RequestChanges(f.officerCtx, f.org, f.version(t), map[provider.SectionKey]string{provider.SectionContacts: "Who is the deputy?"}); err != nil {
		t.Fatal(err)
	}
	comments, err := provider.OpenComments(context.Background(), f.db, f.org)
	if err != nil || len(comments) != 1 {
		t.Fatalf("comments %+v (%v)", comments, err)
	}
	id := comments[0].ID
	if err := f.svc.ReplyToComment(f.providerCtx, f.org, id, "   "); apperr.FieldsOf(err)["reply"] == "" {
		t.Errorf("an empty reply: %v", err)
	}
	if err := f.svc.ReplyToComment(f.providerCtx, f.org, id, "Our deputy is Sam Lee."); err != nil {
		t.Fatal(err)
	}
	other := newOrg(t, f.db, "Birch Care Ltd", provider.StatusChangesRequested)
	if err := f.svc.ReplyToComment(f.providerCtx, other, id, "Not ours"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("replying through another organisation: %v, want not found", err)
	}
	if n := auditCount(t, f.db, "provider.section_comment.replied", f.org); n != 1 {
		t.Errorf("%d reply audit events, want 1", n)
	}
	// The provider submits (comments resolved with the submission): the officer's list of
	// the round's comments still has it, with the reply; no more replies are taken.
	if _, err := f.db.Exec(`UPDATE organisations SET status = 'resubmitted', submitted_at = now() WHERE id = $1`, f.org); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE provider_section_comments SET resolved_at = (SELECT submitted_at FROM organisations WHERE id = $1)
		WHERE organisation_id = $1`, f.org); err != nil {
		t.Fatal(err)
	}
	round, err := provider.ReviewComments(context.Background(), f.db, f.org)
	if err != nil || len(round) != 1 || len(round[0].Replies) != 1 || round[0].Replies[0].Reply != "Our deputy is Sam Lee." ||
		round[0].Replies[0].ByName != "Pat Provider" {
		t.Errorf("the officer's comments: %+v (%v)", round, err)
	}
	if err := f.svc.ReplyToComment(f.providerCtx, f.org, id, "Also..."); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("replying after submitting: %v, want a conflict", err)
	}
}
