package ukid

const ibanFormatMessage = "Enter an IBAN in the correct format, like GB29 NWBK 6016 1331 9268 19"

// IBAN checks an International Bank Account Number (ISO 13616) and returns it in its
// electronic form: upper case, no spaces ("GB29NWBK60161331926819").
//
// Every IBAN must have a 2-letter country code, 2 check digits and 11 to 30 letters or
// digits, with the whole number (first four characters moved to the end, letters as
// 10–35) leaving remainder 1 when divided by 97. A GB IBAN must also be 22 characters:
// "GB", the check digits, a 4-letter bank code, the 6-digit sort code and the 8-digit
// account number.
func IBAN(s string) (string, error) {
	c := squash(s, dashes...)
	if c == "" {
		return "", fail(KindIBAN, Missing, "Enter an IBAN")
	}
	if len(c) < 15 || len(c) > 34 || !isLetters(c[:2]) || !isDigits(c[2:4]) || !isAlphanumeric(c[4:]) {
		return "", fail(KindIBAN, Format, ibanFormatMessage)
	}
	if c[:2] == "GB" && (len(c) != 22 || !isLetters(c[4:8]) || !isDigits(c[8:])) {
		return "", fail(KindIBAN, Format, ibanFormatMessage)
	}
	// Check digits are 02–98; 00, 01 and 99 are congruent to valid ones but never issued.
	if cd := c[2:4]; cd == "00" || cd == "01" || cd == "99" || ibanMod97(c[4:]+c[:4]) != 1 {
		return "", fail(KindIBAN, Checksum, "Enter a real IBAN – check it against a bank statement")
	}
	return c, nil
}

// BankAccountFromIBAN returns the sort code and account number inside a GB IBAN, so the
// two ways a supplier can give bank details can be compared or modulus checked.
func BankAccountFromIBAN(s string) (BankAccount, error) {
	iban, err := IBAN(s)
	if err != nil {
		return BankAccount{}, err
	}
	if iban[:2] != "GB" {
		return BankAccount{}, fail(KindIBAN, Format, "Enter a UK IBAN, starting with GB")
	}
	return BankAccount{SortCode: iban[8:14], AccountNumber: iban[14:]}, nil
}

// ibanMod97 returns the remainder of the number formed by s (letters as 10–35) divided by 97,
// a digit at a time so that no big integers are needed.
func ibanMod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'A' && ch <= 'Z' {
			v := int(ch-'A') + 10
			r = (r*100 + v) % 97
		} else {
			r = (r*10 + int(ch-'0')) % 97
		}
	}
	return r
}

func isAlphanumeric(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9') && !(s[i] >= 'A' && s[i] <= 'Z') {
			return false
		}
	}
	return true
}
