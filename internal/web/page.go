package web

import (
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
}

// NavItem is a link in the service navigation.
type NavItem struct {
	Text, Href string
	Current    bool
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

// fieldErrors turns a map of field messages into the summary's order, the order of the form.
func fieldErrors(order []string, fields map[string]string) []FieldError {
	var out []FieldError
	seen := map[string]bool{}
	for _, f := range order {
		if m, ok := fields[f]; ok {
			out = append(out, FieldError{Field: f, Message: m})
			seen[f] = true
		}
	}
	for f, m := range fields {
		if !seen[f] {
			out = append(out, FieldError{Field: f, Message: m})
		}
	}
	return out
}
