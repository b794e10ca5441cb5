package provider

import (
	"crypto/rand"
	"encoding/hex"
	"reflect"
	"slices"
	"strings"

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

// dropEmptyRows removes the rows of "Add another" lists that were left entirely blank (a
// row added and never filled in), so an empty optional row never blocks a save. A list
// that must have an entry still says so: the section's own check sees it empty.
func dropEmptyRows(a Answers) {
	v := reflect.ValueOf(a).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("form"), ",")
		if name == "" || name == "-" || f.Kind() != reflect.Slice || f.Type().Elem().Kind() != reflect.Struct {
			continue
		}
		kept := reflect.MakeSlice(f.Type(), 0, f.Len())
		for j := 0; j < f.Len(); j++ {
			if !f.Index(j).IsZero() {
				kept = reflect.Append(kept, f.Index(j))
			}
		}
		f.Set(kept)
	}
}
