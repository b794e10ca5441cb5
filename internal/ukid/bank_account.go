package ukid

// BankAccount is a UK sort code and account number in the one form the portal stores:
// the sort code as 6 digits ("309430") and the account number as digits only, with 6- and
// 7-digit numbers padded to 8 ("733445" → "00733445"). 9- and 10-digit account numbers
// are kept as the bank issued them, because turning them into 8 digits depends on the
// bank (see PaymentAccount, which the modulus check and payment files use).
type BankAccount struct {
	SortCode      string
	AccountNumber string
}

// SortCode checks a sort code and returns its 6 digits. Spaces and hyphens are allowed
// anywhere, so "30-94-30", "30 94 30" and "309430" are the same sort code.
func SortCode(s string) (string, error) {
	c := squash(s, dashes...)
	if c == "" {
		return "", fail(KindSortCode, Missing, "Enter a sort code")
	}
	if len(c) != 6 || !isDigits(c) {
		return "", fail(KindSortCode, Format, "Enter a valid sort code, like 309430")
	}
	return c, nil
}

// AccountNumber checks a UK bank account number and returns it as digits only, padding
// 6- and 7-digit numbers with leading zeros to 8 digits (which is how the Pay.UK modulus
// specification and Bacs treat them). 9- and 10-digit numbers (Santander, NatWest,
// Co-operative Bank, some building societies) are returned unchanged.
func AccountNumber(s string) (string, error) {
	c := squash(s, dashes...)
	if c == "" {
		return "", fail(KindAccountNumber, Missing, "Enter an account number")
	}
	if len(c) < 6 || len(c) > 10 || !isDigits(c) {
		return "", fail(KindAccountNumber, Format, "Enter an account number of 6 to 10 digits, like 00733445")
	}
	return padLeft(c, 8), nil
}

// NormaliseBankAccount checks the shape of a sort code and account number and returns
// them in their stored form. It does not run the modulus check: use
// (*ModulusTable).BankAccount for both. The error is about the sort code when both are
// wrong; call SortCode and AccountNumber separately for one message per field.
func NormaliseBankAccount(sortCode, accountNumber string) (BankAccount, error) {
	sc, err := SortCode(sortCode)
	if err != nil {
		return BankAccount{}, err
	}
	acc, err := AccountNumber(accountNumber)
	if err != nil {
		return BankAccount{}, err
	}
	return BankAccount{SortCode: sc, AccountNumber: acc}, nil
}

// UnissuedSortCodeMessage is the message for a sort code no bank is given.
const UnissuedSortCodeMessage = "Enter the sort code of your account: 00-00-00 is not a real sort code"

// Unissued reports whether a well-formed sort code (6 digits) is one no bank account can
// have. 00-00-00 passes the modulus check (no range of the table covers it, so it cannot be
// checked) but is a placeholder people type when they do not know theirs; paying it fails.
// Kept apart from SortCode, which checks the shape alone.
func Unissued(sortCode string) bool { return sortCode == "000000" }
