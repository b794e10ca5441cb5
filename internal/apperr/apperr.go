// Package apperr defines the few kinds of failure the portal distinguishes, so that a
// capability package can say "not found" or "conflict" without knowing HTTP, and the web
// layer maps each kind to a status and a safe message in one place.
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the people who see it.
type Kind string

const (
	Invalid      Kind = "invalid"      // the input is wrong; the message says how
	NotFound     Kind = "not_found"    // no such thing, or not yours to see
	Conflict     Kind = "conflict"     // someone else changed it, or it already exists
	Unauthorized Kind = "unauthorized" // not signed in, or the credentials are wrong
	Forbidden    Kind = "forbidden"    // signed in, but not allowed
	TooMany      Kind = "too_many"     // throttled; try again later
	Internal     Kind = "internal"     // our fault; the user sees a reference only
)

// Error carries a kind and a message that is safe to show to the user.
type Error struct {
	Kind    Kind
	Message string
	// Fields holds per-field messages for form validation failures, keyed by form field name.
	Fields map[string]string
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of the given kind with a user-safe message.
func New(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error of the given kind that keeps cause for the logs.
func Wrap(kind Kind, cause error, message string) *Error {
	return &Error{Kind: kind, Message: message, Err: cause}
}

// InvalidFields reports a validation failure with one message per field.
func InvalidFields(fields map[string]string) *Error {
	return &Error{Kind: Invalid, Message: "There is a problem", Fields: fields}
}

// KindOf returns the kind of err, or Internal for errors that did not say.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err is of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// MessageOf returns the user-safe message of err, or a generic one for internal errors.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != Internal {
		return e.Message
	}
	return "Sorry, there is a problem with the service."
}

// FieldsOf returns the per-field messages of a validation error, if any.
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
