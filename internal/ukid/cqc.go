package ukid

import "strings"

// CQCID checks a Care Quality Commission provider or location id and returns it without
// spaces, with a plain hyphen: "1-101726253". CQC publishes no format; the ids in its public
// API are "1-" followed by 9 to 11 digits, and that is what this accepts.
func CQCID(s string) (string, error) {
	c := plainHyphens(squash(s))
	if c == "" {
		return "", fail(KindCQCID, Missing, "Enter a CQC ID")
	}
	digits, ok := strings.CutPrefix(c, "1-")
	if !ok || !isDigits(digits) || len(digits) < 9 || len(digits) > 11 {
		return "", fail(KindCQCID, Format, "Enter a CQC ID in the correct format, like 1-101726253")
	}
	return c, nil
}
