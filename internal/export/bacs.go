package export

import (
	"strings"
	"unicode/utf8"
)

// BacsAccountNameLength is the width of the account name (the "destination name") in a
// Bacs payment record: 18 characters.
const BacsAccountNameLength = 18

// Bacs writes s in the Bacs character set, for files a payment system loads: the capital
// letters A–Z, the digits 0–9, space, full stop, hyphen, solidus (/) and ampersand (&)
// (the set Bacs Payment Schemes publishes for names and references; Bacs turns any other
// character into a space when it processes a file). The result is predictable and never
// longer than the ASCII spelling:
//
//   - letters are upper-cased, and accents dropped first ("Café" → "CAFE", "Straße" →
//     "STRASSE", as ASCII spells them);
//   - an apostrophe is removed ("O'Neill" → "ONEILL", as banks write it), so a name keeps
//     its word;
//   - every other character outside the set (+, =, @, commas, brackets, quotes, line breaks
//     ...) becomes a space, runs of spaces become one, and spaces at the ends go.
//
// So "=HYPERLINK(...)" cannot be a formula in a system's file either: it becomes
// "HYPERLINK ...".
func Bacs(s string) string {
	var b strings.Builder
	ascii := ASCII(s)
	b.Grow(len(ascii))
	space := false
	for i := 0; i < len(ascii); i++ {
		c := ascii[i]
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '/', c == '&':
		case c == '\'' || c == '`':
			continue
		default:
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		b.WriteByte(c)
		space = false
	}
	return strings.TrimRight(b.String(), " ")
}

// Truncate cuts s to at most n characters (runes), without a trailing space.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n]), " ")
}
