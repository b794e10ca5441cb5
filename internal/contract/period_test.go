package contract_test

import (
	"testing"
	"time"

	"github.com/council/provider-portal/internal/contract"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestPeriods(t *testing.T) {
	tests := []struct {
		name       string
		start, end time.Time
		f          contract.Frequency
		want       []contract.Period
	}{
		{"calendar months", day(2025, 1, 1), day(2025, 3, 31), contract.Monthly, []contract.Period{
			{Start: day(2025, 1, 1), End: day(2025, 1, 31)}, {Start: day(2025, 2, 1), End: day(2025, 2, 28)}, {Start: day(2025, 3, 1), End: day(2025, 3, 31)}}},
		{"months counted from the 15th, the last one short", day(2025, 1, 15), day(2025, 3, 20), contract.Monthly, []contract.Period{
			{Start: day(2025, 1, 15), End: day(2025, 2, 14)}, {Start: day(2025, 2, 15), End: day(2025, 3, 14)}, {Start: day(2025, 3, 15), End: day(2025, 3, 20)}}},
		{"a start on the 31st uses each month's last day", day(2024, 1, 31), day(2024, 4, 29), contract.Monthly, []contract.Period{
			{Start: day(2024, 1, 31), End: day(2024, 2, 28)}, {Start: day(2024, 2, 29), End: day(2024, 3, 30)}, {Start: day(2024, 3, 31), End: day(2024, 4, 29)}}},
		{"quarters across a year end", day(2025, 11, 1), day(2026, 6, 30), contract.Quarterly, []contract.Period{
			{Start: day(2025, 11, 1), End: day(2026, 1, 31)}, {Start: day(2026, 2, 1), End: day(2026, 4, 30)}, {Start: day(2026, 5, 1), End: day(2026, 6, 30)}}},
		{"a one-day contract", day(2025, 5, 5), day(2025, 5, 5), contract.Quarterly, []contract.Period{{Start: day(2025, 5, 5), End: day(2025, 5, 5)}}},
		{"an end before the start has none", day(2025, 5, 5), day(2025, 5, 4), contract.Monthly, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := contract.Periods(tt.start, tt.end, tt.f)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d periods %v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if !got[i].Start.Equal(tt.want[i].Start) || !got[i].End.Equal(tt.want[i].End) {
					t.Errorf("period %d: %s to %s, want %s to %s", i, got[i].Start.Format(time.DateOnly), got[i].End.Format(time.DateOnly),
						tt.want[i].Start.Format(time.DateOnly), tt.want[i].End.Format(time.DateOnly))
				}
			}
		})
	}
}

func TestPeriodsAreBounded(t *testing.T) {
	got := contract.Periods(day(1900, 1, 1), day(2200, 1, 1), contract.Monthly)
	if len(got) != 480 {
		t.Errorf("a 300-year contract gave %d monthly periods, want the cap of 480", len(got))
	}
}

func TestPeriodLabel(t *testing.T) {
	tests := []struct {
		p    contract.Period
		want string
	}{
		{contract.Period{Start: day(2025, 4, 1), End: day(2025, 4, 30)}, "April 2025"},
		{contract.Period{Start: day(2025, 4, 1), End: day(2025, 6, 30)}, "April to June 2025"},
		{contract.Period{Start: day(2025, 11, 1), End: day(2026, 1, 31)}, "November 2025 to January 2026"},
		{contract.Period{Start: day(2025, 1, 15), End: day(2025, 2, 14)}, "15 January 2025 to 14 February 2025"},
		{contract.Period{Start: day(2025, 3, 1), End: day(2025, 3, 20)}, "1 March 2025 to 20 March 2025"},
	}
	for _, tt := range tests {
		if got := tt.p.Label(); got != tt.want {
			t.Errorf("Label(%s to %s) = %q, want %q", tt.p.Start.Format(time.DateOnly), tt.p.End.Format(time.DateOnly), got, tt.want)
		}
	}
}
