package ukid

import "fmt"

// sortCodeRange is an inclusive range of sort codes, as 6-digit numbers.
type sortCodeRange struct{ start, end int }

func inRanges(ranges []sortCodeRange, sortCode string) bool {
	n := atoi(sortCode)
	for _, r := range ranges {
		if r.start <= n && n <= r.end {
			return true
		}
	}
	return false
}

// The sort codes of the banks that issue account numbers longer than 8 digits. Pay.UK's
// specification ("Validating account numbers: UK modulus checking", section on
// non-standard account numbers) gives each bank's conversion but not its sort codes, which
// only the Extended Industry Sorting Code Directory (licensed, not embedded here) lists.
// These ranges are the banks' published allocations as public sources give them:
//
//   - Santander (9 digits; formerly Abbey, Alliance & Leicester and Girobank): 09-00-00 to
//     09-19-00, 16-57-10, 72-00-00 to 72-99-99 and 89-00-00 to 89-29-99 (Monzo's list in
//     AntoineAugusti/moduluschecking issue 17), 13-30-00 to 13-39-99 (formerly Abbey) and
//     98-00-00 (Alliance & Leicester Commercial Bank) (Experian Bank Wizard knowledge base
//     article 132053, which also lists 72-00-00 to 72-66-16 and 89-26-16, inside the
//     ranges above); HMRC's Bank Details Guide (TCM0314400) names 09-01-xx sort codes.
//   - NatWest (10 digits, use the last eight): 01-00-00 to 01-99-99 and 50-00-00 to
//     62-99-99, NatWest's allocation in the sort-code directories (60-94-83, 62-27-40 ...),
//     and 83-00-00 to 83-09-99 (NatWest Group; JavaModulusChecker's SortCode.kt lists 600,
//     601, 602, 606, 609 and 830, all inside these ranges).
//   - The Co-operative Bank (10 digits, use the first eight): 08-00-00 to 08-99-99, its
//     range and that of the building societies it sponsors (HMRC TCM0314080: 08-60-72
//     "Sponsor Bank Co-operative Bank plc"; the bank's own IBAN example GB12 CPBK 0892 99),
//     and 83-90-00 to 83-99-99 (JavaModulusChecker's SortCode.kt).
//
// A bank that takes on a range announces it through Pay.UK, and a number the portal
// refuses can be checked with the bank; widen a range here when that happens.
var (
	santanderSortCodes = []sortCodeRange{
		{90000, 91900}, {133000, 133999}, {165710, 165710}, {720000, 729999}, {890000, 892999}, {980000, 980000},
	}
	natWestSortCodes = []sortCodeRange{
		{10000, 19999}, {500000, 629999}, {830000, 830999},
	}
	cooperativeSortCodes = []sortCodeRange{
		{80000, 89999}, {839000, 839999},
	}
)

// PaymentAccount converts a sort code and account number, as typed or as stored, into the
// 6-digit sort code and 8-digit account number that Bacs, Faster Payments and every
// finance system take, by Pay.UK's rules for non-standard account numbers:
//
//   - 6 and 7 digits: padded with leading zeros to 8.
//   - 9 digits (Santander only): the last digit of the sort code is replaced by the first
//     digit of the account number, and the last eight digits are the account.
//   - 10 digits: NatWest, the last eight digits; the Co-operative Bank, the first eight.
//
// A 9-digit number at a sort code that is not Santander's, or a 10-digit number at one
// that is neither NatWest's nor the Co-operative Bank's, is refused (an *Error of Kind
// KindAccountNumber, Problem Format) with a message naming the rule: no other bank issues
// them, so the number was mistyped or is a reference rather than an account. The modulus
// check runs on the converted pair, and payment files carry it; the portal stores the
// number as the bank issued it, so the provider sees what they typed.
func PaymentAccount(sortCode, accountNumber string) (sort6, account8 string, err error) {
	ba, err := NormaliseBankAccount(sortCode, accountNumber)
	if err != nil {
		return "", "", err
	}
	sc, acc := ba.SortCode, ba.AccountNumber
	switch len(acc) {
	case 9:
		if !inRanges(santanderSortCodes, sc) {
			return "", "", fail(KindAccountNumber, Format, fmt.Sprintf(
				"Enter an account number of 8 digits: only Santander issues account numbers of 9 digits, and %s is not a Santander sort code", FormatSortCode(sc)))
		}
		return sc[:5] + acc[:1], acc[1:], nil
	case 10:
		switch {
		case inRanges(natWestSortCodes, sc):
			return sc, acc[2:], nil
		case inRanges(cooperativeSortCodes, sc):
			return sc, acc[:8], nil
		}
		return "", "", fail(KindAccountNumber, Format, fmt.Sprintf(
			"Enter an account number of 8 digits: only NatWest and the Co-operative Bank issue account numbers of 10 digits, and %s is not one of their sort codes", FormatSortCode(sc)))
	}
	return sc, acc, nil
}

// FormatSortCode writes 6 digits as people read a sort code: "30-94-30". Anything else is
// returned unchanged.
func FormatSortCode(sortCode string) string {
	if len(sortCode) != 6 || !isDigits(sortCode) {
		return sortCode
	}
	return sortCode[:2] + "-" + sortCode[2:4] + "-" + sortCode[4:]
}
