package validate

import (
	"testing"

	"github.com/council/provider-portal/internal/apperr"
)

type sample struct {
	Name     string   `form:"name" validate:"required,max=5" label:"your name"`
	Email    string   `form:"email" validate:"omitempty,email" label:"an email address"`
	Kind     string   `form:"kind" validate:"required,oneof=a b" label:"a kind"`
	Tags     []string `form:"tags" validate:"min=1" label:"tags"`
	Custom   string   `form:"custom" validate:"required" msg:"Tell us something"`
	Quantity int      `form:"qty" validate:"gte=0,lte=10" label:"quantity"`
}

func TestMessagesPerField(t *testing.T) {
	err := Struct(sample{Name: "toolong", Email: "nope", Kind: "c", Quantity: 11})
	if !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("want invalid, got %v", err)
	}
	want := map[string]string{
		"name":   "Your name must be 5 characters or fewer",
		"email":  "Enter an email address in the correct format, like name@example.com",
		"kind":   "Select a kind",
		"tags":   "Select at least 1 for tags",
		"custom": "Tell us something",
		"qty":    "Quantity must be 10 or less",
	}
	got := apperr.FieldsOf(err)
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d messages, want %d: %v", len(got), len(want), got)
	}
}

func TestValid(t *testing.T) {
	if err := Struct(sample{Name: "Ann", Kind: "a", Tags: []string{"x"}, Custom: "y"}); err != nil {
		t.Fatal(err)
	}
}
