package ukid

import "strings"

const vatFormatMessage = "Enter a VAT number in the correct format, like GB123456789"

// VAT checks a UK VAT registration number and returns it as "GB" or "XI" (whichever
// prefix was given; GB when none was) followed by the number without separators:
// "GB980780684", "GB980780684001" (with a branch), "GBGD001", "GBHA599".
//
// Rules (HMRC, as implemented by python-stdnum stdnum/gb/vat.py):
//   - 9 digits, or 12 (9 plus a 3-digit branch, which the check ignores). Weights
//     8,7,6,5,4,3,2,10,1 over the first 9 digits; valid when the weighted sum mod 97 is 0,
//     or, when the first three digits are 100 or more, 42 or 55 (the "9755" series).
//   - GD000–GD499 (government departments) and HA500–HA999 (health authorities) have no
//     check digits.
//   - GD8888nnncc and HA8888nnncc, the 11-character forms of those, where cc = nnn mod 97.
func VAT(s string) (string, error) {
	c := squash(s, append([]rune{'.'}, dashes...)...)
	if c == "" {
		return "", fail(KindVAT, Missing, "Enter a VAT number")
	}
	prefix := "GB"
	if strings.HasPrefix(c, "GB") || strings.HasPrefix(c, "XI") {
		prefix, c = c[:2], c[2:]
	}
	switch {
	case len(c) == 5 && (strings.HasPrefix(c, "GD") || strings.HasPrefix(c, "HA")) && isDigits(c[2:]):
		if !vatGovernmentNumber(c[:2], atoi(c[2:])) {
			return "", fail(KindVAT, Format, vatFormatMessage)
		}
	case len(c) == 11 && (strings.HasPrefix(c, "GD8888") || strings.HasPrefix(c, "HA8888")) && isDigits(c[6:]):
		n := atoi(c[6:9])
		if !vatGovernmentNumber(c[:2], n) {
			return "", fail(KindVAT, Format, vatFormatMessage)
		}
		if n%97 != atoi(c[9:]) {
			return "", fail(KindVAT, Checksum, vatChecksumMessage)
		}
	case (len(c) == 9 || len(c) == 12) && isDigits(c):
		if !vatChecksumOK(c[:9]) {
			return "", fail(KindVAT, Checksum, vatChecksumMessage)
		}
	default:
		return "", fail(KindVAT, Format, vatFormatMessage)
	}
	return prefix + c, nil
}

const vatChecksumMessage = "Enter a real VAT number – check it against your VAT registration certificate"

// vatGovernmentNumber applies the ranges HMRC gives the two kinds of number without check
// digits: government departments GD000–GD499, health authorities HA500–HA999.
func vatGovernmentNumber(kind string, n int) bool {
	return (kind == "GD" && n < 500) || (kind == "HA" && n >= 500)
}

// vatChecksumOK applies the mod 97 check to 9 digits.
func vatChecksumOK(nine string) bool {
	weights := [9]int{8, 7, 6, 5, 4, 3, 2, 10, 1}
	sum := 0
	for i, w := range weights {
		sum += w * int(nine[i]-'0')
	}
	switch sum % 97 {
	case 0:
		return true
	case 42, 55:
		// Numbers issued from 100 000 000 upwards after the first series ran out.
		return atoi(nine[:3]) >= 100
	}
	return false
}
