package apitoken

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/form"
)

// MaxLifetime is how far away a token's expiry may be: a token that never expires is a
// credential nobody remembers to rotate.
const MaxLifetime = "1 year"

// maxName bounds a token's name.
const maxName = 100

// NewToken is what an administrator asks for: a name that says which system uses it, the
// scopes it needs and the last day it works.
type NewToken struct {
	Name    string
	Scopes  []string
	Expires form.DateInput
}

// checked is a NewToken that passed Validate.
type checked struct {
	name      string
	scopes    []Scope
	expiresAt time.Time
}

// Validate checks the request on the UK day of now and returns one message per field, keyed
// by the form's field names (name, scopes, expires).
func (n NewToken) Validate(now time.Time) (checked, map[string]string) {
	errs := map[string]string{}
	var c checked
	c.name = strings.TrimSpace(n.Name)
	switch {
	case c.name == "":
		errs["name"] = "Enter a name for the token, such as the system that will use it"
	case utf8.RuneCountInString(c.name) > maxName || !utf8.ValidString(c.name):
		errs["name"] = "The name must be 100 characters or fewer"
	case strings.ContainsFunc(c.name, unicode.IsControl):
		errs["name"] = "The name must be letters, numbers, spaces and punctuation only"
	}
	for _, s := range n.Scopes {
		sc, ok := ParseScope(s)
		if !ok {
			errs["scopes"] = "Select what the token may read from the list"
			break
		}
		if !slices.Contains(c.scopes, sc) {
			c.scopes = append(c.scopes, sc)
		}
	}
	if len(n.Scopes) == 0 {
		errs["scopes"] = "Select at least one thing the token may read"
	}
	day, msg := n.Expires.Time("the date the token expires")
	first, last := today(now).AddDate(0, 0, 1), LatestExpiry(now)
	switch {
	case msg != "":
		errs["expires"] = msg
	case day.Before(first):
		errs["expires"] = "The date the token expires must be in the future"
	case day.After(last):
		errs["expires"] = "The date the token expires must be within " + MaxLifetime + ", on or before " + last.Format("2 January 2006")
	default:
		c.expiresAt = endOfDay(day)
	}
	// Keep the scopes in the list's order, so the stored list and the audit read the same
	// however the form sent them.
	slices.SortFunc(c.scopes, func(a, b Scope) int { return scopeRank(a) - scopeRank(b) })
	return c, errs
}

// LatestExpiry is the last expiry date a token made at now may have: a year from the UK
// date, as midnight UTC.
func LatestExpiry(now time.Time) time.Time { return today(now).AddDate(1, 0, 0) }

func scopeRank(s Scope) int {
	return slices.IndexFunc(Scopes, func(i ScopeInfo) bool { return i.Scope == s })
}
