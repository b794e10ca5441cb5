package ukid

import "testing"

func TestOfstedURN(t *testing.T) {
	runCheckCases(t, KindOfstedURN, OfstedURN, []checkCase{
		{in: "SC057941", want: "SC057941"},
		{in: "sc 057 941", want: "SC057941"},
		{in: "EY123456", want: "EY123456"},
		{in: "ey123456", want: "EY123456"},
		{in: "100000", want: "100000"},
		{in: "2512345", want: "2512345"},

		{in: "", problem: Missing},
		{in: "SC05794", problem: Format},   // 5 digits
		{in: "SC0579411", problem: Format}, // 7 digits after SC
		{in: "EY12345", problem: Format},
		{in: "12345", problem: Format},
		{in: "12345678", problem: Format},
		{in: "AB123456", problem: Format},
		{in: "000000", problem: Format},
		{in: "SC000000", problem: Format},
		{in: "SC", problem: Format},
	})
}

func FuzzOfstedURN(f *testing.F) {
	for _, s := range []string{"SC057941", "ey123456", "2512345", "SC", "E"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzIdempotent(t, OfstedURN, s) })
}
