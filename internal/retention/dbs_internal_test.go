package retention

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestRetentionDBSClockStart(t *testing.T) {
	left, ended := day("2025-03-01"), day("2025-06-30")
	tests := []struct {
		trigger       string
		left, lastEnd time.Time
		allEnded      bool
		want          time.Time
	}{
		{"left_or_last_contract_end", left, ended, true, left},
		{"left_or_last_contract_end", ended, left, true, left},
		{"left_or_last_contract_end", time.Time{}, ended, true, ended},
		{"left_or_last_contract_end", left, ended, false, left},
		{"left_or_last_contract_end", time.Time{}, ended, false, time.Time{}},
		{"left", time.Time{}, ended, true, time.Time{}},
		{"left", left, ended, true, left},
		{"last_contract_end", left, ended, true, ended},
		{"last_contract_end", left, ended, false, time.Time{}},
	}
	for _, tt := range tests {
		if got := dbsClockStart(tt.trigger, tt.left, tt.lastEnd, tt.allEnded); !got.Equal(tt.want) {
			t.Errorf("dbsClockStart(%s, %v, %v, %v) = %v, want %v", tt.trigger, tt.left, tt.lastEnd, tt.allEnded, got, tt.want)
		}
	}
}

func TestRetentionPeriodText(t *testing.T) {
	tests := []struct {
		months int
		want   string
	}{{1, "1 month"}, {3, "3 months"}, {12, "1 year"}, {18, "18 months"}, {72, "6 years"}, {84, "7 years"}}
	for _, tt := range tests {
		if got := PeriodText(tt.months); got != tt.want {
			t.Errorf("PeriodText(%d) = %q, want %q", tt.months, got, tt.want)
		}
	}
}

// TestRetentionCategoriesAreComplete checks the one definition list: every category says what
// the record of processing needs, and every scheduled one can find and destroy what is due.
func TestRetentionCategoriesAreComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Categories {
		if seen[c.Key] {
			t.Errorf("%s is defined twice", c.Key)
		}
		seen[c.Key] = true
		for field, v := range map[string]string{"name": c.Name, "data": c.Data, "subjects": c.Subjects, "purpose": c.Purpose,
			"lawful basis": c.LawfulBasis, "recipients": c.Recipients, "destroyed": c.Destroyed, "method": string(c.Method)} {
			if v == "" {
				t.Errorf("%s has no %s", c.Key, field)
			}
		}
		switch {
		case c.HasRule() && len(c.Triggers) == 0:
			t.Errorf("%s has a period but no trigger", c.Key)
		case c.HasRule() && (c.records == nil) == (c.bulk == nil):
			t.Errorf("%s must have exactly one way to find what is due", c.Key)
		case c.HasRule() && c.Found == "":
			t.Errorf("%s does not say how it is found", c.Key)
		case !c.HasRule() && c.KeptFor == "":
			t.Errorf("%s has neither a rule nor words for how long it is kept", c.Key)
		}
	}
}
