package ukid

import "strings"

// KindPhone is a UK telephone number.
const KindPhone Kind = "phone"

// Phone checks a UK telephone number and normalises it to its national form without
// spaces ("01632960001", "07700900123"). It accepts +44 and 0044 prefixes, spaces, dots,
// hyphens and brackets. UK numbers are 10 or 11 digits after the leading 0 (some older
// geographic numbers have 10); the first digit after 0 is never 0 for a number people call.
func Phone(s string) (string, error) {
	n := squash(s, '-', '.', '(', ')')
	if n == "" {
		return "", fail(KindPhone, Missing, "Enter a telephone number")
	}
	switch {
	case strings.HasPrefix(n, "+44"):
		n = "0" + strings.TrimPrefix(strings.TrimPrefix(n, "+44"), "0")
	case strings.HasPrefix(n, "0044"):
		n = "0" + strings.TrimPrefix(strings.TrimPrefix(n, "0044"), "0")
	}
	if !isDigits(n) || len(n) < 10 || len(n) > 11 || n[0] != '0' || n[1] == '0' {
		return "", fail(KindPhone, Format, "Enter a UK telephone number, like 01632 960 001 or 07700 900 982")
	}
	return n, nil
}
