package quality

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/settings"
	"github.com/jmoiron/sqlx"
)

// Names of the settings this package keeps in the shared settings table (migration 00009).
const (
	SettingInsuranceWarningDays       = "quality.insurance_warning_days"
	SettingMinEmployersLiabilityPence = "quality.min_employers_liability_pence"
	SettingDBSCheckMonths             = "quality.dbs_check_months"
	SettingQAOverdueRedDays           = "quality.qa_overdue_red_days"
	SettingReturnLateRedDays          = "quality.return_late_red_days"
	SettingReminderDays               = "quality.reminder_days"
	SettingJudgementMaxAgeYears       = "quality.judgement_max_age_years"
)

var settingNames = []string{SettingInsuranceWarningDays, SettingMinEmployersLiabilityPence, SettingDBSCheckMonths,
	SettingQAOverdueRedDays, SettingReturnLateRedDays, SettingReminderDays, SettingJudgementMaxAgeYears}

// Settings are the thresholds of the compliance rules and the reminders. Officers and
// administrators change them on the settings page; every change is audited.
type Settings struct {
	// InsuranceWarningDays: a policy expiring within this many days is amber.
	InsuranceWarningDays int
	// MinEmployersLiabilityPence: employer's liability cover below this is red. Never below
	// the £5m legal minimum.
	MinEmployersLiabilityPence int64
	// DBSCheckMonths: a member of staff with no DBS status check (or new certificate) in this
	// many months is amber, and their next check falls due this long after the last.
	DBSCheckMonths int
	// QAOverdueRedDays: an overdue QA action is amber, and red once more than this many days late.
	QAOverdueRedDays int
	// ReturnLateRedDays: a late monitoring return is amber, and red once more than this many days late.
	ReturnLateRedDays int
	// JudgementMaxAgeYears: an Ofsted judgement or CQC rating older than this many years is
	// amber, as the setting is overdue a new inspection or the record is out of date.
	JudgementMaxAgeYears int
	// ReminderDays are the days before a due date on which reminders go, largest first.
	ReminderDays []int
}

// DefaultSettings are the settings while no row says otherwise.
func DefaultSettings() Settings {
	return Settings{InsuranceWarningDays: 30, MinEmployersLiabilityPence: provider.MinEmployersLiabilityPence,
		DBSCheckMonths: 12, QAOverdueRedDays: 30, ReturnLateRedDays: 30, ReminderDays: []int{60, 30, 7},
		JudgementMaxAgeYears: 3}
}

// Fingerprint identifies these values. The settings form carries the one it showed, so a
// save over someone else's change since is refused as a conflict rather than undoing it.
func (s Settings) Fingerprint() string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d|%d|%d|%d|%d|%v|%d", s.InsuranceWarningDays, s.MinEmployersLiabilityPence,
		s.DBSCheckMonths, s.QAOverdueRedDays, s.ReturnLateRedDays, s.ReminderDays, s.JudgementMaxAgeYears)))
	return hex.EncodeToString(sum[:8])
}

// LoadSettings reads the settings, with the default for any not set (or stored out of range,
// which only a hand edit of the table could do).
func LoadSettings(ctx context.Context, q sqlx.QueryerContext) (Settings, error) {
	stored, err := settings.Values(ctx, q, settingNames)
	if err != nil {
		return Settings{}, fmt.Errorf("quality settings: %w", err)
	}
	s := DefaultSettings()
	in := s.Input()
	for name, value := range stored {
		switch name {
		case SettingInsuranceWarningDays:
			in.InsuranceWarningDays = value
		case SettingMinEmployersLiabilityPence:
			if n, err := strconv.ParseInt(value, 10, 64); err == nil {
				in.MinEmployersLiability = form.PoundsOf(n)
			}
		case SettingDBSCheckMonths:
			in.DBSCheckMonths = value
		case SettingQAOverdueRedDays:
			in.QAOverdueRedDays = value
		case SettingReturnLateRedDays:
			in.ReturnLateRedDays = value
		case SettingReminderDays:
			in.ReminderDays = value
		case SettingJudgementMaxAgeYears:
			in.JudgementMaxAgeYears = value
		}
	}
	parsed, errs := in.Parse()
	if _, bad := errs["insurance_warning_days"]; !bad {
		s.InsuranceWarningDays = parsed.InsuranceWarningDays
	}
	if _, bad := errs["min_employers_liability"]; !bad {
		s.MinEmployersLiabilityPence = parsed.MinEmployersLiabilityPence
	}
	if _, bad := errs["dbs_check_months"]; !bad {
		s.DBSCheckMonths = parsed.DBSCheckMonths
	}
	if _, bad := errs["qa_overdue_red_days"]; !bad {
		s.QAOverdueRedDays = parsed.QAOverdueRedDays
	}
	if _, bad := errs["return_late_red_days"]; !bad {
		s.ReturnLateRedDays = parsed.ReturnLateRedDays
	}
	if _, bad := errs["reminder_days"]; !bad {
		s.ReminderDays = parsed.ReminderDays
	}
	if _, bad := errs["judgement_max_age_years"]; !bad {
		s.JudgementMaxAgeYears = parsed.JudgementMaxAgeYears
	}
	return s, nil
}

// SettingsInput is the settings form as typed.
type SettingsInput struct {
	InsuranceWarningDays  string      `form:"insurance_warning_days" label:"the number of days"`
	MinEmployersLiability form.Pounds `form:"min_employers_liability" label:"the minimum cover"`
	DBSCheckMonths        string      `form:"dbs_check_months" label:"the number of months"`
	QAOverdueRedDays      string      `form:"qa_overdue_red_days" label:"the number of days"`
	ReturnLateRedDays     string      `form:"return_late_red_days" label:"the number of days"`
	ReminderDays          string      `form:"reminder_days" label:"the reminder days"`
	JudgementMaxAgeYears  string      `form:"judgement_max_age_years" label:"the number of years"`
}

// SettingsFieldOrder is the form's fields in page order, for the error summary.
var SettingsFieldOrder = []string{"insurance_warning_days", "min_employers_liability", "dbs_check_months",
	"qa_overdue_red_days", "return_late_red_days", "judgement_max_age_years", "reminder_days"}

// Input fills the form from the settings.
func (s Settings) Input() SettingsInput {
	days := make([]string, len(s.ReminderDays))
	for i, d := range s.ReminderDays {
		days[i] = strconv.Itoa(d)
	}
	return SettingsInput{
		InsuranceWarningDays:  strconv.Itoa(s.InsuranceWarningDays),
		MinEmployersLiability: form.PoundsOf(s.MinEmployersLiabilityPence),
		DBSCheckMonths:        strconv.Itoa(s.DBSCheckMonths),
		QAOverdueRedDays:      strconv.Itoa(s.QAOverdueRedDays),
		ReturnLateRedDays:     strconv.Itoa(s.ReturnLateRedDays),
		ReminderDays:          strings.Join(days, ", "),
		JudgementMaxAgeYears:  strconv.Itoa(s.JudgementMaxAgeYears),
	}
}

// Parse checks the form and returns the settings it asks for, or one message per field.
func (in SettingsInput) Parse() (Settings, map[string]string) {
	var out Settings
	errs := map[string]string{}
	whole := func(field, value string, lo, hi int, unit string) int {
		value = strings.TrimSpace(value)
		n, err := strconv.Atoi(value)
		switch {
		case value == "":
			errs[field] = fmt.Sprintf("Enter a number of %s", unit)
		case err != nil:
			errs[field] = fmt.Sprintf("Enter a whole number of %s, like %d", unit, hi/12+lo)
		case n < lo || n > hi:
			errs[field] = fmt.Sprintf("Enter a number of %s from %d to %d", unit, lo, hi)
		}
		return n
	}
	out.InsuranceWarningDays = whole("insurance_warning_days", in.InsuranceWarningDays, 1, 365, "days")
	out.DBSCheckMonths = whole("dbs_check_months", in.DBSCheckMonths, 1, 36, "months")
	out.QAOverdueRedDays = whole("qa_overdue_red_days", in.QAOverdueRedDays, 1, 365, "days")
	out.ReturnLateRedDays = whole("return_late_red_days", in.ReturnLateRedDays, 1, 365, "days")
	out.JudgementMaxAgeYears = whole("judgement_max_age_years", in.JudgementMaxAgeYears, 1, 10, "years")
	pence, msg := in.MinEmployersLiability.Pence("the minimum employer's liability cover")
	switch {
	case msg != "":
		errs["min_employers_liability"] = msg
	case pence < provider.MinEmployersLiabilityPence:
		errs["min_employers_liability"] = "The minimum employer's liability cover cannot be less than £5,000,000, the legal minimum"
	case pence > 10_000_000_000:
		errs["min_employers_liability"] = "The minimum employer's liability cover must be £100,000,000 or less"
	}
	out.MinEmployersLiabilityPence = pence
	days, msg := parseReminderDays(in.ReminderDays)
	if msg != "" {
		errs["reminder_days"] = msg
	}
	out.ReminderDays = days
	return out, errs
}

// parseReminderDays reads "60, 30, 7": one to five different whole numbers of days from 1
// to 365, returned largest first.
func parseReminderDays(s string) ([]int, string) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
	if len(fields) == 0 {
		return nil, "Enter the days before a due date on which to send reminders, like 60, 30, 7"
	}
	if len(fields) > 5 {
		return nil, "Enter no more than 5 reminder days"
	}
	var out []int
	for _, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, "Enter reminder days as whole numbers separated by commas, like 60, 30, 7"
		}
		if n < 1 || n > 365 {
			return nil, "Each reminder day must be from 1 to 365"
		}
		if slices.Contains(out, n) {
			return nil, fmt.Sprintf("%d is in the list twice: enter each reminder day once", n)
		}
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b int) int { return b - a })
	return out, ""
}

// UpdateSettings stores new settings. fingerprint is that of the settings the editor read;
// a change since is a conflict. The audit event records every value before and after.
func (s *Service) UpdateSettings(ctx context.Context, in SettingsInput, fingerprint string) error {
	next, errs := in.Parse()
	if len(errs) > 0 {
		return apperr.InvalidFields(errs)
	}
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := settings.Lock(ctx, tx); err != nil {
			return err
		}
		before, err := LoadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if before.Fingerprint() != fingerprint {
			return apperr.New(apperr.Conflict, "Someone else changed the settings since you opened them. Look at them again")
		}
		values := next.Input()
		stored := map[string]string{
			SettingInsuranceWarningDays:       values.InsuranceWarningDays,
			SettingMinEmployersLiabilityPence: strconv.FormatInt(next.MinEmployersLiabilityPence, 10),
			SettingDBSCheckMonths:             values.DBSCheckMonths,
			SettingQAOverdueRedDays:           values.QAOverdueRedDays,
			SettingReturnLateRedDays:          values.ReturnLateRedDays,
			SettingReminderDays:               strings.ReplaceAll(values.ReminderDays, " ", ""),
			SettingJudgementMaxAgeYears:       values.JudgementMaxAgeYears,
		}
		if err := settings.Save(ctx, tx, stored, audit.ActorFrom(ctx).UserID); err != nil {
			return err
		}
		change := func(from, to any) map[string]any { return map[string]any{"from": from, "to": to} }
		return audit.Record(ctx, tx, audit.Event{Action: "quality.settings.updated", ObjectType: "settings", ObjectID: "quality",
			Summary: map[string]any{
				"insurance_warning_days":        change(before.InsuranceWarningDays, next.InsuranceWarningDays),
				"min_employers_liability_pence": change(before.MinEmployersLiabilityPence, next.MinEmployersLiabilityPence),
				"dbs_check_months":              change(before.DBSCheckMonths, next.DBSCheckMonths),
				"qa_overdue_red_days":           change(before.QAOverdueRedDays, next.QAOverdueRedDays),
				"return_late_red_days":          change(before.ReturnLateRedDays, next.ReturnLateRedDays),
				"reminder_days":                 change(before.ReminderDays, next.ReminderDays),
				"judgement_max_age_years":       change(before.JudgementMaxAgeYears, next.JudgementMaxAgeYears),
			}})
	})
	if err != nil {
		return err
	}
	// Every stored rating was made with the old thresholds: rate every provider again now,
	// so the directory and dashboard agree with providers' pages at once rather than after
	// the next daily check. (In batches, each its own transaction, like the daily job.)
	_, err = RefreshCompliance(ctx, s.DB, s.Today())
	return err
}
