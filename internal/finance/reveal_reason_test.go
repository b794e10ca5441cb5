package finance

import (
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
)

// TestCheckReason: a reveal's reason is required, bounded, and must be text the audit trail
// can hold.
func TestCheckReason(t *testing.T) {
	tests := []struct {
		name, reason, want, msg string
	}{
		{"kept, trimmed", "  To read them back on the call ", "To read them back on the call", ""},
		{"missing", "   ", "", "Enter why you need to see the bank details in full"},
		{"too long", strings.Repeat("a", 501), "", "The reason must be 500 characters or fewer"},
		{"NUL", "to check\x00", "", "The reason contains characters that are not allowed"},
		{"escape character", "to \x1b check", "", "The reason contains characters that are not allowed"},
		{"not UTF-8", "to check \xff", "", "The reason contains characters that cannot be read. Type it again rather than pasting it"},
	}
	for _, tt := range tests {
		got, err := checkReason(tt.reason)
		if got != tt.want || apperr.FieldsOf(err)["reason"] != tt.msg {
			t.Errorf("%s: checkReason = %q, %v; want %q, %q", tt.name, got, err, tt.want, tt.msg)
		}
	}
}
