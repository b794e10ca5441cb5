package vault

import "strings"

// MaskPrefix is shown in place of the hidden part of a masked value.
const MaskPrefix = "••••"

// Last returns the last n characters (Unicode code points) of s, for the few digits of a
// secret that are kept in clear so people can recognise it, such as the last 4 digits of
// an account number. Spaces and hyphens are ignored, so "12-34-56" and "123456" give the
// same result.
//
// If s has n characters or fewer, Last returns "": keeping all of a short value in clear
// would defeat sealing it. Normalise values before calling Last.
func Last(s string, n int) string {
	if n <= 0 {
		return ""
	}
	r := []rune(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, s))
	if len(r) <= n {
		return ""
	}
	return string(r[len(r)-n:])
}

// Mask returns the text to show for a sealed value whose last digits are known, such as
// "••••1234". With no digits it returns just the mask, "••••".
func Mask(last string) string {
	return MaskPrefix + last
}
