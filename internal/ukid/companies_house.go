package ukid

// companyPrefixes are the two-letter prefixes Companies House gives registers other than
// companies in England and Wales (which have 8 digits and no prefix).
var companyPrefixes = map[string]bool{
	"SC": true, "NI": true, // companies registered in Scotland, Northern Ireland
	"OC": true, "SO": true, "NC": true, // limited liability partnerships (E&W, Scotland, NI)
	"LP": true, "SL": true, "NL": true, // limited partnerships
	"FC": true, "SF": true, "NF": true, // overseas companies
	"GE": true, "GS": true, "GN": true, // European economic interest groupings
	"CE": true, "CS": true, // charitable incorporated organisations (E&W, Scotland)
	"IP": true, "SP": true, "NP": true, // industrial and provident societies
	"RS": true,                         // registered societies
	"RC": true, "SR": true, "NR": true, // royal charter companies
	"IC": true, "SI": true, "NV": true, // investment companies with variable capital
	"AC": true,                         // assurance companies
	"SE": true, "ES": true, "EN": true, // European public limited-liability companies
}

// CompaniesHouse checks a Companies House registration number and returns its 8-character
// form: 8 digits (England and Wales) or a listed 2-letter prefix and 6 digits. People
// often drop leading zeros, so shorter numbers are padded with zeros after the prefix:
// "123456" → "00123456", "sc 1234" → "SC001234".
func CompaniesHouse(s string) (string, error) {
	c := squash(s)
	if c == "" {
		return "", fail(KindCompanyNumber, Missing, "Enter a company registration number")
	}
	var prefix, digits string
	switch {
	case isDigits(c) && len(c) <= 8:
		digits = padLeft(c, 8)
	case len(c) > 2 && len(c) <= 8 && isLetters(c[:2]) && isDigits(c[2:]):
		if !companyPrefixes[c[:2]] {
			return "", fail(KindCompanyNumber, Format, companyMessage)
		}
		prefix, digits = c[:2], padLeft(c[2:], 6)
	default:
		return "", fail(KindCompanyNumber, Format, companyMessage)
	}
	if allZero(digits) {
		return "", fail(KindCompanyNumber, Format, companyMessage)
	}
	return prefix + digits, nil
}

const companyMessage = "Enter a company registration number in the correct format, like 01234567 or SC123456"
