package validate

import (
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
)

func TestNormaliseEmail(t *testing.T) {
	const format = "Enter an email address in the correct format, like name@example.com"
	tests := []struct{ in, want, msg string }{
		{"  robin@acorn.example ", "robin@acorn.example", ""},
		{"Robin.Ash@Acorn.example", "Robin.Ash@Acorn.example", ""},
		{"", "", "Enter an email address"},
		{"   ", "", "Enter an email address"},
		{"robin at acorn", "", format},
		{"robin@localhost", "", format},
		{"Robin <robin@acorn.example>", "", format},
		{"robin@" + strings.Repeat("a", 250) + ".example", "", format},
	}
	for _, tt := range tests {
		got, err := NormaliseEmail(tt.in)
		if tt.msg == "" {
			if err != nil || got != tt.want {
				t.Errorf("NormaliseEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		if !apperr.Is(err, apperr.Invalid) || apperr.MessageOf(err) != tt.msg {
			t.Errorf("NormaliseEmail(%q) = %q, %v; want Invalid %q", tt.in, got, err, tt.msg)
		}
	}
}
