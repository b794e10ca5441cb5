package ukid

import "testing"

func TestCQCID(t *testing.T) {
	runCheckCases(t, KindCQCID, CQCID, []checkCase{
		{in: "1-101726253", want: "1-101726253"},
		{in: " 1 - 101726253 ", want: "1-101726253"},
		{in: "1\u2013101726253", want: "1-101726253"}, // en dash from a word processor
		{in: "1-10172625312", want: "1-10172625312"},  // 11 digits

		{in: "", problem: Missing},
		{in: "101726253", problem: Format},      // no "1-"
		{in: "1101726253", problem: Format},     // ambiguous without the hyphen
		{in: "2-101726253", problem: Format},    // ids start "1-"
		{in: "1-10172625", problem: Format},     // 8 digits
		{in: "1-101726253123", problem: Format}, // 12 digits
		{in: "1-10172625X", problem: Format},
		{in: "1--101726253", problem: Format},
	})
}

func FuzzCQCID(f *testing.F) {
	for _, s := range []string{"1-101726253", "1\u2013101726253", "1-", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzIdempotent(t, CQCID, s) })
}
