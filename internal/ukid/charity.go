package ukid

import "strings"

// Charity register schemes, as org-id.guide and the Central Digital Platform name them.
const (
	SchemeEnglandWales    = "GB-CHC" // Charity Commission for England and Wales
	SchemeScotland        = "GB-SC"  // Office of the Scottish Charity Regulator (OSCR)
	SchemeNorthernIreland = "GB-NIC" // Charity Commission for Northern Ireland (CCNI)
)

// Charity is a registered charity number with the register it belongs to.
//
// Number is how the register writes it: "1123456" or "1123456-1" (a linked charity) for
// England and Wales, "SC012345" for Scotland, and the six digits "100002" for Northern
// Ireland (CCNI numbers are shown with or without the "NIC" prefix).
type Charity struct {
	Scheme string
	Number string
}

// String returns the number as people write it ("1123456", "SC012345", "NIC100002").
// Charity(c.String()) gives c back.
func (c Charity) String() string {
	if c.Scheme == SchemeNorthernIreland {
		return "NIC" + c.Number
	}
	return c.Number
}

// OrgID returns the org-id.guide identifier, as used in OCDS party ids: "GB-CHC-1123456".
func (c Charity) OrgID() string {
	return c.Scheme + "-" + c.Number
}

// CharityNumber checks a UK registered charity number and works out its register:
//   - England and Wales (GB-CHC): 6 digits from 200000, or 7 digits; a linked charity adds
//     "-N" ("1123456-1").
//   - Scotland (GB-SC): "SC0" and 5 digits.
//   - Northern Ireland (GB-NIC): "NIC" and 6 digits, or a bare 100000–199999 (the CCNI
//     register started at 100000; England and Wales numbers start at 200000).
func CharityNumber(s string) (Charity, error) {
	c := plainHyphens(squash(s)) // keep the hyphen: it marks a linked charity
	if c == "" {
		return Charity{}, fail(KindCharityNumber, Missing, "Enter a charity number")
	}
	switch {
	case strings.HasPrefix(c, "SC"):
		// OSCR numbers are "SC0" and 5 digits: SC1xxxxx is impossible (and SC followed
		// by 6 digits not starting 0 is usually an Ofsted URN or a Scottish company).
		if d := strings.ReplaceAll(c[2:], "-", ""); len(d) == 6 && d[0] == '0' && isDigits(d) && !allZero(d) {
			return Charity{Scheme: SchemeScotland, Number: "SC" + d}, nil
		}
	case strings.HasPrefix(c, "NIC"):
		if d := strings.ReplaceAll(c[3:], "-", ""); len(d) == 6 && isDigits(d) && !allZero(d) {
			return Charity{Scheme: SchemeNorthernIreland, Number: d}, nil
		}
	default:
		number, linked, hasLinked := strings.Cut(c, "-")
		if !isDigits(number) || number[0] == '0' || len(number) < 6 || len(number) > 7 {
			break
		}
		northernIreland := len(number) == 6 && number[0] == '1'
		switch {
		case !hasLinked && northernIreland:
			return Charity{Scheme: SchemeNorthernIreland, Number: number}, nil
		case !hasLinked:
			return Charity{Scheme: SchemeEnglandWales, Number: number}, nil
		case !northernIreland && isDigits(linked) && linked[0] != '0' && len(linked) <= 3:
			// A linked (subsidiary) charity in England and Wales: the main number, a
			// hyphen and 1 to 3 digits. Northern Ireland has no linked charities.
			return Charity{Scheme: SchemeEnglandWales, Number: c}, nil
		}
	}
	return Charity{}, fail(KindCharityNumber, Format, "Enter a charity number in the correct format, like 1123456, SC012345 or NIC100002")
}
