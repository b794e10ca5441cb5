package ukid

// The exceptions of the Pay.UK specification ("Validating account numbers: UK modulus
// checking", the exception column of valacdos). Each hook below changes one step of a
// row's check; passes and valid (modulus.go) call them in the specification's order:
// substitute the sort code, skip the check, adjust the weights, add to the total, test the
// remainder, and, for exception 14, retry.
//
//	 1  Double alternate: add 27 to the total (a bank number, 580149, in front of the sort
//	    code, itself doubled alternately).
//	 2  First check, paired with 9. If a ≠ 0 and g ≠ 9, use weights 0 0 1 2 5 3 6 4 8 7 10 9
//	    3 1; if a ≠ 0 and g = 9, use 0 0 0 0 0 0 0 0 8 7 10 9 3 1. If it passes there is no
//	    second check.
//	 3  If c = 6 or c = 9, this (double alternate) check is not made.
//	 4  Modulus 11: valid when the remainder equals the two-digit check digit gh.
//	 5  Replace the sort code using scsubtab when it is listed. Modulus 11: remainder 0
//	    needs g = 0, remainder 1 is invalid, otherwise 11 − remainder must be g. Double
//	    alternate: remainder 0 needs h = 0, otherwise 10 − remainder must be h. Both checks
//	    must pass.
//	 6  If a is 4 to 8 and g = h, a foreign currency account that cannot be checked: valid.
//	 7  If g = 9, zero the weights u to b.
//	 8  Use sort code 090126 in place of the real one.
//	 9  Second check, after 2 fails: use sort code 309634 in place of the real one.
//	10  First check, paired with 11. If ab is 09 or 99 and g = 9, zero the weights u to b.
//	    Either check passing is enough.
//	11  Second check, paired with 10.
//	12  First check, paired with 13 (Nationwide): either check passing is enough.
//	13  Second check, paired with 12.
//	14  Modulus 11 (Coutts). If it fails: when h is not 0, 1 or 9 the account is invalid;
//	    otherwise drop h, put a 0 in front of the account number and check again.

// checkSortCode returns the sort code a row's check is computed with (exceptions 5, 8, 9).
func (t *ModulusTable) checkSortCode(r modulusRule, sortCode string) string {
	switch r.exception {
	case 5:
		if sub, ok := t.substitutions[sortCode]; ok {
			return sub
		}
	case 8:
		return "090126"
	case 9:
		return "309634"
	}
	return sortCode
}

// skipsCheck reports whether a row's check is not made and counts as passed (3, 6).
func skipsCheck(r modulusRule, d [14]int) bool {
	switch r.exception {
	case 3:
		return d[posC] == 6 || d[posC] == 9
	case 6:
		return d[posA] >= 4 && d[posA] <= 8 && d[posG] == d[posH]
	}
	return false
}

// checkWeights returns the weights for a row's check (exceptions 2, 7, 10).
func checkWeights(r modulusRule, d [14]int) [14]int {
	w := r.weights
	switch r.exception {
	case 2:
		if d[posA] != 0 {
			if d[posG] != 9 {
				return [14]int{0, 0, 1, 2, 5, 3, 6, 4, 8, 7, 10, 9, 3, 1}
			}
			return [14]int{0, 0, 0, 0, 0, 0, 0, 0, 8, 7, 10, 9, 3, 1}
		}
	case 7:
		if d[posG] == 9 {
			zeroUToB(&w)
		}
	case 10:
		if (d[posA] == 0 || d[posA] == 9) && d[posB] == 9 && d[posG] == 9 {
			zeroUToB(&w)
		}
	}
	return w
}

func zeroUToB(w *[14]int) {
	for i := posU; i <= posB; i++ {
		w[i] = 0
	}
}

// remainderPasses tests a row's remainder (exceptions 4, 5; otherwise it must be 0).
func remainderPasses(r modulusRule, d [14]int, remainder int) bool {
	switch r.exception {
	case 4:
		return remainder == d[posG]*10+d[posH]
	case 5:
		if r.method == doubleAlternate {
			if remainder == 0 {
				return d[posH] == 0
			}
			return 10-remainder == d[posH]
		}
		switch remainder {
		case 0:
			return d[posG] == 0
		case 1:
			return false
		}
		return 11-remainder == d[posG]
	}
	return remainder == 0
}

// exception14Retry makes exception 14's second attempt after the first check failed.
func (t *ModulusTable) exception14Retry(r modulusRule, sortCode, account string) bool {
	switch account[7] {
	case '0', '1', '9':
		return t.passes(r, sortCode, "0"+account[:7])
	}
	return false
}
