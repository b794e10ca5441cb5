// Package validate checks form and domain structs with go-playground/validator and turns
// its errors into GOV.UK-style messages keyed by form field, so every capability reports
// bad input the same way and the web layer can show an error per field.
package validate

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/go-playground/validator/v10"
)

var (
	once sync.Once
	v    *validator.Validate
)

func instance() *validator.Validate {
	once.Do(func() {
		v = validator.New(validator.WithRequiredStructEnabled())
		// Report fields by their form name, so messages land beside the right input.
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			if name, _, _ := strings.Cut(f.Tag.Get("form"), ","); name != "" && name != "-" {
				return name
			}
			return f.Name
		})
	})
	return v
}

// Struct validates s and returns an Invalid error with one message per field, or nil.
// Struct fields may carry `label:"..."` (how the message names the field, lower case) and
// `msg:"..."` (a message that replaces the generated one for every rule).
func Struct(s any) error {
	err := instance().Struct(s)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return fmt.Errorf("validate: %w", err)
	}
	t := reflect.TypeOf(s)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	fields := map[string]string{}
	for _, fe := range verrs {
		key := fe.Field()
		if _, done := fields[key]; done {
			continue
		}
		fields[key] = message(t, fe)
	}
	return apperr.InvalidFields(fields)
}

func message(t reflect.Type, fe validator.FieldError) string {
	label, msg := fe.Field(), ""
	if sf, ok := fieldByPath(t, fe.StructNamespace()); ok {
		if l := sf.Tag.Get("label"); l != "" {
			label = l
		}
		msg = sf.Tag.Get("msg")
	}
	if msg != "" {
		return msg
	}
	upper := strings.ToUpper(label[:1]) + label[1:]
	switch fe.Tag() {
	case "required", "required_if", "required_unless", "required_with":
		if fe.Kind() == reflect.Slice || fe.Kind() == reflect.Bool {
			return "Select " + label
		}
		return "Enter " + label
	case "max":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("%s must be %s characters or fewer", upper, fe.Param())
		}
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("Select %s or fewer for %s", fe.Param(), label)
		}
		return fmt.Sprintf("%s must be %s or less", upper, fe.Param())
	case "min":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("%s must be %s characters or more", upper, fe.Param())
		}
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("Select at least %s for %s", fe.Param(), label)
		}
		return fmt.Sprintf("%s must be %s or more", upper, fe.Param())
	case "gte":
		return fmt.Sprintf("%s must be %s or more", upper, fe.Param())
	case "lte":
		return fmt.Sprintf("%s must be %s or less", upper, fe.Param())
	case "oneof":
		return "Select " + label
	case "email":
		return "Enter " + label + " in the correct format, like name@example.com"
	case "url", "http_url":
		return "Enter " + label + " in the correct format, like https://www.example.com"
	case "dive":
		return "Select " + label + " from the list"
	}
	return fmt.Sprintf("Enter a valid %s", label)
}

// fieldByPath finds the struct field named by a validator namespace like "Form.Contact.Email".
func fieldByPath(t reflect.Type, ns string) (reflect.StructField, bool) {
	parts := strings.Split(ns, ".")
	var sf reflect.StructField
	for _, p := range parts[1:] {
		if i := strings.IndexByte(p, '['); i >= 0 {
			p = p[:i]
		}
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return sf, false
		}
		f, ok := t.FieldByName(p)
		if !ok {
			return sf, false
		}
		sf, t = f, f.Type
	}
	return sf, true
}
