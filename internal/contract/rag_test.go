package contract_test

import (
	"testing"

	"github.com/council/provider-portal/internal/contract"
)

func TestRate(t *testing.T) {
	tests := []struct {
		v          float64
		d          contract.Direction
		amber, red float64
		want       contract.RAG
	}{
		{96, contract.HigherIsBetter, 90, 80, contract.Green},
		{90, contract.HigherIsBetter, 90, 80, contract.Green}, // on the boundary: the better rating
		{89.99, contract.HigherIsBetter, 90, 80, contract.Amber},
		{80, contract.HigherIsBetter, 90, 80, contract.Amber},
		{79, contract.HigherIsBetter, 90, 80, contract.Red},
		{-5, contract.HigherIsBetter, 0, 0, contract.Red},
		{1, contract.LowerIsBetter, 2, 5, contract.Green},
		{2, contract.LowerIsBetter, 2, 5, contract.Green},
		{3, contract.LowerIsBetter, 2, 5, contract.Amber},
		{5, contract.LowerIsBetter, 2, 5, contract.Amber},
		{6, contract.LowerIsBetter, 2, 5, contract.Red},
	}
	for _, tt := range tests {
		if got := contract.Rate(tt.v, tt.d, tt.amber, tt.red); got != tt.want {
			t.Errorf("Rate(%v, %s, amber %v, red %v) = %s, want %s", tt.v, tt.d, tt.amber, tt.red, got, tt.want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in      string
		want    float64
		wantErr string
	}{
		{"95", 95, ""},
		{" 95.5 ", 95.5, ""},
		{"1,250", 1250, ""},
		{"87%", 87, ""},
		{"£12.50", 12.5, ""},
		{"-3", -3, ""},
		{"0.0001", 0.0001, ""},
		{"", 0, "Enter the value"},
		{"ninety", 0, "The value must be a number, like 95 or 12.5"},
		{"1e3", 0, "The value must be a number, like 95 or 12.5"},
		{"0x10", 0, "The value must be a number, like 95 or 12.5"},
		{"NaN", 0, "The value must be a number, like 95 or 12.5"},
		{"Inf", 0, "The value must be a number, like 95 or 12.5"},
		{"1.23456", 0, "The value must have 4 decimal places or fewer"},
		{"99999999999", 0, "The value is too large"},
		{"9999999999.9999", 9999999999.9999, ""},
	}
	for _, tt := range tests {
		got, msg := contract.ParseNumber(tt.in, "the value")
		if msg != tt.wantErr || (msg == "" && got != tt.want) {
			t.Errorf("ParseNumber(%q) = %v, %q; want %v, %q", tt.in, got, msg, tt.want, tt.wantErr)
		}
	}
}

func TestFormatNumberAndMoney(t *testing.T) {
	for in, want := range map[float64]string{95: "95", 95.5: "95.5", 0.25: "0.25", -0: "0", 1e6: "1000000", 33.33333: "33.3333"} {
		if got := contract.FormatNumber(in); got != want {
			t.Errorf("FormatNumber(%v) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[int64]string{0: "£0", 5: "£0.05", 125000050: "£1,250,000.50", 100000: "£1,000", -150000: "-£1,500"} {
		if got := contract.Money(in); got != want {
			t.Errorf("Money(%d) = %q, want %q", in, got, want)
		}
	}
	if got := contract.SignedMoney(250000); got != "+£2,500" {
		t.Errorf("SignedMoney(250000) = %q", got)
	}
}

func TestSignedPence(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2000", 200000, true},
		{"+2,000.50", 200050, true},
		{"-1,500", -150000, true},
		{"−12.5", -1250, true},
		{"--5", 0, false},
		{"five", 0, false},
	}
	for _, tt := range tests {
		got, msg := contract.SignedPence(tt.in, "the change in value")
		if (msg == "") != tt.ok || got != tt.want {
			t.Errorf("SignedPence(%q) = %d, %q", tt.in, got, msg)
		}
	}
}

// FuzzParseNumber: whatever is typed, the parser returns a message or a finite number the
// database's numeric(18,4) can hold, and formatting that number parses back to it.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"95", "1,250.5", "-3%", "£12", "1e3", "NaN", "0.00001", "9999999999.9999", "", "−5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, msg := contract.ParseNumber(s, "the value")
		if msg != "" {
			return
		}
		if v != v || v > 1e14 || v < -1e14 {
			t.Fatalf("ParseNumber(%q) = %v, which the database cannot hold", s, v)
		}
		back, msg := contract.ParseNumber(contract.FormatNumber(v), "the value")
		if msg != "" || back != v {
			t.Fatalf("ParseNumber(%q) = %v, but its formatting %q reads back as %v (%q)", s, v, contract.FormatNumber(v), back, msg)
		}
	})
}

// FuzzSignedPence: a signed amount is refused or read into pence no larger than the
// biggest unsigned amount allowed.
func FuzzSignedPence(f *testing.F) {
	for _, s := range []string{"-1,500", "+2000.50", "--5", "£-3", "9999999999999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, msg := contract.SignedPence(s, "the change in value")
		if msg == "" && (p > 999999999999999 || p < -999999999999999) {
			t.Fatalf("SignedPence(%q) = %d", s, p)
		}
	})
}
