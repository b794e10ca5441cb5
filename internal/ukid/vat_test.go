package ukid

import (
	"errors"
	"testing"
)

// checkCase is one row of a table test for a func(string) (string, error) check.
type checkCase struct {
	in      string
	want    string  // the normalised value, when valid
	problem Problem // the problem, when invalid
}

// runCheckCases runs a table of cases against check, asserting the normalised value of
// valid inputs and the kind and problem of invalid ones.
func runCheckCases(t *testing.T, kind Kind, check func(string) (string, error), cases []checkCase) {
	t.Helper()
	for _, c := range cases {
		got, err := check(c.in)
		if c.problem == "" {
			if err != nil || got != c.want {
				t.Errorf("%q: want %q, got %q, %v", c.in, c.want, got, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Problem != c.problem || e.Kind != kind {
			t.Errorf("%q: want a %s %s error, got %q, %v", c.in, kind, c.problem, got, err)
			continue
		}
		if got != "" {
			t.Errorf("%q: an invalid value must return no normalised value, got %q", c.in, got)
		}
		if e.Message == "" || e.Message[len(e.Message)-1] == '.' {
			t.Errorf("%q: the message %q should be a sentence without a full stop (GOV.UK style)", c.in, e.Message)
		}
	}
}

// fuzzIdempotent checks the properties every normaliser must have: it never panics; a
// value it accepts normalises to itself; the normalised value still validates.
func fuzzIdempotent(t *testing.T, check func(string) (string, error), in string) {
	got, err := check(in)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.Message == "" {
			t.Fatalf("%q: errors must be *Error with a message, got %#v", in, err)
		}
		return
	}
	again, err := check(got)
	if err != nil {
		t.Fatalf("%q normalised to %q, which no longer validates: %v", in, got, err)
	}
	if again != got {
		t.Fatalf("%q normalised to %q, then to %q", in, got, again)
	}
}

func TestVAT(t *testing.T) {
	runCheckCases(t, KindVAT, VAT, []checkCase{
		{in: "GB980780684", want: "GB980780684"},
		{in: "980 7806 84", want: "GB980780684"},
		{in: " gb 980.7806.84 ", want: "GB980780684"},
		{in: "GB-980-7806-84", want: "GB980780684"},
		{in: "XI 980 7806 84", want: "XI980780684"},        // Northern Ireland prefix kept
		{in: "GB 980 7806 84 001", want: "GB980780684001"}, // branch trader
		{in: "010467221", want: "GB010467221"},             // mod 97 = 0 below 100
		{in: "100062787", want: "GB100062787"},             // 9755 series: 42
		{in: "100878444", want: "GB100878444"},             // 9755 series: 55
		{in: "GD001", want: "GBGD001"},
		{in: "gbgd499", want: "GBGD499"},
		{in: "HA500", want: "GBHA500"},
		{in: "HA 999", want: "GBHA999"},
		{in: "GD888801212", want: "GBGD888801212"}, // 11-character form: 012 mod 97 = 12
		{in: "HA888850015", want: "GBHA888850015"}, // 500 mod 97 = 15

		{in: "", problem: Missing},
		{in: "  ", problem: Missing},
		{in: "GB", problem: Format},
		{in: "GB12345678", problem: Format},    // 8 digits
		{in: "GB1234567890", problem: Format},  // 10 digits
		{in: "GB98078068A", problem: Format},   // a letter
		{in: "FR980780684", problem: Format},   // not a UK prefix
		{in: "GD500", problem: Format},         // government departments stop at 499
		{in: "HA499", problem: Format},         // health authorities start at 500
		{in: "XX001", problem: Format},         // no such series
		{in: "GD888850012", problem: Format},   // 500 is not a government department
		{in: "GB802311781", problem: Checksum}, // python-stdnum's invalid example
		{in: "GB980780685", problem: Checksum},
		{in: "GB980780685001", problem: Checksum},
		{in: "010118785", problem: Checksum}, // 42 only counts from 100 000 000
		{in: "011005713", problem: Checksum}, // 55 likewise
		{in: "GD888801213", problem: Checksum},
	})
}

func FuzzVAT(f *testing.F) {
	for _, s := range []string{"GB980780684", "xi 980 7806 84 001", "GD001", "HA888850015", "GB", "GBGB1", "gd 4 9 9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzIdempotent(t, VAT, s) })
}
