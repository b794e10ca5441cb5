package quality_test

import (
	"slices"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/quality"
)

func validSettingsInput() quality.SettingsInput {
	return quality.SettingsInput{InsuranceWarningDays: "30", MinEmployersLiability: "£5,000,000", DBSCheckMonths: "12",
		QAOverdueRedDays: "30", ReturnLateRedDays: "30", ReminderDays: "60, 30, 7", JudgementMaxAgeYears: "3"}
}

func TestSettingsParse(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*quality.SettingsInput)
		field string // the field refused, or "" for none
	}{
		{"valid", func(*quality.SettingsInput) {}, ""},
		{"no warning days", func(in *quality.SettingsInput) { in.InsuranceWarningDays = "" }, "insurance_warning_days"},
		{"warning days not a number", func(in *quality.SettingsInput) { in.InsuranceWarningDays = "thirty" }, "insurance_warning_days"},
		{"warning days zero", func(in *quality.SettingsInput) { in.InsuranceWarningDays = "0" }, "insurance_warning_days"},
		{"warning days over a year", func(in *quality.SettingsInput) { in.InsuranceWarningDays = "366" }, "insurance_warning_days"},
		{"cover below the legal minimum", func(in *quality.SettingsInput) { in.MinEmployersLiability = "4999999.99" }, "min_employers_liability"},
		{"cover not money", func(in *quality.SettingsInput) { in.MinEmployersLiability = "five million" }, "min_employers_liability"},
		{"cover absurdly high", func(in *quality.SettingsInput) { in.MinEmployersLiability = "100000000.01" }, "min_employers_liability"},
		{"cover raised", func(in *quality.SettingsInput) { in.MinEmployersLiability = "10,000,000" }, ""},
		{"DBS months over 3 years", func(in *quality.SettingsInput) { in.DBSCheckMonths = "37" }, "dbs_check_months"},
		{"DBS months negative", func(in *quality.SettingsInput) { in.DBSCheckMonths = "-1" }, "dbs_check_months"},
		{"QA red days empty", func(in *quality.SettingsInput) { in.QAOverdueRedDays = " " }, "qa_overdue_red_days"},
		{"returns red days fractional", func(in *quality.SettingsInput) { in.ReturnLateRedDays = "1.5" }, "return_late_red_days"},
		{"no reminder days", func(in *quality.SettingsInput) { in.ReminderDays = " , " }, "reminder_days"},
		{"reminder day twice", func(in *quality.SettingsInput) { in.ReminderDays = "30, 7, 30" }, "reminder_days"},
		{"six reminder days", func(in *quality.SettingsInput) { in.ReminderDays = "90,60,30,14,7,1" }, "reminder_days"},
		{"reminder day zero", func(in *quality.SettingsInput) { in.ReminderDays = "30,0" }, "reminder_days"},
		{"reminder day not a number", func(in *quality.SettingsInput) { in.ReminderDays = "a week" }, "reminder_days"},
		{"one reminder day", func(in *quality.SettingsInput) { in.ReminderDays = "14" }, ""},
		{"no judgement age", func(in *quality.SettingsInput) { in.JudgementMaxAgeYears = "" }, "judgement_max_age_years"},
		{"judgement age zero", func(in *quality.SettingsInput) { in.JudgementMaxAgeYears = "0" }, "judgement_max_age_years"},
		{"judgement age over 10 years", func(in *quality.SettingsInput) { in.JudgementMaxAgeYears = "11" }, "judgement_max_age_years"},
		{"judgement age 5 years", func(in *quality.SettingsInput) { in.JudgementMaxAgeYears = "5" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validSettingsInput()
			tt.edit(&in)
			_, errs := in.Parse()
			if tt.field == "" && len(errs) > 0 {
				t.Fatalf("refused: %v", errs)
			}
			if tt.field != "" && (len(errs) != 1 || errs[tt.field] == "") {
				t.Fatalf("errors %v, want one for %s", errs, tt.field)
			}
		})
	}
	in := validSettingsInput()
	in.ReminderDays = "7;60 30"
	s, errs := in.Parse()
	if len(errs) > 0 || !slices.Equal(s.ReminderDays, []int{60, 30, 7}) {
		t.Errorf("reminder days %v (%v), want largest first", s.ReminderDays, errs)
	}
}

// TestUpdateSettings stores the settings in the shared settings table, audits them with
// their values before and after, and refuses a save over someone else's change.
func TestUpdateSettings(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	svc := w.service()
	before, err := quality.LoadSettings(w.Ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before.ReminderDays, []int{60, 30, 7}) || before.InsuranceWarningDays != 30 || before.MinEmployersLiabilityPence != 500_000_000 {
		t.Fatalf("defaults %+v", before)
	}
	in := validSettingsInput()
	in.InsuranceWarningDays, in.ReminderDays, in.MinEmployersLiability = "45", "90, 14", "10000000"
	if err := svc.UpdateSettings(w.Ctx, in, before.Fingerprint()); err != nil {
		t.Fatal(err)
	}
	after, err := quality.LoadSettings(w.Ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	if after.InsuranceWarningDays != 45 || !slices.Equal(after.ReminderDays, []int{90, 14}) || after.MinEmployersLiabilityPence != 1_000_000_000 {
		t.Errorf("after saving: %+v", after)
	}
	var audited struct {
		From int `db:"from"`
		To   int `db:"to"`
	}
	if err := w.DB.Get(&audited, `SELECT (summary->'insurance_warning_days'->>'from')::int AS from, (summary->'insurance_warning_days'->>'to')::int AS to
		FROM audit_events WHERE action = 'quality.settings.updated' AND actor_id = $1`, w.Officer); err != nil {
		t.Fatalf("audit event: %v", err)
	}
	if audited.From != 30 || audited.To != 45 {
		t.Errorf("audited %+v", audited)
	}

	// A second editor who opened the page before the first saved is refused.
	in.InsuranceWarningDays = "10"
	if err := svc.UpdateSettings(w.Ctx, in, before.Fingerprint()); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("save over a change: %v, want a conflict", err)
	}
	// Bad input is refused with a message per field and nothing stored.
	in.InsuranceWarningDays, in.DBSCheckMonths = "0", "100"
	err = svc.UpdateSettings(w.Ctx, in, after.Fingerprint())
	if f := apperr.FieldsOf(err); len(f) != 2 || f["insurance_warning_days"] == "" || f["dbs_check_months"] == "" {
		t.Errorf("invalid save: %v", err)
	}
	// A value stored out of range (by hand) reads as the default.
	w.setting(t, quality.SettingDBSCheckMonths, "999")
	s, err := quality.LoadSettings(w.Ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	if s.DBSCheckMonths != 12 || s.InsuranceWarningDays != 45 {
		t.Errorf("out-of-range setting read as %+v", s)
	}
}
