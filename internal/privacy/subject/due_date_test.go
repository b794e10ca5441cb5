package subject_test

import (
	"testing"
	"time"

	"github.com/council/provider-portal/internal/privacy/subject"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestSARDueDate: one calendar month from receipt, or the last day of the next month when
// it has no corresponding day; extensions count from receipt too.
func TestSARDueDate(t *testing.T) {
	tests := []struct {
		received  string
		extension int
		want      string
	}{
		{"2026-03-15", 0, "2026-04-15"},
		{"2026-01-31", 0, "2026-02-28"},
		{"2028-01-31", 0, "2028-02-29"}, // leap year
		{"2026-01-30", 0, "2026-02-28"},
		{"2026-01-28", 0, "2026-02-28"},
		{"2026-03-31", 0, "2026-04-30"},
		{"2026-12-31", 0, "2027-01-31"}, // into the next year
		{"2026-12-15", 0, "2027-01-15"},
		{"2028-02-29", 0, "2028-03-29"},
		{"2026-01-31", 1, "2026-03-31"}, // not 28 March: counted from receipt
		{"2026-01-31", 2, "2026-04-30"},
		{"2026-11-30", 2, "2027-02-28"},
		{"2026-06-01", 2, "2026-09-01"},
	}
	for _, tt := range tests {
		got := subject.DueDate(day(tt.received), tt.extension)
		if got.Format(time.DateOnly) != tt.want {
			t.Errorf("DueDate(%s, %d) = %s, want %s", tt.received, tt.extension, got.Format(time.DateOnly), tt.want)
		}
	}
}

// TestSARDaysBetween counts calendar days whatever the time of day or zone.
func TestSARDaysBetween(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no time zone database")
	}
	tests := []struct {
		a, b time.Time
		want int
	}{
		{day("2026-02-28"), day("2026-03-01"), 1},
		{day("2026-03-01"), day("2026-02-28"), -1},
		{day("2026-03-28"), day("2026-03-30"), 2}, // over the clocks going forward
		{time.Date(2026, 3, 29, 23, 30, 0, 0, london), time.Date(2026, 3, 30, 0, 15, 0, 0, london), 1},
		{day("2026-05-05"), day("2026-05-05"), 0},
	}
	for _, tt := range tests {
		if got := subject.DaysBetween(tt.a, tt.b); got != tt.want {
			t.Errorf("DaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
