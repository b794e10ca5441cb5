package provider

import (
	"crypto/rand"
	"encoding/hex"
	"slices"

	"github.com/council/provider-portal/internal/apperr"
)

// fieldsOf returns the per-field messages of a validation error, never nil.
func fieldsOf(err error) map[string]string {
	if f := apperr.FieldsOf(err); f != nil {
		return f
	}
	return map[string]string{}
}

func contains(list []string, v string) bool { return slices.Contains(list, v) }

// orNone shows an unanswered optional question as "None".
func orNone(s string) string {
	if s == "" {
		return "None"
	}
	return s
}

// newRef makes a short random id for an item in a list (a member of staff), so stored
// secrets stay attached to the right item when the list is edited.
func newRef() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
