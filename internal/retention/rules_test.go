package retention_test

import (
	"context"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/retention"
)

func TestRetentionRulesDefaultAndChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	rules, err := retention.Rules(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != len(retention.ScheduledCategories()) {
		t.Fatalf("%d rules for %d scheduled categories", len(rules), len(retention.ScheduledCategories()))
	}
	defaults := map[string]string{
		retention.CategoryRejectedRegistrations: "1 year after the decision",
		retention.CategoryContractRecords:       "6 years after the contract ends",
		retention.CategoryDBSRecords:            "6 months after the member of staff leaves or the provider's last contract ends, whichever is first",
		retention.CategoryAuditEvents:           "7 years after the event is recorded",
		retention.CategorySignInRecords:         "3 months after the last activity",
	}
	for _, r := range rules {
		if want, ok := defaults[r.Category]; ok && r.Describe() != want {
			t.Errorf("%s: %q, want %q", r.Category, r.Describe(), want)
		}
		if !r.IsDefault() {
			t.Errorf("%s is not the default before any change", r.Category)
		}
	}

	tests := []struct {
		name     string
		category string
		months   int
		trigger  string
		version  int
		kind     apperr.Kind
		field    string
	}{
		{"no such category", "nonsense", 12, "decision", 0, apperr.NotFound, ""},
		{"category without a rule", retention.CategoryDocuments, 12, "decision", 0, apperr.NotFound, ""},
		{"zero months", retention.CategoryDBSRecords, 0, "left", 0, apperr.Invalid, "months"},
		{"too long", retention.CategoryDBSRecords, 1201, "left", 0, apperr.Invalid, "months"},
		{"another category's trigger", retention.CategoryDBSRecords, 6, "decision", 0, apperr.Invalid, "trigger"},
		{"stale version", retention.CategoryDBSRecords, 6, "left", 3, apperr.Conflict, ""},
	}
	for _, tt := range tests {
		err := f.svc.UpdateRule(f.ctx(), tt.category, tt.months, tt.trigger, tt.version)
		if !apperr.Is(err, tt.kind) {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.kind)
		}
		if tt.field != "" && apperr.FieldsOf(err)[tt.field] == "" {
			t.Errorf("%s: no message for %s in %v", tt.name, tt.field, apperr.FieldsOf(err))
		}
	}
	if err := f.svc.UpdateRule(f.ctx(), retention.CategoryDBSRecords, 12, "left", 0); err != nil {
		t.Fatal(err)
	}
	r, err := retention.RuleFor(ctx, f.db, retention.CategoryDBSRecords)
	if err != nil || r.Describe() != "1 year after the member of staff leaves" || r.Version != 1 {
		t.Errorf("after the change: %+v (%q), %v", r, r.Describe(), err)
	}
	if err := f.svc.UpdateRule(f.ctx(), retention.CategoryDBSRecords, 18, "left", 0); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a second change from the default's version: %v, want a conflict", err)
	}
	if n := f.count(`SELECT count(*) FROM audit_events WHERE action = 'retention.rule.updated' AND object_id = $1`, retention.CategoryDBSRecords); n != 1 {
		t.Errorf("%d rule changes audited, want 1", n)
	}
}

func TestRetentionHoldValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, ref := f.org("Maple Care Ltd", "approved", nil)
	tests := []struct {
		name, kind, ref, reason, field string
	}{
		{"nothing chosen", "", ref, "Claim", "object_type"},
		{"no reference", retention.HoldOrganisation, " ", "Claim", "reference"},
		{"no reason", retention.HoldOrganisation, ref, "", "reason"},
		{"unknown provider", retention.HoldOrganisation, "SUP999999", "Claim", "reference"},
		{"unknown contract", retention.HoldContract, "NO-SUCH", "Claim", "reference"},
	}
	for _, tt := range tests {
		_, err := f.svc.PlaceHold(f.ctx(), tt.kind, tt.ref, tt.reason)
		if apperr.FieldsOf(err)[tt.field] == "" {
			t.Errorf("%s: %v, want a message for %s", tt.name, err, tt.field)
		}
	}
	h := f.hold(retention.HoldOrganisation, ref)
	if h.Label != ref+" Maple Care Ltd" {
		t.Errorf("hold label %q", h.Label)
	}
	if _, err := f.svc.PlaceHold(f.ctx(), retention.HoldOrganisation, ref, "Twice"); apperr.FieldsOf(err)["reference"] == "" {
		t.Errorf("a second hold on the same provider: %v", err)
	}
	holds, total, err := f.svc.Holds(context.Background(), f.db, 10, 0)
	if err != nil || total != 1 || len(holds) != 1 || !holds[0].Active() || holds[0].Label != h.Label {
		t.Errorf("holds %+v, total %d, %v", holds, total, err)
	}
}

// TestRetentionContractsEndAtTheirTermination: a contract terminated early is due from its
// termination date, not its end date; one still running is not; a hold names a contract by
// its reference, and the proposal names contracts by theirs.
func TestRetentionContractsEndAtTheirTermination(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	org, ref := f.org("Hawthorn Homes Ltd", "approved", nil)
	var terminated string
	if err := f.db.Get(&terminated, `INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route,
			start_date, end_date, total_value_pence, annual_value_pence, status, terminated_on, termination_reason)
		VALUES ('K-TERM', 'Placements', $1, 'childrens_homes', 'spot', current_date - 4000, current_date + 365, 1, 1, 'terminated',
			$2, 'Ended early') RETURNING id`, org, f.ago(73, 0)); err != nil {
		t.Fatal(err)
	}
	f.contract(org, "K-RUN", f.now.AddDate(0, 0, 30))
	f.sweep()
	p, ok := f.openProposals()[retention.CategoryContractRecords]
	if !ok || p.ItemCount != 1 {
		t.Fatalf("contract proposal %+v (open %v), want the terminated contract alone", p, ok)
	}
	items, err := f.svc.ProposalItems(context.Background(), f.db, p.ID, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].ObjectID != terminated || items[0].Label != "Contract K-TERM of "+ref+" Hawthorn Homes Ltd" {
		t.Errorf("proposal items %+v", items)
	}
	h := f.hold(retention.HoldContract, "K-TERM")
	if h.ObjectID != terminated {
		t.Errorf("the hold is on %s, want the contract %s", h.ObjectID, terminated)
	}
	holds, _, err := f.svc.Holds(context.Background(), f.db, 10, 0)
	if err != nil || len(holds) != 1 || holds[0].Label != "Contract K-TERM" {
		t.Errorf("holds %+v, %v", holds, err)
	}
	d, err := f.svc.Approve(f.ctx(), p.ID, p.Version)
	if err != nil || d.Destroyed != 0 || f.count(`SELECT count(*) FROM contracts`) != 2 {
		t.Errorf("approving with the contract held: %+v, %v; nothing may go", d, err)
	}
}
