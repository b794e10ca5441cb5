package export

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// asciiFor spells the letters and signs that do not decompose into an ASCII letter plus
// accents, so names keep their sense: "Straße" becomes "Strasse", not "Strae".
var asciiFor = map[rune]string{
	'ß': "ss", 'Æ': "AE", 'æ': "ae", 'Œ': "OE", 'œ': "oe", 'Ø': "O", 'ø': "o", 'Ł': "L", 'ł': "l",
	'Đ': "D", 'đ': "d", 'Ð': "D", 'ð': "d", 'Þ': "Th", 'þ': "th", 'ı': "i",
	'‘': "'", '’': "'", '‚': "'", '‛': "'", '“': `"`, '”': `"`, '„': `"`, '′': "'", '″': `"`,
	'–': "-", '—': "-", '‐': "-", '‑': "-", '−': "-", '…': "...", '•': "*",
	'£': "GBP", '€': "EUR", '©': "(c)", '®': "(R)", '™': "TM", '×': "x", '⁄': "/",
}

// ASCII transliterates s to printable ASCII for systems that accept nothing else (the
// National Fraud Initiative's files): accents are dropped ("Café" → "Cafe"), a few letters
// and signs are spelled out, whitespace of any kind becomes a single space, and anything
// else outside ASCII is removed.
func ASCII(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case r < 0x80 && unicode.IsPrint(r) && r != ' ':
			b.WriteRune(r)
			space = false
			continue
		case unicode.IsSpace(r) || r == ' ':
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		case unicode.Is(unicode.Mn, r):
			continue // an accent split off its letter by NFKD
		}
		if rep, ok := asciiFor[r]; ok {
			b.WriteString(rep)
			space = false
		}
	}
	return strings.TrimRight(b.String(), " ")
}
