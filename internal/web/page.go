package web

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/council/provider-portal/internal/auth"
)

// Page is what the layout needs on every page. Each view model embeds it, so templates reach
// it as .Page and the page's own fields by name.
type Page struct {
	Title        string
	CouncilName  string
	CouncilEmail string
	User         *auth.User
	Organisation string
	CSRF         string
	Flash        string
	Back         string
	Nav          []NavItem
	Errors       []FieldError
	// Timeout is the signed-in session's idle timeout, for the warning every page carries.
	Timeout *SessionTimeout
	// Restored says the form shows what the person typed before their session timed out.
	Restored bool
}

// SessionTimeout is what the timeout warning needs: the idle timeout in words (for the line
// shown without JavaScript), and, for the script, the seconds until this session times out
// and how many before that to warn.
type SessionTimeout struct {
	Idle        string
	SecondsLeft int
	WarnSeconds int
}

// NavItem is a link in the service navigation. Counted items show Count after the text
// ("Your work (3)"), with CountHint saying what is counted to screen reader users.
type NavItem struct {
	Text, Href string
	Current    bool
	Counted    bool
	Count      int
	CountHint  string
}

// FieldError is one message in the error summary, linking to its field.
type FieldError struct {
	Field   string
	Message string
}

// ErrorFor returns the message for one field, for the template beside that field.
func (p Page) ErrorFor(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// fieldErrors turns a map of field messages into the summary's order: the order of the
// form, where a field of a repeated fieldset ("staff-2-name") sorts with its list ("staff"),
// by item number, then by its place in the item.
func fieldErrors(order []string, fields map[string]string) []FieldError {
	rank := func(f string) (int, int, string) {
		list, rest, _ := strings.Cut(f, "-")
		pos := slices.Index(order, f)
		if pos < 0 {
			pos = slices.Index(order, list)
		}
		if pos < 0 {
			pos = len(order)
		}
		n := 0
		if num, _, ok := strings.Cut(rest, "-"); ok {
			n, _ = strconv.Atoi(num)
		}
		return pos, n, f
	}
	out := make([]FieldError, 0, len(fields))
	for f, m := range fields {
		out = append(out, FieldError{Field: f, Message: m})
	}
	sort.SliceStable(out, func(i, j int) bool {
		pi, ni, fi := rank(out[i].Field)
		pj, nj, fj := rank(out[j].Field)
		if pi != pj {
			return pi < pj
		}
		if ni != nj {
			return ni < nj
		}
		return fi < fj
	})
	return out
}
