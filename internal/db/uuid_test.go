package db_test

import (
	"testing"

	"github.com/council/provider-portal/internal/db"
)

func TestIsUUID(t *testing.T) {
	for s, want := range map[string]bool{
		"7f1c2a9e-0b4d-4c3e-9a8f-1d2e3f4a5b6c":  true,
		"7F1C2A9E-0B4D-4C3E-9A8F-1D2E3F4A5B6C":  true,
		"":                                      false,
		"7f1c2a9e0b4d4c3e9a8f1d2e3f4a5b6c":      false,
		"7f1c2a9e-0b4d-4c3e-9a8f-1d2e3f4a5b6":   false,
		"7f1c2a9e-0b4d-4c3e-9a8f-1d2e3f4a5b6c0": false,
		"7f1c2a9e-0b4d-4c3e-9a8f_1d2e3f4a5b6c":  false,
		"7f1c2a9e-0b4d-4c3e-9a8f-1d2e3f4a5b6g":  false,
		"'; DROP TABLE users; --aaaaaaaaaaaaaa": false,
	} {
		if got := db.IsUUID(s); got != want {
			t.Errorf("IsUUID(%q) = %v, want %v", s, got, want)
		}
	}
}
