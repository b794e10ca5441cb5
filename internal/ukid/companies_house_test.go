package ukid

import "testing"

func TestCompaniesHouse(t *testing.T) {
	runCheckCases(t, KindCompanyNumber, CompaniesHouse, []checkCase{
		{in: "09121572", want: "09121572"},
		{in: "9121572", want: "09121572"}, // leading zero dropped
		{in: "123", want: "00000123"},
		{in: " 0912 1572 ", want: "09121572"},
		{in: "SC123456", want: "SC123456"},
		{in: "sc 1234", want: "SC001234"}, // padded after the prefix
		{in: "NI000001", want: "NI000001"},
		{in: "OC301234", want: "OC301234"},
		{in: "ce000123", want: "CE000123"},
		{in: "RS7", want: "RS000007"},
		{in: "EN000001", want: "EN000001"},

		{in: "", problem: Missing},
		{in: "123456789", problem: Format}, // 9 digits
		{in: "SC1234567", problem: Format}, // prefix and 7 digits
		{in: "ZZ123456", problem: Format},  // no such prefix
		{in: "S1234567", problem: Format},  // one letter
		{in: "SC", problem: Format},        // prefix only
		{in: "00000000", problem: Format},  // no company is number 0
		{in: "SC000000", problem: Format},
		{in: "SC12A456", problem: Format},
		{in: "12-345678", problem: Format},
	})
}

func FuzzCompaniesHouse(f *testing.F) {
	for _, s := range []string{"09121572", "sc 1234", "1", "OC", "NI000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzIdempotent(t, CompaniesHouse, s) })
}
