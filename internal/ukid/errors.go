package ukid

import (
	"strings"
	"unicode"
)

// Kind names the identifier a check was about, so a form can put the message against the
// right field (a bank account check can fail on the sort code or on the account number).
type Kind string

// The identifiers this package checks.
const (
	KindVAT            Kind = "vat_number"
	KindPostcode       Kind = "postcode"
	KindCompanyNumber  Kind = "company_number"
	KindCharityNumber  Kind = "charity_number"
	KindOfstedURN      Kind = "ofsted_urn"
	KindCQCID          Kind = "cqc_id"
	KindDBSCertificate Kind = "dbs_certificate_number"
	KindIBAN           Kind = "iban"
	KindSortCode       Kind = "sort_code"
	KindAccountNumber  Kind = "account_number"
)

// Problem says what is wrong with a value.
type Problem string

// The ways a value can fail a check.
const (
	// Missing: nothing was entered.
	Missing Problem = "missing"
	// Format: the value does not have the shape of the identifier (length, characters, prefix).
	Format Problem = "format"
	// Checksum: the value has the right shape but its check digits (or the Pay.UK modulus
	// check) say it cannot exist.
	Checksum Problem = "checksum"
)

// Error is a failed check. Message is a sentence written for the person who typed the
// value, in the GOV.UK error-message style, and is safe to show on a form.
type Error struct {
	Kind    Kind
	Problem Problem
	Message string
}

func (e *Error) Error() string { return e.Message }

func fail(kind Kind, problem Problem, message string) *Error {
	return &Error{Kind: kind, Problem: problem, Message: message}
}

// squash upper-cases s and removes every space character and every rune in drop. People
// copy identifiers from letters, PDFs and web pages, so spacing and separators vary; the
// checks then look only at what is left.
func squash(s string, drop ...rune) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) || isOneOf(r, drop) {
			continue
		}
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isOneOf(r rune, set []rune) bool {
	for _, x := range set {
		if r == x {
			return true
		}
	}
	return false
}

// dashes are the separators people type or paste between groups of digits: the hyphen and
// the en and em dashes word processors substitute for it.
var dashes = []rune{'-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212'}

// plainHyphens replaces the dashes word processors substitute for a hyphen with the hyphen,
// for identifiers in which the hyphen means something.
func plainHyphens(s string) string {
	for _, d := range dashes[1:] {
		s = strings.ReplaceAll(s, string(d), "-")
	}
	return s
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// allZero reports whether s (a run of digits) is all zeros: no register issues number 0.
func allZero(s string) bool {
	return strings.Trim(s, "0") == ""
}

// atoi converts a short run of ASCII digits; callers check isDigits first.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func padLeft(s string, width int) string {
	if len(s) >= width {
		return s
	}
	return strings.Repeat("0", width-len(s)) + s
}
