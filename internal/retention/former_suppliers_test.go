package retention_test

import (
	"context"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/retention"
)

// TestRetentionFormerSuppliers: an approved (or suspended) supplier whose last contract ended
// more than 6 years ago is proposed and destroyed whole; one with a contract still running,
// one whose last contract ended less than 6 years ago, one that never had a contract and one
// with a contract under a legal hold are not. When the contracts go first under their own
// rule, the day the last one ended is remembered, so the supplier still follows.
func TestRetentionFormerSuppliers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	old, oldest := f.ago(84, 0), f.ago(90, 0)
	orgOld, _ := f.org("Oak Former Homes Ltd", "approved", &oldest)
	k1 := f.contract(orgOld, "K1-OAK", oldest)
	k2 := f.contract(orgOld, "K2-OAK", old)
	f.safeguarding(orgOld, staff{ref: "o1", name: "Olive Oakley"})
	f.exec(`INSERT INTO documents (organisation_id, kind, filename, content_type, size_bytes, sha256, content)
		VALUES ($1, 'insurance', 'cert.pdf', 'application/pdf', 3, '\x00', 'pdf')`, orgOld)
	onlyOld := f.user("otto.only@oak.example", "Otto Onlyoak", "provider")
	f.member(onlyOld, orgOld)

	orgSuspended, _ := f.org("Spruce Suspended Care Ltd", "suspended", &oldest)
	f.contract(orgSuspended, "K3-SPRUCE", old)

	orgRunning, _ := f.org("Rowan Running Care Ltd", "approved", &oldest)
	kOldOfRunning := f.contract(orgRunning, "K4-ROWAN", oldest)
	kRunning := f.contract(orgRunning, "K5-ROWAN", f.ago(-6, 0)) // ends in 6 months
	both := f.user("bo.both@rowan.example", "Bo Bothorgs", "provider")
	f.member(both, orgOld)
	f.member(both, orgRunning)

	orgRecent, _ := f.org("Rush Recent Care Ltd", "approved", &oldest)
	f.contract(orgRecent, "K6-RUSH", f.ago(60, 0))

	orgNever, _ := f.org("Nettle Listed Ltd", "approved", &oldest)

	orgHeld, _ := f.org("Hazel Held Care Ltd", "approved", &oldest)
	f.contract(orgHeld, "K7-HAZEL", old)
	f.hold(retention.HoldContract, "K7-HAZEL")

	res := f.sweep()
	if got := res.Due[retention.CategoryFormerSuppliers]; got != 2 {
		t.Errorf("former suppliers due: %d, want 2 (Oak, Spruce)", got)
	}
	open := f.openProposals()
	items, err := f.svc.ProposalItems(context.Background(), f.db, open[retention.CategoryFormerSuppliers].ID, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	proposed := map[string]bool{}
	for _, it := range items {
		proposed[it.ObjectID] = true
		if !strings.HasPrefix(it.Label, "Record of former supplier SUP") {
			t.Errorf("item label %q", it.Label)
		}
	}
	if !proposed[orgOld] || !proposed[orgSuspended] || len(proposed) != 2 {
		t.Errorf("proposed %v, want Oak %s and Spruce %s", proposed, orgOld, orgSuspended)
	}

	// The contracts go first under their own rule (Oak's, Spruce's, Rowan's old one): the
	// suppliers' proposal still stands, from the day remembered.
	cp := open[retention.CategoryContractRecords]
	if _, err := f.svc.Approve(f.ctx(), cp.ID, cp.Version); err != nil {
		t.Fatal(err)
	}
	if n := f.count(`SELECT count(*) FROM contracts WHERE id = ANY(ARRAY[$1, $2, $3]::uuid[])`, k1, k2, kOldOfRunning); n != 0 {
		t.Fatalf("%d ended contracts remain after their destruction", n)
	}
	if n := f.count(`SELECT count(*) FROM supplier_last_contract_ends WHERE organisation_id = $1 AND ended_on = $2::date`, orgOld, old.Format("2006-01-02")); n != 1 {
		t.Error("the day Oak's last contract ended was not remembered")
	}
	sp := open[retention.CategoryFormerSuppliers]
	d, err := f.svc.Approve(f.ctx(), sp.ID, sp.Version)
	if err != nil {
		t.Fatal(err)
	}
	if d.Destroyed != 2 {
		t.Errorf("destroyed %d former suppliers, want 2", d.Destroyed)
	}
	for _, c := range []struct {
		what       string
		table, id  string
		wantExists bool
	}{
		{"Oak, last contract 7 years ago", "organisations", orgOld, false},
		{"Spruce, suspended, last contract 7 years ago", "organisations", orgSuspended, false},
		{"Rowan, a contract running", "organisations", orgRunning, true},
		{"Rowan's running contract", "contracts", kRunning, true},
		{"Rush, last contract 5 years ago", "organisations", orgRecent, true},
		{"Nettle, never a contract", "organisations", orgNever, true},
		{"Hazel, a contract held", "organisations", orgHeld, true},
		{"the user only of Oak", "users", onlyOld, false},
		{"the user of Oak and Rowan", "users", both, true},
	} {
		if got := f.count(`SELECT count(*) FROM `+c.table+` WHERE id = $1`, c.id) == 1; got != c.wantExists {
			t.Errorf("%s: exists %v, want %v", c.what, got, c.wantExists)
		}
	}
	if n := f.count(`SELECT count(*) FROM documents WHERE organisation_id = $1`, orgOld); n != 0 {
		t.Errorf("%d documents of the destroyed supplier remain", n)
	}
	// Rowan's old contract was destroyed and remembered, but its running one keeps it.
	if res := f.sweep(); res.Due[retention.CategoryFormerSuppliers] != 0 {
		t.Errorf("after the destruction %d former suppliers due, want 0", res.Due[retention.CategoryFormerSuppliers])
	}
}

// TestRetentionFormerSuppliersWaitForTheContractRule: when contract records are kept longer
// than former suppliers, a supplier waits for its contracts' rule, since it goes with them.
func TestRetentionFormerSuppliersWaitForTheContractRule(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	org, _ := f.org("Willow Long Contracts Ltd", "approved", nil)
	f.contract(org, "K1-WILLOW", f.ago(84, 0))
	if got := f.sweep().Due[retention.CategoryFormerSuppliers]; got != 1 {
		t.Fatalf("due under the default rules: %d, want 1", got)
	}
	if err := f.svc.UpdateRule(f.ctx(), retention.CategoryContractRecords, 120, "contract_end", 0); err != nil {
		t.Fatal(err)
	}
	if got := f.sweep().Due[retention.CategoryFormerSuppliers]; got != 0 {
		t.Errorf("due with contracts kept 10 years: %d, want 0", got)
	}
}

// TestRetentionSubjectAccessCases: subject access requests closed more than 6 years ago are
// destroyed with what hangs off them; recent and open ones stay.
func TestRetentionSubjectAccessCases(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.exec(`INSERT INTO sar_requests (requester_name, identity_method, received_on, due_on, status, outcome, closed_on)
		VALUES ('Ursula Oldcase', 'known_email', current_date - 2300, current_date - 2270, 'closed', 'disclosed', current_date - 2250),
		       ('Rita Recentcase', 'known_email', current_date - 60, current_date - 30, 'closed', 'nothing_held', current_date - 20),
		       ('Otis Opencase', 'known_email', current_date - 2300, current_date - 2270, 'open', NULL, NULL)`)
	f.exec(`INSERT INTO sar_extensions (request_id, months, reason, due_before, due_after)
		SELECT id, 1, 'Complex', due_on, due_on + 30 FROM sar_requests WHERE requester_name = 'Ursula Oldcase'`)
	if got := f.sweep().Due[retention.CategorySubjectAccessCases]; got != 1 {
		t.Fatalf("subject access cases due: %d, want 1", got)
	}
	p := f.openProposals()[retention.CategorySubjectAccessCases]
	if _, err := f.svc.Approve(f.ctx(), p.ID, p.Version); err != nil {
		t.Fatal(err)
	}
	var left []string
	if err := f.db.Select(&left, `SELECT requester_name FROM sar_requests ORDER BY requester_name`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(left, ",") != "Otis Opencase,Rita Recentcase" {
		t.Errorf("requests left: %v", left)
	}
	if n := f.count(`SELECT count(*) FROM sar_extensions`); n != 0 {
		t.Errorf("%d extensions of the destroyed request remain", n)
	}
}

// TestRetentionNoticeSectionFollowsTheRules: the notice's retention section lists every
// category, each rule as it stands with what happens at its end, and changes with a rule.
func TestRetentionNoticeSectionFollowsTheRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	text, err := retention.NoticeSection(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := retention.Rules(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		c, _ := retention.CategoryByKey(r.Category)
		if !strings.Contains(text, "**"+c.Name+"**") || !strings.Contains(text, "Kept for "+r.Describe()+", then ") {
			t.Errorf("the section does not give %s as %q:\n%s", c.Name, r.Describe(), text)
		}
	}
	for _, c := range retention.Categories {
		if !c.HasRule() && !strings.Contains(text, "**"+c.Name+"**: ") {
			t.Errorf("the section leaves out %s", c.Name)
		}
	}
	for _, want := range []string{
		"**Audit trail**: who did what and when: the names and email addresses of council staff and providers' users, the IP address each sign-in came from",
		"Kept for 7 years after the event is recorded, then deleted.",
		"**Suppliers after the last contract**", "Kept for 6 years after the supplier's last contract with the council ends, then deleted.",
		"**Subject access case records**", "Kept for 6 years after the request is closed, then deleted.",
		"**Sign-in records**", "**Emails sent**", "**User accounts**", "**Breach register**", "**Disclosure log**",
		"Kept for 6 months after the member of staff leaves or the provider's last contract ends, whichever is first, then the person's details are removed from it.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the section does not say %q:\n%s", want, text)
		}
	}
	if err := f.svc.UpdateRule(f.ctx(), retention.CategoryContractRecords, 96, "contract_end", 0); err != nil {
		t.Fatal(err)
	}
	changed, err := retention.NoticeSection(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(changed, "Kept for 8 years after the contract ends") || strings.Contains(changed, "6 years after the contract ends") {
		t.Errorf("after the rule changed to 8 years:\n%s", changed)
	}
}
