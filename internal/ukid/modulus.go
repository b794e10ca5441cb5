package ukid

// Check runs the Pay.UK modulus check on a sort code and account number, as typed (spaces
// and hyphens allowed, 6 to 10 digits). It returns nil when the pair could exist, an
// *Error of Kind KindSortCode or KindAccountNumber when either is malformed, and an *Error
// with Problem Checksum when the pair cannot exist.
//
// A nil error means "could exist", never "exists": sort codes in no range of the table
// cannot be checked and pass, and a passing pair may still not be an open account.
func (t *ModulusTable) Check(sortCode, accountNumber string) error {
	_, err := t.BankAccount(sortCode, accountNumber)
	return err
}

// BankAccount normalises a sort code and account number (see NormaliseBankAccount) and
// runs the modulus check on the pair PaymentAccount converts them to, so a form can check
// and store in one step. A 9- or 10-digit number at a bank that does not issue them is
// refused (see PaymentAccount). The account is returned as the bank issued it.
func (t *ModulusTable) BankAccount(sortCode, accountNumber string) (BankAccount, error) {
	ba, err := NormaliseBankAccount(sortCode, accountNumber)
	if err != nil {
		return BankAccount{}, err
	}
	sc, acc, err := PaymentAccount(ba.SortCode, ba.AccountNumber)
	if err != nil {
		return BankAccount{}, err
	}
	if t.valid(sc, acc) {
		return ba, nil
	}
	return BankAccount{}, fail(KindAccountNumber, Checksum,
		"Enter a sort code and account number that match – check them against a bank statement")
}

// eitherCheckSuffices reports whether, for a sort code whose first check has this
// exception, the second check is an alternative to the first rather than an addition: 2
// and 9 (the second runs only when the first fails), 10 and 11, 12 and 13 (either passing
// is enough), and 14 (one check with its own retry).
func eitherCheckSuffices(exception int) bool {
	switch exception {
	case 2, 9, 10, 11, 12, 13, 14:
		return true
	}
	return false
}

// valid runs the specification's procedure for a 6-digit sort code and an 8-digit account
// number.
func (t *ModulusTable) valid(sortCode, account string) bool {
	rules := t.rulesFor(atoi(sortCode))
	if len(rules) == 0 {
		// Not in the table: the specification says the pair cannot be checked and is
		// presumed valid.
		return true
	}
	first := rules[0]
	ok := t.passes(first, sortCode, account)
	if !ok && first.exception == 14 {
		ok = t.exception14Retry(first, sortCode, account)
	}
	if len(rules) == 1 {
		return ok
	}
	second := rules[1]
	if eitherCheckSuffices(first.exception) {
		return ok || t.passes(second, sortCode, account)
	}
	return ok && t.passes(second, sortCode, account)
}

// rulesFor returns the rows whose range holds the sort code, in file order: none, one (one
// check) or two (two checks). The table has about 1,100 rows, so a scan costs microseconds.
func (t *ModulusTable) rulesFor(sortCode int) []modulusRule {
	var found []modulusRule
	for _, r := range t.rules {
		if r.start <= sortCode && sortCode <= r.end {
			found = append(found, r)
			if len(found) == 2 {
				break
			}
		}
	}
	return found
}

// Positions of the 14 digits in the specification's notation: the sort code is u–z, the
// account number a–h.
const (
	posU = iota
	posV
	posW
	posX
	posY
	posZ
	posA
	posB
	posC
	posD
	posE
	posF
	posG
	posH
)

// passes runs one row's check, with its exception.
func (t *ModulusTable) passes(r modulusRule, sortCode, account string) bool {
	sortCode = t.checkSortCode(r, sortCode)
	var d [14]int
	for i := 0; i < 6; i++ {
		d[i] = int(sortCode[i] - '0')
	}
	for i := 0; i < 8; i++ {
		d[posA+i] = int(account[i] - '0')
	}
	if skipsCheck(r, d) {
		return true
	}
	w := checkWeights(r, d)

	total := 0
	for i := range d {
		p := d[i] * w[i]
		if r.method == doubleAlternate {
			// Double alternate adds the digits of each product, not the products.
			p = digitSum(p)
		}
		total += p
	}
	if r.exception == 1 {
		total += 27
	}
	m := 11
	if r.method != mod11 {
		m = 10
	}
	remainder := ((total % m) + m) % m // weights can be negative (-1 in some rows)
	return remainderPasses(r, d, remainder)
}

func digitSum(n int) int {
	if n < 0 {
		n = -n
	}
	s := 0
	for ; n > 0; n /= 10 {
		s += n % 10
	}
	return s
}
