package ukid

import (
	"errors"
	"testing"
)

func TestSortCode(t *testing.T) {
	runCheckCases(t, KindSortCode, SortCode, []checkCase{
		{in: "309430", want: "309430"},
		{in: "30-94-30", want: "309430"},
		{in: "30 94 30", want: "309430"},
		{in: " 30\u201394\u201330 ", want: "309430"}, // en dashes
		{in: "", problem: Missing},
		{in: "30943", problem: Format},
		{in: "3094301", problem: Format},
		{in: "30.94.30", problem: Format},
		{in: "30-94-3O", problem: Format}, // letter O
	})
}

func TestAccountNumber(t *testing.T) {
	runCheckCases(t, KindAccountNumber, AccountNumber, []checkCase{
		{in: "00733445", want: "00733445"},
		{in: "733445", want: "00733445"},  // 6 digits: two zeros in front
		{in: "1733445", want: "01733445"}, // 7 digits: one zero
		{in: "0073 3445", want: "00733445"},
		{in: "966374958", want: "966374958"},    // 9 digits kept
		{in: "01-23456789", want: "0123456789"}, // NatWest's 10 digits, hyphen ignored
		{in: "", problem: Missing},
		{in: "73344", problem: Format},
		{in: "12345678901", problem: Format},
		{in: "0073344A", problem: Format},
	})
}

func TestNormaliseBankAccount(t *testing.T) {
	got, err := NormaliseBankAccount("30-94-30", "733445")
	if err != nil || got != (BankAccount{SortCode: "309430", AccountNumber: "00733445"}) {
		t.Errorf("want 309430 00733445, got %+v, %v", got, err)
	}
	for _, c := range []struct {
		sortCode, account string
		kind              Kind
	}{
		{"3094", "00733445", KindSortCode},
		{"3094", "7", KindSortCode}, // the sort code is reported first
		{"309430", "7", KindAccountNumber},
	} {
		_, err := NormaliseBankAccount(c.sortCode, c.account)
		var e *Error
		if !errors.As(err, &e) || e.Kind != c.kind {
			t.Errorf("%s %s: want a %s error, got %v", c.sortCode, c.account, c.kind, err)
		}
	}
}

func FuzzSortCode(f *testing.F) {
	for _, s := range []string{"309430", "30-94-30", "30 94 3", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzIdempotent(t, SortCode, s) })
}

func FuzzAccountNumber(f *testing.F) {
	for _, s := range []string{"733445", "01-23456789", "966374958", "1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzIdempotent(t, AccountNumber, s) })
}
