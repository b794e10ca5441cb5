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

		// Every prefix on the register, each with a real-looking number.
		{in: "NI612345", want: "NI612345"},
		{in: "SO301234", want: "SO301234"},
		{in: "NC000321", want: "NC000321"},
		{in: "LP012345", want: "LP012345"},
		{in: "SL005678", want: "SL005678"},
		{in: "NL000123", want: "NL000123"},
		{in: "FC031234", want: "FC031234"},
		{in: "SF000456", want: "SF000456"},
		{in: "NF001234", want: "NF001234"},
		{in: "GE000012", want: "GE000012"},
		{in: "GS000034", want: "GS000034"},
		{in: "GN000056", want: "GN000056"},
		{in: "CE012345", want: "CE012345"},
		{in: "CS000789", want: "CS000789"},
		{in: "IP028746", want: "IP028746"},
		{in: "SP002122", want: "SP002122"},
		{in: "NP000045", want: "NP000045"},
		{in: "RS007731", want: "RS007731"},
		{in: "RC000123", want: "RC000123"},
		{in: "SR000045", want: "SR000045"},
		{in: "NR000012", want: "NR000012"},
		{in: "IC000789", want: "IC000789"},
		{in: "SI000034", want: "SI000034"},
		{in: "NV000012", want: "NV000012"},
		{in: "AC000123", want: "AC000123"},
		{in: "SE000045", want: "SE000045"},
		{in: "ES000012", want: "ES000012"},
		{in: "ZC000123", want: "ZC000123"},
		{in: "SZ000012", want: "SZ000012"},
		{in: "sz 12", want: "SZ000012"}, // padded after the prefix
		{in: "NZ000034", want: "NZ000034"},
		{in: "SA000123", want: "SA000123"},
		{in: "NA000045", want: "NA000045"},
		{in: "SG000123", want: "SG000123"},
		{in: "FE000123", want: "FE000123"},
		{in: "R0000123", want: "R0000123"},
		{in: "r0 58", want: "R0000058"}, // R0 is a prefix of a letter and a zero

		// Older registers whose numbers end in a letter.
		{in: "NI01234A", want: "NI01234A"},
		{in: "ni 1234 a", want: "NI01234A"}, // padded between the prefix and the letter
		{in: "NI00987Z", want: "NI00987Z"},
		{in: "RS00123R", want: "RS00123R"},
		{in: "IP28746R", want: "IP28746R"},
		{in: "SP2122R", want: "SP02122R"},
		{in: "NP00045R", want: "NP00045R"},
		{in: "1234567C", want: "1234567C"},
		{in: "123456C", want: "0123456C"},

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
		{in: "XY123456", problem: Format},  // a made-up prefix
		{in: "ZZ12345A", problem: Format},  // a made-up prefix with a letter
		{in: "R1234567", problem: Format},  // R needs the 0: R0
		{in: "R01234567", problem: Format}, // R0 and 7 digits
		{in: "NI012345A", problem: Format}, // NI, 6 digits and a letter: 9 characters
		{in: "RS00123A", problem: Format},  // society numbers end only in R
		{in: "SC01234A", problem: Format},  // Scotland has no letter form
		{in: "1234567A", problem: Format},  // old E&W numbers end only in C
		{in: "12345678C", problem: Format}, // 8 digits and a letter
		{in: "NI00000A", problem: Format},  // no number 0
		{in: "0000000C", problem: Format},
		{in: "RS1234R5", problem: Format}, // the letter must come last
		{in: "NIA", problem: Format},
		{in: "C", problem: Format},
		{in: "R0", problem: Format},
		{in: "R0000000", problem: Format},
	})
}

func FuzzCompaniesHouse(f *testing.F) {
	for _, s := range []string{"09121572", "sc 1234", "1", "OC", "NI000001", "NI1234A", "R0 12", "123456C"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzIdempotent(t, CompaniesHouse, s) })
}
