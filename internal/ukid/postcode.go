package ukid

import "regexp"

// postcodePattern is the Cabinet Office bulk data transfer validation pattern (the one
// government systems use for BS 7666 postcodes), with its character-class subtractions
// spelt out for Go's regexp:
//
//	[A-Z-[QVX]]    → [A-PR-UWYZ]       first letter of the area
//	[A-Z-[IJZ]]    → [A-HK-Y]          second letter of the area
//	[A-Z-[CIKMOV]] → [ABD-HJLNP-UW-Z]  the two letters of the inward code
var postcodePattern = regexp.MustCompile(`^(?:GIR 0AA|(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2})$`)

// Postcode checks a UK postcode and returns it in upper case with a single space before
// the last three characters ("sw1a1aa" → "SW1A 1AA"). GIR 0AA is valid. A pass means the
// postcode has a possible shape; it does not mean the postcode is in use.
func Postcode(s string) (string, error) {
	c := squash(s)
	if c == "" {
		return "", fail(KindPostcode, Missing, "Enter a postcode")
	}
	if len(c) < 5 || len(c) > 7 {
		return "", fail(KindPostcode, Format, postcodeMessage)
	}
	p := c[:len(c)-3] + " " + c[len(c)-3:]
	if !postcodePattern.MatchString(p) {
		return "", fail(KindPostcode, Format, postcodeMessage)
	}
	return p, nil
}

const postcodeMessage = "Enter a real postcode, like SW1A 1AA"
