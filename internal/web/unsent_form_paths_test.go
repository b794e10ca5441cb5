package web

import (
	"testing"
	"time"
)

// TestRestoresInPlace: only pages whose GET handler fills the form from a kept one are sent
// the form back; any other goes to the unsent form page, so nothing typed is lost.
func TestRestoresInPlace(t *testing.T) {
	for path, want := range map[string]bool{
		"/provider/sections/vat":               true,
		"/provider/sections/bank-details?x=1":  true,
		"/provider/sections/vat/check":         false,
		"/provider/sections/":                  false,
		"/provider/bank-details/change":        true,
		"/provider/bank-details":               false,
		"/finance/providers/abc/changes/new":   true,
		"/finance/providers/abc/changes":       false,
		"/finance/providers/abc/x/changes/new": false,
		"/rectification/new":                   false,
		"/contracts/new":                       false,
	} {
		if got := restoresInPlace(path); got != want {
			t.Errorf("restoresInPlace(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestDurationWords(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Minute: "1 minute", 30 * time.Minute: "30 minutes", time.Hour: "1 hour",
		90 * time.Minute: "1 hour 30 minutes", 2 * time.Hour: "2 hours",
	} {
		if got := durationWords(d); got != want {
			t.Errorf("durationWords(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestFieldLabel(t *testing.T) {
	for name, want := range map[string]string{"account_name": "Account name", "staff-0-name": "Staff 1 name", "what_is_wrong": "What is wrong"} {
		if got := fieldLabel(name); got != want {
			t.Errorf("fieldLabel(%q) = %q, want %q", name, got, want)
		}
	}
}
