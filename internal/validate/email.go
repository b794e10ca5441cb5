package validate

import (
	"net/mail"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
)

// NormaliseEmail trims and checks an email address, returning a clear message (Invalid)
// when it is not one. Every path that stores or looks up an address calls it, so an
// address reads the same however it was typed.
func NormaliseEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", apperr.New(apperr.Invalid, "Enter an email address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") {
		return "", apperr.New(apperr.Invalid, "Enter an email address in the correct format, like name@example.com")
	}
	return s, nil
}
