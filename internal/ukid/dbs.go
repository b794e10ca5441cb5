package ukid

// DBSCertificate checks a Disclosure and Barring Service certificate number (12 digits,
// printed in groups) and returns the 12 digits. The number carries no check digit, so a pass
// means only that it has the right shape; the Update Service confirms a certificate.
func DBSCertificate(s string) (string, error) {
	c := squash(s, dashes...)
	if c == "" {
		return "", fail(KindDBSCertificate, Missing, "Enter a DBS certificate number")
	}
	if len(c) != 12 || !isDigits(c) || allZero(c) {
		return "", fail(KindDBSCertificate, Format, "Enter a DBS certificate number in the correct format: 12 digits, like 001234567890")
	}
	return c, nil
}
