package ukid

import "strings"

// companyPrefixes are the prefixes Companies House gives registers other than companies
// in England and Wales (which have 8 digits and no prefix). Each is followed by 6 digits.
var companyPrefixes = map[string]bool{
	"SC": true, "NI": true, // companies registered in Scotland, Northern Ireland
	"OC": true, "SO": true, "NC": true, // limited liability partnerships (E&W, Scotland, NI)
	"LP": true, "SL": true, "NL": true, // limited partnerships
	"FC": true, "SF": true, "NF": true, // overseas companies
	"GE": true, "GS": true, "GN": true, // European economic interest groupings
	"CE": true, "CS": true, // charitable incorporated organisations (E&W, Scotland)
	"IP": true, "SP": true, "NP": true, // industrial and provident societies
	"RS": true,                         // registered societies
	"RC": true, "SR": true, "NR": true, // royal charter companies
	"IC": true, "SI": true, "NV": true, // investment companies with variable capital
	"AC": true,                         // assurance companies
	"SE": true, "ES": true, "EN": true, // European public limited-liability companies
	"ZC": true, "SZ": true, "NZ": true, // unregistered companies (E&W, Scotland, NI)
	"SA": true, "NA": true, // assurance companies (Scotland, NI)
	"SG": true, // Scottish qualifying partnerships
	"FE": true, // further education and sixth form college corporations
	"R0": true, // companies registered in Ireland before partition (Northern Ireland)
}

// suffixForm is one of the older registers whose numbers end in a letter instead of the
// last digit: a prefix ("" for none), a fixed count of digits and the letters allowed last.
type suffixForm struct {
	prefix  string
	digits  int
	letters string
}

// suffixForms are the older numbering schemes still on the register. Their shapes are
// exact, so that a mistyped modern number (one letter in place of a digit) is still
// refused:
//   - older Northern Ireland companies: "NI" + 5 digits + a letter (NI01234A);
//   - societies whose number came from the mutuals register, which ends its numbers in R:
//     "IP"/"SP"/"NP"/"RS" + 5 digits + R (RS00123R);
//   - older England and Wales numbers: 7 digits + C (1234567C).
var suffixForms = []suffixForm{
	{prefix: "NI", digits: 5, letters: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
	{prefix: "IP", digits: 5, letters: "R"},
	{prefix: "SP", digits: 5, letters: "R"},
	{prefix: "NP", digits: 5, letters: "R"},
	{prefix: "RS", digits: 5, letters: "R"},
	{prefix: "", digits: 7, letters: "C"},
}

// CompaniesHouse checks a Companies House registration number and returns its 8-character
// form: 8 digits (England and Wales), a listed prefix and 6 digits, or one of the older
// forms ending in a letter (see suffixForms). People often drop leading zeros, so shorter
// numbers are padded with zeros after the prefix: "123456" → "00123456", "sc 1234" →
// "SC001234", "NI1234A" → "NI01234A".
func CompaniesHouse(s string) (string, error) {
	c := squash(s)
	if c == "" {
		return "", fail(KindCompanyNumber, Missing, "Enter a company registration number")
	}
	if len(c) > 8 {
		return "", fail(KindCompanyNumber, Format, companyMessage)
	}
	if n, ok := companySuffixForm(c); ok {
		return n, nil
	}
	var prefix, digits string
	switch {
	case isDigits(c):
		digits = padLeft(c, 8)
	case len(c) > 2 && companyPrefixes[c[:2]] && isDigits(c[2:]):
		prefix, digits = c[:2], padLeft(c[2:], 6)
	default:
		return "", fail(KindCompanyNumber, Format, companyMessage)
	}
	if allZero(digits) {
		return "", fail(KindCompanyNumber, Format, companyMessage)
	}
	return prefix + digits, nil
}

// companySuffixForm matches c (squashed, at most 8 characters) against the older forms
// ending in a letter and returns it padded to 8 characters.
func companySuffixForm(c string) (string, bool) {
	last := c[len(c)-1:]
	if !isLetters(last) {
		return "", false
	}
	for _, f := range suffixForms {
		body, ok := strings.CutPrefix(c[:len(c)-1], f.prefix)
		if !ok || !isDigits(body) || len(body) > f.digits || !strings.Contains(f.letters, last) || allZero(body) {
			continue
		}
		return f.prefix + padLeft(body, f.digits) + last, true
	}
	return "", false
}

const companyMessage = "Enter a company registration number in the correct format, like 01234567 or SC123456"
