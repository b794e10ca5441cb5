// Package ukid checks and normalises the UK identifiers a provider record holds: VAT
// numbers, postcodes, Companies House and charity numbers, Ofsted URNs, CQC ids, DBS
// certificate numbers, IBANs, and sort codes with account numbers (including the Pay.UK
// modulus check).
//
// Every check takes what a person typed and returns the one form the portal stores, or an
// *Error whose Message is a sentence for the form ("Enter a real postcode, like SW1A 1AA")
// and whose Kind and Problem say which identifier failed and how (Missing, Format,
// Checksum). Spaces, and separators people commonly type, are removed first, so that
// "sw1a1aa" and "SW1A 1AA" are the same postcode.
//
// The package is pure: no network, no database, no clock, no globals that change. The one
// input from outside is the modulus table, which is embedded (Pay.UK valacdos v8.50 and
// scsubtab, in data/) and can be replaced at start-up with LoadModulusTableFiles when
// Pay.UK publishes a newer one. Every parser has a fuzz test that it never panics and that
// its output normalises to itself.
//
// Where each rule comes from:
//
//   - VAT: HMRC's mod 97 check with the 9755 series and the GD/HA numbers, as implemented
//     by python-stdnum (stdnum/gb/vat.py).
//   - Sort code and account number: the Pay.UK (formerly Vocalink) specification
//     "Validating account numbers: UK modulus checking", with all 14 exceptions
//     (modulus_exceptions.go) and the specification's 34 worked examples as tests. A pass
//     means the pair could exist, never that it does; sort codes in no range of the table
//     pass because they cannot be checked. The specification's rules for 9- and 10-digit
//     account numbers depend on the bank (Santander; NatWest; Co-operative Bank): the
//     banks' sort code ranges are a small documented table (payment_account.go), and a
//     long number at any other bank is refused (see PaymentAccount).
//   - Postcode: the Cabinet Office bulk data transfer validation pattern; GIR 0AA is valid.
//     A pass means the shape is possible, not that the postcode exists.
//   - Companies House number: the register prefixes Companies House uses (chguide.co.uk);
//     shorter numbers are padded with zeros after the prefix.
//   - Charity number: the registers' number formats (Charity Commission for England and
//     Wales, OSCR, CCNI), returned with the org-id.guide scheme (GB-CHC, GB-SC, GB-NIC).
//   - Ofsted URN: the formats in Ofsted reports and DfE Get Information about Schools.
//   - CQC id: the form of the ids in CQC's public API; CQC publishes no format.
//   - DBS certificate number: 12 digits (DBS guidance); it has no check digit.
//   - IBAN: ISO 13616 mod 97, plus the GB layout (bank code, sort code, account number).
package ukid
