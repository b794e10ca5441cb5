package ukid

import "testing"

func TestDBSCertificate(t *testing.T) {
	runCheckCases(t, KindDBSCertificate, DBSCertificate, []checkCase{
		{in: "001234567890", want: "001234567890"},
		{in: "0012 3456 7890", want: "001234567890"},
		{in: "001-234-567-890", want: "001234567890"},

		{in: "", problem: Missing},
		{in: "00123456789", problem: Format},   // 11 digits
		{in: "0012345678901", problem: Format}, // 13 digits
		{in: "00123456789O", problem: Format},  // a letter O
		{in: "000000000000", problem: Format},
	})
}

func FuzzDBSCertificate(f *testing.F) {
	for _, s := range []string{"001234567890", "0012 3456 7890", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzIdempotent(t, DBSCertificate, s) })
}
