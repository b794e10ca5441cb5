package retention_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/retention"
)

// TestRetentionSweepDestroysExactlyWhatIsDue seeds due and not-due records in every record
// category and several logs, holds one provider and one contract, sweeps, approves every
// proposal and checks that exactly what was due and not held is gone, and nothing else.
func TestRetentionSweepDestroysExactlyWhatIsDue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	// Registrations turned down: A is due (13 months), B is not (11 months), C is due but held.
	oldDecision, recentDecision, longAgo := f.ago(13, 0), f.ago(11, 0), f.ago(24, 0)
	orgA, _ := f.org("Alder Care Homes Ltd", "rejected", &oldDecision)
	orgB, _ := f.org("Birch Fostering Ltd", "rejected", &recentDecision)
	orgC, refC := f.org("Cedar Youth Services Ltd", "rejected", &longAgo)
	f.safeguarding(orgA, staff{ref: "a1", name: "Annie Applegarth"})
	f.exec(`INSERT INTO documents (organisation_id, kind, filename, content_type, size_bytes, sha256, content)
		VALUES ($1, 'insurance', 'cert.pdf', 'application/pdf', 3, '\x00', 'pdf')`, orgA)
	onlyA := f.user("arthur.only@alder.example", "Arthur Onlyalder", "provider")
	f.member(onlyA, orgA)
	// Approved providers with DBS records: D's staff member d1 left 7 months ago (due), d2
	// 5 months ago (not due), d3 is still there.
	orgD, _ := f.org("Dogwood Homes Ltd", "approved", nil)
	left7, left5, left24 := f.ago(7, 0), f.ago(5, 0), f.ago(24, 0)
	f.safeguarding(orgD, staff{ref: "d1", name: "Doris Departed", left: &left7}, staff{ref: "d2", name: "Derek Recent", left: &left5},
		staff{ref: "d3", name: "Dina Current"})
	both := f.user("bea.both@alder.example", "Bea Bothorgs", "provider")
	f.member(both, orgA)
	f.member(both, orgD)
	// E's contracts have all ended, the last 7 months ago: its staff's DBS records are due. Its
	// contract K1 ended 7 years ago (due); K2 7 months ago (not due).
	orgE, _ := f.org("Elm Supported Living Ltd", "approved", nil)
	f.safeguarding(orgE, staff{ref: "e1", name: "Edna Employed"})
	k1 := f.contract(orgE, "K1-ELM", f.ago(84, 0))
	k2 := f.contract(orgE, "K2-ELM", f.ago(7, 0))
	// F is held: its long-gone member of staff stays.
	orgF, refF := f.org("Fir Residential Ltd", "approved", nil)
	f.safeguarding(orgF, staff{ref: "f1", name: "Fergus Farewell", left: &left24})
	// G's only contract ended 7 years ago but is held itself.
	orgG, _ := f.org("Gorse Short Breaks Ltd", "approved", nil)
	k3 := f.contract(orgG, "K3-GORSE", f.ago(84, 0))

	// Logs: one due and one not of each.
	f.exec(`INSERT INTO signin_attempts (email, succeeded, at) VALUES ('old.attempt@example.com', false, now() - interval '100 days'),
		('new.attempt@example.com', true, now() - interval '10 days')`)
	f.exec(`INSERT INTO sessions (token_hash, stage, csrf_token, last_seen_at, expires_at)
		VALUES (gen_random_bytes(32), 'anonymous', 'x', now() - interval '100 days', now() - interval '99 days'),
		       (gen_random_bytes(32), 'anonymous', 'y', now(), now() + interval '1 day')`)
	f.exec(`INSERT INTO outbox (to_address, subject, body, kind, created_at, sent_at)
		VALUES ('old.mail@example.com', 'Old', 'Hello Oldmail', 'test', now() - interval '13 months', now() - interval '13 months'),
		       ('new.mail@example.com', 'New', 'Hello Newmail', 'test', now() - interval '1 month', now() - interval '1 month')`)
	f.exec(`INSERT INTO disclosures (disclosed_on, recipient_kind, recipient_name, what, organisation_id, lawful_basis, recorded_by_name)
		VALUES (current_date - interval '73 months', 'police', 'Old Constabulary', 'Names of Oswald Oldshare', NULL, 'crime', 'Officer'),
		       (current_date - interval '73 months', 'police', 'Held Constabulary', 'Names at Fir', $1, 'crime', 'Officer'),
		       (current_date - interval '1 month', 'ofsted', 'Ofsted', 'Recent', NULL, 'public_task', 'Officer')`, orgF)
	f.exec(`INSERT INTO breaches (title, description, discovered_at, closed_at, recorded_by_name, risk, decision, decision_reason)
		VALUES ('Old breach', 'Letter to Olga Oldbreach sent to the wrong address', now() - interval '80 months', now() - interval '79 months', 'DPO', 'unlikely', 'not_report', 'Unlikely'),
		       ('Open breach', 'Still open', now() - interval '1 day', NULL, 'DPO', 'unassessed', 'undecided', '')`)

	f.hold(retention.HoldOrganisation, refC)
	f.hold(retention.HoldOrganisation, refF)
	f.hold(retention.HoldContract, "K3-GORSE")

	res := f.sweep()
	want := map[string]int{
		retention.CategoryRejectedRegistrations: 1, retention.CategoryContractRecords: 1, retention.CategoryDBSRecords: 2,
		retention.CategorySignInRecords: 2, retention.CategoryEmailsSent: 1, retention.CategoryAuditEvents: 0,
		retention.CategoryDisclosures: 1, retention.CategoryBreaches: 1,
	}
	for cat, n := range want {
		if res.Due[cat] != n {
			t.Errorf("sweep found %d due in %s, want %d", res.Due[cat], cat, n)
		}
	}
	open := f.openProposals()
	if _, ok := open[retention.CategoryAuditEvents]; ok {
		t.Error("a proposal was opened with nothing due")
	}
	items, err := f.svc.ProposalItems(context.Background(), f.db, open[retention.CategoryDBSRecords].ID, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, it := range items {
		refs = append(refs, it.Ref)
		if strings.Contains(it.Label, "Doris") || strings.Contains(it.Label, "Edna") {
			t.Errorf("a proposal item names the member of staff: %q", it.Label)
		}
	}
	slices.Sort(refs)
	if !slices.Equal(refs, []string{"d1", "e1"}) {
		t.Errorf("DBS proposal items %v, want d1 and e1", refs)
	}
	// Sweeping again with nothing changed keeps the proposals at their versions.
	f.sweep()
	for cat, p := range f.openProposals() {
		if p.Version != open[cat].Version {
			t.Errorf("%s: a sweep that found the same changed the version from %d to %d", cat, open[cat].Version, p.Version)
		}
	}

	for cat, p := range open {
		d, err := f.svc.Approve(f.ctx(), p.ID, p.Version)
		if err != nil {
			t.Fatalf("approve %s: %v", cat, err)
		}
		if d.Destroyed != want[cat] {
			t.Errorf("%s: destroyed %d, want %d", cat, d.Destroyed, want[cat])
		}
	}

	exists := func(table, id string) bool {
		return f.count(`SELECT count(*) FROM `+table+` WHERE id = $1`, id) == 1
	}
	for _, c := range []struct {
		what       string
		table, id  string
		wantExists bool
	}{
		{"registration A, due", "organisations", orgA, false},
		{"registration B, not yet due", "organisations", orgB, true},
		{"registration C, held", "organisations", orgC, true},
		{"provider user only of A", "users", onlyA, false},
		{"provider user of A and D", "users", both, true},
		{"contract K1, due", "contracts", k1, false},
		{"contract K2, not due", "contracts", k2, true},
		{"contract K3, held", "contracts", k3, true},
	} {
		if got := exists(c.table, c.id); got != c.wantExists {
			t.Errorf("%s: exists %v, want %v", c.what, got, c.wantExists)
		}
	}
	if n := f.count(`SELECT count(*) FROM documents WHERE organisation_id = $1`, orgA); n != 0 {
		t.Errorf("%d documents of the destroyed registration remain", n)
	}
	for _, c := range []struct {
		org  string
		want []string
	}{{orgD, []string{"d2", "d3"}}, {orgE, nil}, {orgF, []string{"f1"}}} {
		for _, col := range []string{"data", "approved_data"} {
			if got := f.staffRefs(c.org, col); !slices.Equal(got, c.want) {
				t.Errorf("safeguarding %s of %s: staff %v, want %v", col, c.org, got, c.want)
			}
		}
	}
	if n := f.count(`SELECT count(*) FROM provider_sections WHERE organisation_id = $1 AND section = 'safeguarding' AND completed`, orgE); n != 0 {
		t.Error("a safeguarding section left with nobody is still marked complete")
	}
	for _, c := range []struct {
		query string
		want  int
	}{
		{`SELECT count(*) FROM signin_attempts`, 1},
		{`SELECT count(*) FROM signin_attempts WHERE email = 'new.attempt@example.com'`, 1},
		{`SELECT count(*) FROM sessions`, 1},
		{`SELECT count(*) FROM outbox WHERE to_address = 'new.mail@example.com'`, 1},
		{`SELECT count(*) FROM outbox`, 1},
		{`SELECT count(*) FROM disclosures`, 2},
		{`SELECT count(*) FROM disclosures WHERE recipient_name = 'Old Constabulary'`, 0},
		{`SELECT count(*) FROM breaches`, 1},
		{`SELECT count(*) FROM retention_proposal_items`, 0},
		{`SELECT count(*) FROM retention_proposals WHERE status = 'proposed'`, 0},
		{`SELECT count(*) FROM destruction_log`, len(open)},
		{`SELECT count(*) FROM audit_events WHERE action = 'retention.destroyed'`, len(open)},
	} {
		if got := f.count(c.query); got != c.want {
			t.Errorf("%s = %d, want %d", c.query, got, c.want)
		}
	}

	// The log names no one: no name, email or organisation of anything destroyed or kept.
	var rows []string
	if err := f.db.Select(&rows, `SELECT row_to_json(l)::text FROM destruction_log l`); err != nil {
		t.Fatal(err)
	}
	log := strings.ToLower(strings.Join(rows, "\n"))
	for _, personal := range []string{"annie", "applegarth", "arthur", "onlyalder", "alder", "doris", "departed", "edna", "fergus",
		"oswald", "olga", "old.attempt", "old.mail", "oldmail", "@", "dana", "protection", "k1-elm"} {
		if strings.Contains(log, personal) {
			t.Errorf("the destruction log holds %q: %s", personal, log)
		}
	}
	var approvers []string
	if err := f.db.Select(&approvers, `SELECT DISTINCT approved_by::text FROM destruction_log`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(approvers, []string{f.dpo.UserID}) {
		t.Errorf("approvers %v, want the DPO's id", approvers)
	}
}

// TestRetentionHoldPlacedAfterTheSweepStopsDestruction: the approval checks holds again.
func TestRetentionHoldPlacedAfterTheSweepStopsDestruction(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	decided := f.ago(13, 0)
	org, ref := f.org("Hazel Homes Ltd", "rejected", &decided)
	f.sweep()
	p := f.openProposals()[retention.CategoryRejectedRegistrations]
	if p.ItemCount != 1 {
		t.Fatalf("proposal has %d items, want 1", p.ItemCount)
	}
	h := f.hold(retention.HoldOrganisation, ref)
	d, err := f.svc.Approve(f.ctx(), p.ID, p.Version)
	if err != nil {
		t.Fatal(err)
	}
	if d.Destroyed != 0 || f.count(`SELECT count(*) FROM organisations WHERE id = $1`, org) != 1 {
		t.Errorf("destroyed %d; the held organisation must remain", d.Destroyed)
	}
	// Released, the next sweep proposes it again, and it can go.
	if err := f.svc.ReleaseHold(f.ctx(), h.ID, "Claim settled"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ReleaseHold(f.ctx(), h.ID, "Again"); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("releasing twice: %v, want a conflict", err)
	}
	f.sweep()
	p = f.openProposals()[retention.CategoryRejectedRegistrations]
	if d, err = f.svc.Approve(f.ctx(), p.ID, p.Version); err != nil || d.Destroyed != 1 {
		t.Fatalf("after release: destroyed %v, %v", d, err)
	}
	if n := f.count(`SELECT count(*) FROM audit_events WHERE action IN ('retention.hold.placed', 'retention.hold.released') AND object_id = $1`, org); n != 2 {
		t.Errorf("%d hold events audited, want 2", n)
	}
}

// TestRetentionApprovalNeedsTheVersionReviewed: a sweep that changed the proposal since the
// reviewer looked makes the approval a conflict; an approved proposal cannot be approved again.
func TestRetentionApprovalNeedsTheVersionReviewed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	decided := f.ago(13, 0)
	f.org("Ivy Care Ltd", "rejected", &decided)
	f.sweep()
	seen := f.openProposals()[retention.CategoryRejectedRegistrations]
	f.org("Juniper Care Ltd", "rejected", &decided)
	f.sweep()
	now := f.openProposals()[retention.CategoryRejectedRegistrations]
	if now.ID != seen.ID || now.Version == seen.Version || now.ItemCount != 2 {
		t.Fatalf("after a second sweep: %+v, before %+v", now, seen)
	}
	if _, err := f.svc.Approve(f.ctx(), seen.ID, seen.Version); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("approving a stale version: %v, want a conflict", err)
	}
	if _, err := f.svc.Approve(f.ctx(), now.ID, now.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Approve(f.ctx(), now.ID, now.Version+1); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("approving twice: %v, want a conflict", err)
	}
	if _, err := f.svc.Approve(audit.WithActor(context.Background(), audit.System), now.ID, now.Version); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("the system approving: %v, want forbidden", err)
	}
	// Nothing due any more: the next sweep lets nothing stay open.
	f.sweep()
	if len(f.openProposals()) != 0 {
		t.Errorf("open proposals after everything was destroyed: %v", f.openProposals())
	}
}

// TestRetentionProposalLapsesWhenNothingIsDue: a rule made longer before approval empties the
// proposal, which lapses rather than waiting for an approval that would destroy nothing.
func TestRetentionProposalLapsesWhenNothingIsDue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	decided := f.ago(13, 0)
	org, _ := f.org("Juniper Lodge Ltd", "rejected", &decided)
	f.sweep()
	p := f.openProposals()[retention.CategoryRejectedRegistrations]
	if err := f.svc.UpdateRule(f.ctx(), retention.CategoryRejectedRegistrations, 24, "decision", 0); err != nil {
		t.Fatal(err)
	}
	// Approving the old proposal now destroys nothing: the rule in force decides.
	if d, err := f.svc.Approve(f.ctx(), p.ID, p.Version); err != nil || d.Destroyed != 0 {
		t.Fatalf("approve under the longer rule: %+v, %v", d, err)
	}
	if f.count(`SELECT count(*) FROM organisations WHERE id = $1`, org) != 1 {
		t.Error("the organisation went although the rule in force keeps it")
	}
}
