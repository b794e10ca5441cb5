package seed

import (
	"fmt"
	"strings"

	"github.com/council/provider-portal/internal/ukid"
)

// The identifiers below are made to pass the same checks the forms apply (internal/ukid),
// in the normalised form those checks return, so a seeded record reads exactly like one a
// provider typed in. None is a real organisation's: the numbers are random.

// vatNumber returns a GB VAT number with valid HMRC check digits: 7 random digits, then the
// two digits that make the weighted sum a multiple of 97.
func vatNumber(r rng) string {
	for {
		seven := r.digits(7)
		if seven[0] == '0' {
			continue // real numbers start 1-9; a leading 0 also reads like a short number
		}
		weights := [7]int{8, 7, 6, 5, 4, 3, 2}
		sum := 0
		for i, w := range weights {
			sum += w * int(seven[i]-'0')
		}
		check := (97 - sum%97) % 97
		return fmt.Sprintf("GB%s%02d", seven, check)
	}
}

// companyNumber returns a Companies House number: mostly England and Wales (8 digits), some
// Scottish (SC) companies, and OC for a limited liability partnership.
func companyNumber(r rng, llp bool) string {
	switch {
	case llp:
		return "OC" + fmt.Sprintf("%06d", r.between(300000, 449999))
	case r.chance(8):
		return "SC" + fmt.Sprintf("%06d", r.between(100000, 799999))
	}
	return fmt.Sprintf("%08d", r.between(1000000, 15999999))
}

// charityNumber returns a charity number: England and Wales (7 digits from 1000000) mostly,
// some Scottish (SC0 and 5 digits).
func charityNumber(r rng) string {
	if r.chance(8) {
		return "SC0" + fmt.Sprintf("%05d", r.between(10000, 54999))
	}
	return fmt.Sprintf("%d", r.between(1000000, 1209999))
}

// ofstedURN returns an Ofsted URN: SC and 6 digits for children's social care, 6 digits for
// schools.
func ofstedURN(r rng, school bool) string {
	if school {
		return fmt.Sprintf("%06d", r.between(100000, 149999))
	}
	return fmt.Sprintf("SC%06d", r.between(10000, 999999))
}

// cqcID returns a CQC provider or location id: "1-" and 10 digits.
func cqcID(r rng) string { return "1-" + fmt.Sprintf("%d", r.between(1000000000, 2999999999)) }

// dbsCertificate returns a 12-digit DBS certificate number.
func dbsCertificate(r rng) string { return "00" + r.digits(10) }

// phoneRanges are Ofcom's ranges reserved for drama, so a seeded number never rings anyone:
// each is a prefix and how many digits follow it.
var phoneRanges = []struct {
	prefix string
	rest   int
}{
	{"01134960", 3}, {"01144960", 3}, {"01154960", 3}, {"01164960", 3}, {"01174960", 3},
	{"01184960", 3}, {"01214960", 3}, {"01314960", 3}, {"01414960", 3}, {"01514960", 3},
	{"01614960", 3}, {"02079460", 3}, {"01632960", 3}, {"07700900", 3},
}

// phone returns a UK telephone number in the national form the contacts form stores.
func phone(r rng) string {
	p := pick(r, phoneRanges)
	return p.prefix + r.digits(p.rest)
}

// inwardLetters are the letters a postcode's inward code may use.
const inwardLetters = "ABDEFGHJLNPQRSTUWXYZ"

// postcode returns a postcode in the town's area, in the normalised form ("NN1 3AB").
func postcode(r rng, t town) string {
	district := t.districts[r.IntN(len(t.districts))]
	return fmt.Sprintf("%s %d%c%c", district, r.IntN(10), inwardLetters[r.IntN(len(inwardLetters))], inwardLetters[r.IntN(len(inwardLetters))])
}

// sortCodePrefixes start sort codes of the large banks and building societies, so most
// seeded accounts fall in a range of the modulus table and are really checked.
var sortCodePrefixes = []string{
	"20", "23", "30", "40", "60", "77", "80", "83", "87", "09", "11", "12", "16", "07", "08", "72", "82", "90",
}

// bankAccount returns a sort code and 8-digit account number that pass the Pay.UK modulus
// check, normalised as the bank details form stores them. Random pairs are drawn until one
// passes (about one in eleven does, for a sort code under MOD11).
func bankAccount(r rng, t *ukid.ModulusTable) ukid.BankAccount {
	for {
		sort := pick(r, sortCodePrefixes) + r.digits(4)
		for range 200 {
			account := fmt.Sprintf("%d", r.between(10000000, 99999999))
			if ba, err := t.BankAccount(sort, account); err == nil {
				return ba
			}
		}
	}
}

// slug turns a name into the lower-case letters and digits of a web address label.
func slug(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	s := b.String()
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}
