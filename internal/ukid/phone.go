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
		return "", fail(KindPhone, Format, "Enter a UK telephone number, like 01632 960001 or 07700 900982")
	}
	return n, nil
}

// FormatPhone groups a UK number in its national form (as Phone returns it) the way it is
// written and read aloud: 020 7946 0018, 0113 496 0000, 01632 960001, 07700 900982,
// 0300 123 4567. Anything else is returned unchanged, so a number typed wrongly is shown
// back as typed. Numbers are stored ungrouped, for matching; this is only for people.
func FormatPhone(n string) string {
	if !isDigits(n) || len(n) < 10 || n[0] != '0' {
		return n
	}
	group := func(sizes ...int) string {
		var b strings.Builder
		i := 0
		for _, sz := range sizes {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(n[i : i+sz])
			i += sz
		}
		return b.String()
	}
	if len(n) == 10 {
		if strings.HasPrefix(n, "08") {
			return group(4, 6) // 0800 123456
		}
		return group(5, 5) // 01xxx xxxxx
	}
	switch {
	case strings.HasPrefix(n, "02"):
		return group(3, 4, 4)
	case strings.HasPrefix(n, "011") || (strings.HasPrefix(n, "01") && n[3] == '1'):
		return group(4, 3, 4)
	case strings.HasPrefix(n, "01") || strings.HasPrefix(n, "07"):
		return group(5, 6)
	default: // 03, 05, 08, 09
		return group(4, 3, 4)
	}
}
