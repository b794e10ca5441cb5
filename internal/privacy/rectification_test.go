package privacy_test

import (
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/privacy"
)

// TestRectificationInputValidate: where, what is wrong and what it should say, each within
// its limit.
func TestRectificationInputValidate(t *testing.T) {
	valid := privacy.CorrectionInput{Location: "My account", WhatIsWrong: "Spelling", ShouldSay: "Acorn"}
	tests := []struct {
		name  string
		edit  func(*privacy.CorrectionInput)
		field string
	}{
		{"no location", func(c *privacy.CorrectionInput) { c.Location = " " }, "location"},
		{"long location", func(c *privacy.CorrectionInput) { c.Location = strings.Repeat("x", 1001) }, "location"},
		{"nothing wrong", func(c *privacy.CorrectionInput) { c.WhatIsWrong = "" }, "what_is_wrong"},
		{"long wrong", func(c *privacy.CorrectionInput) { c.WhatIsWrong = strings.Repeat("x", 5001) }, "what_is_wrong"},
		{"nothing right", func(c *privacy.CorrectionInput) { c.ShouldSay = "\n" }, "should_say"},
	}
	for _, tt := range tests {
		in := valid
		tt.edit(&in)
		if errs := in.Validate(); len(errs) != 1 || errs[tt.field] == "" {
			t.Errorf("%s: errors %v, want one for %s", tt.name, errs, tt.field)
		}
	}
	if errs := valid.Validate(); len(errs) != 0 {
		t.Errorf("valid request: %v", errs)
	}
}

// TestRectificationDecisionValidate: closing needs the outcome the requester is sent;
// moving to in progress does not; nothing else is a decision.
func TestRectificationDecisionValidate(t *testing.T) {
	tests := []struct {
		d     privacy.CorrectionDecision
		field string
	}{
		{privacy.CorrectionDecision{Status: privacy.CorrectionInProgress}, ""},
		{privacy.CorrectionDecision{Status: privacy.CorrectionResolved, Outcome: "Corrected the name"}, ""},
		{privacy.CorrectionDecision{Status: privacy.CorrectionResolved}, "outcome"},
		{privacy.CorrectionDecision{Status: privacy.CorrectionRefused, Outcome: "  "}, "outcome"},
		{privacy.CorrectionDecision{Status: privacy.CorrectionRefused, Outcome: strings.Repeat("x", 5001)}, "outcome"},
		{privacy.CorrectionDecision{Status: privacy.CorrectionOpen}, "status"},
		{privacy.CorrectionDecision{Status: "deleted"}, "status"},
	}
	for _, tt := range tests {
		errs := tt.d.Validate()
		if tt.field == "" && len(errs) != 0 || tt.field != "" && (len(errs) != 1 || errs[tt.field] == "") {
			t.Errorf("%+v: errors %v, want %q", tt.d, errs, tt.field)
		}
	}
}
