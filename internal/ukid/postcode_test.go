package ukid

import "testing"

func TestPostcode(t *testing.T) {
	runCheckCases(t, KindPostcode, Postcode, []checkCase{
		{in: "SW1A 1AA", want: "SW1A 1AA"},
		{in: "sw1a1aa", want: "SW1A 1AA"},
		{in: "  Sw1A   1aA ", want: "SW1A 1AA"},
		{in: "SW1A\u00a01AA", want: "SW1A 1AA"}, // a non-breaking space pasted from a web page
		{in: "GIR 0AA", want: "GIR 0AA"},
		{in: "gir0aa", want: "GIR 0AA"},
		{in: "M1 1AE", want: "M1 1AE"},     // A9 9AA
		{in: "B33 8TH", want: "B33 8TH"},   // A99 9AA
		{in: "CR2 6XH", want: "CR2 6XH"},   // AA9 9AA
		{in: "DN55 1PT", want: "DN55 1PT"}, // AA99 9AA
		{in: "W1A 0AX", want: "W1A 0AX"},   // A9A 9AA
		{in: "EC1A 1BB", want: "EC1A 1BB"}, // AA9A 9AA
		{in: "N1C 4AG", want: "N1C 4AG"},   // King's Cross, 2013
		{in: "BT1 5GS", want: "BT1 5GS"},   // Northern Ireland
		{in: "CF10 1EP", want: "CF10 1EP"}, // Wales
		{in: "EH99 1SP", want: "EH99 1SP"}, // Scotland
		{in: "BX1 1LT", want: "BX1 1LT"},   // non-geographic

		{in: "", problem: Missing},
		{in: "SW1A", problem: Format},      // outward code only
		{in: "SW1A 1AAA", problem: Format}, // too long
		{in: "1AA", problem: Format},
		{in: "QA1 1AA", problem: Format},  // Q never starts a postcode
		{in: "VA1 1AA", problem: Format},  // nor V
		{in: "XM4 5HQ", problem: Format},  // nor X (Santa's, not a real one)
		{in: "AZ1 1AA", problem: Format},  // Z is never second
		{in: "AI1 1AA", problem: Format},  // nor I
		{in: "W1I 1AA", problem: Format},  // I is not a valid third letter in A9A
		{in: "EC1Z 1AA", problem: Format}, // Z is not a valid fourth letter in AA9A
		{in: "SW1A 1CA", problem: Format}, // C is never in the inward code
		{in: "SW1A 1AV", problem: Format}, // nor V
		{in: "SW1A AAA", problem: Format}, // the inward code starts with a digit
		{in: "SW1A-1AA", problem: Format}, // hyphens are not spaces
		{in: "GIR 0AB", problem: Format},
		{in: "ＳＷ1A 1AA", problem: Format}, // full-width letters are not ASCII
	})
}

func FuzzPostcode(f *testing.F) {
	for _, s := range []string{"SW1A 1AA", "gir0aa", "ec1a1bb", "M1 1AE", "  ", "ＳＷ1A 1AA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzIdempotent(t, Postcode, s) })
}
