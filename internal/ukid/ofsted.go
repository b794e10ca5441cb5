package ukid

import "strings"

// OfstedURN checks an Ofsted unique reference number and returns it in upper case without
// spaces. Ofsted uses:
//   - "SC" and 6 digits for children's social care (children's homes, fostering and
//     adoption agencies, residential special schools): "SC057941";
//   - "EY" and 6 digits for early years and childcare registered before 2015: "EY123456";
//   - 6 or 7 digits for schools and for newer childcare and social care registrations.
func OfstedURN(s string) (string, error) {
	c := squash(s)
	if c == "" {
		return "", fail(KindOfstedURN, Missing, "Enter an Ofsted unique reference number (URN)")
	}
	digits, ok := c, len(c) == 6 || len(c) == 7
	if strings.HasPrefix(c, "SC") || strings.HasPrefix(c, "EY") {
		digits, ok = c[2:], len(c) == 8
	}
	if !ok || !isDigits(digits) || allZero(digits) {
		return "", fail(KindOfstedURN, Format, "Enter an Ofsted URN in the correct format, like SC057941, EY123456 or 123456")
	}
	return c, nil
}
