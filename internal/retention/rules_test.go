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

func TestRetentionDetectsTheContractsTable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var present bool
	if err := f.db.Get(&present, `SELECT to_regclass('contracts') IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	src, err := retention.DetectContracts(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	if !present {
		if src != nil {
			t.Errorf("found contracts in %+v, but there is no contracts table", src)
		}
		return
	}
	if src == nil || src.Organisation != "organisation_id" || src.End != "end_date" || src.Terminated != "terminated_on" || src.Reference != "reference" {
		t.Errorf("contracts source %+v", src)
	}
}
