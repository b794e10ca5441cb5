package directory

import (
	"regexp"
	"strings"

	"github.com/council/provider-portal/internal/ukid"
)

// Search is what a query can mean. The organisations table holds each identifier in the
// one form internal/ukid returns, so a query that reads as an identifier is normalised the
// same way and matched exactly ("sc 057941" finds SC057941). A query may read as several
// identifiers ("123456" is both a six-digit Ofsted URN and Companies House number
// 00123456) and as part of a name: a provider matching any of them is found.
type Search struct {
	// Text is the query with its white space folded, matched as part of the legal, trading
	// or registered name.
	Text string
	// Each identifier is the normalised form when the query reads as one, else "".
	Postcode, OutwardCode, VAT, CompanyNumber, OfstedURN, CQCID, SupplierRef string
}

var (
	// outwardCode is the first half of a postcode ("NN1", "SW1A"), which finds every
	// provider in that district.
	outwardCode = regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]?$`)
	// supplierRef is the council's own reference, SUP and a number.
	supplierRef = regexp.MustCompile(`^SUP[0-9]{1,12}$`)
)

// ParseSearch reads a query. An empty query searches nothing.
func ParseSearch(q string) Search {
	s := Search{Text: strings.Join(strings.Fields(q), " ")}
	if s.Text == "" {
		return s
	}
	squashed := strings.ToUpper(strings.Join(strings.Fields(s.Text), ""))
	if v, err := ukid.Postcode(s.Text); err == nil {
		s.Postcode = v
	} else if outwardCode.MatchString(squashed) {
		s.OutwardCode = squashed
	}
	if v, err := ukid.VAT(s.Text); err == nil {
		s.VAT = v
	}
	if v, err := ukid.CompaniesHouse(s.Text); err == nil {
		s.CompanyNumber = v
	}
	if v, err := ukid.OfstedURN(s.Text); err == nil {
		s.OfstedURN = v
	}
	if v, err := ukid.CQCID(s.Text); err == nil {
		s.CQCID = v
	}
	if supplierRef.MatchString(squashed) {
		s.SupplierRef = squashed
	}
	return s
}

// Identifiers names what the query was read as besides a name, for the results' caption.
func (s Search) Identifiers() []string {
	var out []string
	add := func(v, what string) {
		if v != "" {
			out = append(out, what+" "+v)
		}
	}
	add(s.Postcode, "postcode")
	add(s.OutwardCode, "postcode district")
	add(s.VAT, "VAT number")
	add(s.CompanyNumber, "Companies House number")
	add(s.OfstedURN, "Ofsted URN")
	add(s.CQCID, "CQC ID")
	add(s.SupplierRef, "supplier reference")
	return out
}
